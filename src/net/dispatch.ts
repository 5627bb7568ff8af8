// Runs one greenlet per connection or request, started from Hub callbacks
// (which may not block), bounded by a Pool or a count: past the bound, work
// waits in a FIFO until a greenlet finishes. Tracks its greenlets for stop().
import { checkOptions, checkTimeout, describeValue, GreenletExit } from '../core/errors';
import { currentFiber } from '../core/fiber';
import { Fifo } from '../core/fifo';
import { Greenlet, spawn } from '../core/greenlet';
import { Pool } from '../core/pool';
import { Timeout } from '../core/timeout';
import { joinall, killall } from '../core/waiting';

/** The `pool` option: a Pool (possibly shared with other work), or a size for a new one. */
export type PoolOption = Pool | number;

/** A unit of work: run() in its own greenlet, or cancel() if it never gets to run. */
export interface Job {
  run(): void;
  cancel(): void;
}

export function checkPool(value: unknown, what = 'pool'): Pool | undefined {
  if (value === undefined || value === null || value === Infinity) return undefined;
  if (typeof value === 'number') {
    if (!Number.isInteger(value) || value < 1) throw new RangeError(`${what} must be a positive integer or Infinity, got ${value}`);
    return new Pool(value);
  }
  if (!(value instanceof Pool)) throw new TypeError(`${what} must be a Pool or a number, got ${describeValue(value)}`);
  return value;
}

export class Dispatcher {
  readonly #pool: Pool | undefined;
  readonly #running = new Set<Greenlet<unknown>>();
  readonly #pending = new Fifo<Job>();
  #feeder: Greenlet<unknown> | undefined;
  #stopped = false;
  #onDone = (greenlet: Greenlet<unknown>): void => {
    this.#running.delete(greenlet);
    this.#pump();
  };

  constructor(pool: Pool | undefined) {
    this.#pool = pool;
  }

  /** Greenlets running now. */
  get running(): number {
    return this.#running.size;
  }
  /** Jobs waiting for a free slot. */
  get waiting(): number {
    return this.#pending.length;
  }

  /** Starts `job` in a greenlet now if the pool has room, else queues it. Never blocks. */
  submit(job: Job): void {
    if (this.#stopped) {
      job.cancel();
    } else if (this.#pool === undefined) {
      this.#start(job);
    } else {
      this.#pending.push(job);
      this.#pump();
    }
  }

  #start(job: Job): void {
    if (this.#pool === undefined) {
      // No pool to refill: the greenlet leaves the set itself, sparing a link on the Hub.
      const greenlet: Greenlet<unknown> = spawn<unknown, []>(() => {
        try {
          job.run();
        } finally {
          this.#running.delete(greenlet);
        }
        return undefined;
      });
      this.#running.add(greenlet);
      return;
    }
    // Called only while the pool has a free slot: Pool.spawn does not block then.
    const greenlet = this.#pool.spawn((): unknown => {
      job.run();
      return undefined;
    });
    this.#running.add(greenlet);
    greenlet.link(this.#onDone);
  }

  #pump(): void {
    const pool = this.#pool as Pool;
    while (this.#pending.length > 0 && pool.freeCount() > 0) this.#start(this.#pending.shift() as Job);
    // The pool may be full of greenlets that are not ours: a feeder waits for its slots.
    if (this.#pending.length > 0 && this.#feeder === undefined) {
      this.#feeder = spawn<unknown, []>(() => {
        try {
          while (this.#pending.length > 0 && !this.#stopped) {
            pool.waitAvailable();
            this.#pump();
          }
        } finally {
          this.#feeder = undefined;
        }
        return undefined;
      });
    }
  }

  /**
   * Stops taking work (queued jobs are cancelled), waits up to `timeout` ms
   * for running greenlets, then kills those left. Blocks the caller.
   */
  stop(options: { timeout?: number | null } = {}): void {
    const timeout = checkTimeout(checkOptions(options, 'options').timeout);
    this.#stopped = true;
    this.#feeder?.kill(new GreenletExit(), { block: false });
    for (let job = this.#pending.shift(); job !== undefined; job = this.#pending.shift()) job.cancel();
    const self = currentFiber();
    const running = [...this.#running].filter((greenlet) => greenlet !== self); // stop() from a handler spares its caller
    if (running.length > 0 && timeout !== 0) joinall(running, { timeout });
    const left = running.filter((greenlet) => !greenlet.dead);
    if (left.length > 0) {
      try {
        killall(left, new GreenletExit(), { timeout: 1000 });
      } catch (error) {
        if (!(error instanceof Timeout)) throw error; // gevent's stop() gives up on those too
      }
    }
    for (const greenlet of running) if (greenlet.dead) this.#running.delete(greenlet); // killed before they started
  }
}
