// Runs one greenlet per connection or request, started from Hub callbacks
// (which may not block), bounded by a Pool or a count: past the bound, work
// waits in a FIFO until a greenlet finishes. Tracks its greenlets for stop().
//
// The running greenlets are a linked list, not a Set: a long-lived Set whose
// table has reached the old generation keeps every key it ever held alive
// through minor GCs (V8 leaves removed entries in the tables it outgrows), so
// each finished request's objects were copied and promoted until a full GC.
import { checkOptions, checkTimeout, describeValue, GreenletExit } from '../core/errors';
import { currentFiber } from '../core/fiber';
import { Fifo } from '../core/fifo';
import { Greenlet, spawn } from '../core/greenlet';
import { Pool } from '../primitives/pool';
import { Ring, RingLink } from '../core/ring';
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

/**
 * A running greenlet's place in the Dispatcher's list, and its job; emptied
 * when it leaves, so that a finished greenlet (which its arguments keep) holds
 * on to none of its request's objects.
 */
class Entry extends RingLink {
  greenlet: Greenlet<unknown> | undefined = undefined;
  job: Job | undefined;
  constructor(job: Job) {
    super();
    this.job = job;
  }
}

/** The body of a greenlet without a pool: runs the job, then takes it off the list. */
function runUnpooled(dispatcher: Dispatcher, entry: Entry): unknown {
  try {
    (entry.job as Job).run();
  } finally {
    dispatcher._leave(entry);
  }
  return undefined;
}

/** The body of a pooled greenlet (its link takes it off the list). */
function runPooled(entry: Entry): unknown {
  const job = entry.job as Job;
  entry.job = undefined;
  job.run();
  return undefined;
}

export class Dispatcher {
  readonly #pool: Pool | undefined;
  /** The running greenlets. */
  readonly #running = new Ring<Entry>();
  #count = 0;
  readonly #pending = new Fifo<Job>();
  #feeder: Greenlet<unknown> | undefined;
  #stopped = false;

  constructor(pool: Pool | undefined) {
    this.#pool = pool;
  }

  /** Greenlets running now. */
  get running(): number {
    return this.#count;
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

  #enter(entry: Entry, greenlet: Greenlet<unknown>): void {
    entry.greenlet = greenlet;
    this.#running.push(entry);
    this.#count++;
  }

  /** @internal Takes a finished greenlet off the list (idempotent). */
  _leave(entry: Entry): void {
    if (!this.#running.remove(entry)) return;
    entry.greenlet = entry.job = undefined;
    this.#count--;
  }

  #start(job: Job): void {
    // Listed once spawned (a spawned greenlet runs later, never inside spawn).
    const entry = new Entry(job);
    if (this.#pool === undefined) {
      // No pool to refill: the greenlet leaves the list itself, sparing a link on the Hub.
      this.#enter(entry, spawn(runUnpooled, this, entry));
      return;
    }
    // Called only while the pool has a free slot: Pool.spawn does not block then.
    const greenlet = this.#pool.spawn(runPooled, entry);
    this.#enter(entry, greenlet);
    greenlet.link(() => {
      this._leave(entry);
      this.#pump();
    });
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
    const entries: Entry[] = [];
    const running: Greenlet<unknown>[] = [];
    for (const entry of this.#running) {
      // stop() from a handler spares its caller
      if (entry.greenlet !== undefined && entry.greenlet !== self) {
        entries.push(entry);
        running.push(entry.greenlet);
      }
    }
    if (running.length > 0 && timeout !== 0) joinall(running, { timeout });
    const left = running.filter((greenlet) => !greenlet.dead);
    if (left.length > 0) {
      try {
        killall(left, new GreenletExit(), { timeout: 1000 });
      } catch (error) {
        if (!(error instanceof Timeout)) throw error; // gevent's stop() gives up on those too
      }
    }
    for (let i = 0; i < entries.length; i++) if (running[i].dead) this._leave(entries[i]); // killed before they started
  }
}
