// Runs one greenlet per connection or request, started from Hub callbacks
// (which may not block), bounded by a Pool or a count: past the bound, work
// waits in a FIFO until a greenlet finishes. Tracks its greenlets for stop().
import { checkOptions, checkTimeout, describeValue, GreenletExit } from '../core/errors';
import { Fifo } from '../core/fifo';
import { Greenlet, spawn } from '../core/greenlet';
import { joinall, killall } from '../core/waiting';

/** What the `pool` option accepts besides a number: a tinyevent Pool (anything with spawn and freeCount). */
export interface PoolLike {
  spawn(fn: () => unknown): Greenlet<unknown>;
  freeCount(): number;
}

export type PoolOption = PoolLike | number;

/** A unit of work: run() in its own greenlet, or cancel() if it never gets to run. */
export interface Job {
  run(): void;
  cancel(): void;
}

export function checkPool(value: unknown, what = 'pool'): PoolLike | number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number') {
    if (value === Infinity) return undefined;
    if (!Number.isInteger(value) || value < 1) throw new RangeError(`${what} must be a positive integer or Infinity, got ${value}`);
    return value;
  }
  const pool = value as Partial<PoolLike>;
  if (typeof value !== 'object' || typeof pool.spawn !== 'function' || typeof pool.freeCount !== 'function') {
    throw new TypeError(`${what} must be a Pool or a number, got ${describeValue(value)}`);
  }
  return value as PoolLike;
}

export class Dispatcher {
  readonly #pool: PoolLike | undefined;
  readonly #limit: number;
  readonly #running = new Set<Greenlet<unknown>>();
  readonly #pending = new Fifo<Job>();
  #stopped = false;
  #onDone = (greenlet: Greenlet<unknown>): void => {
    this.#running.delete(greenlet);
    this.#pump();
  };

  constructor(pool: PoolLike | number | undefined) {
    this.#pool = typeof pool === 'object' ? pool : undefined;
    this.#limit = typeof pool === 'number' ? pool : Infinity;
  }

  /** Greenlets running now. */
  get running(): number {
    return this.#running.size;
  }
  /** Jobs waiting for a free slot. */
  get waiting(): number {
    return this.#pending.length;
  }

  /** Starts `job` in a greenlet now if the bound allows, else queues it. Never blocks. */
  submit(job: Job): void {
    if (this.#stopped) job.cancel();
    else if (this.#pending.length === 0 && this.#free() > 0) this.#start(job);
    else this.#pending.push(job);
  }

  #free(): number {
    return this.#pool !== undefined ? this.#pool.freeCount() : this.#limit - this.#running.size;
  }

  #start(job: Job): void {
    const run = (): unknown => {
      job.run();
      return undefined;
    };
    const greenlet = this.#pool !== undefined ? this.#pool.spawn(run) : spawn<unknown, []>(run);
    this.#running.add(greenlet);
    greenlet.link(this.#onDone);
  }

  #pump(): void {
    while (this.#pending.length > 0 && this.#free() > 0) this.#start(this.#pending.shift() as Job);
  }

  /**
   * Stops taking work (queued jobs are cancelled), waits up to `timeout` ms
   * for running greenlets, then kills those left. Blocks the caller.
   */
  stop(options: { timeout?: number | null } = {}): void {
    const timeout = checkTimeout(checkOptions(options, 'options').timeout);
    this.#stopped = true;
    for (let job = this.#pending.shift(); job !== undefined; job = this.#pending.shift()) job.cancel();
    const running = [...this.#running];
    if (running.length > 0 && timeout !== 0) joinall(running, { timeout });
    const left = running.filter((greenlet) => !greenlet.dead);
    if (left.length > 0) killall(left, new GreenletExit(), { timeout: 1000 });
  }
}
