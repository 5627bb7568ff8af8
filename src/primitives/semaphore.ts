// gevent's Semaphore, BoundedSemaphore and Lock. Acquirers wait in a FIFO line;
// a woken acquirer takes its permit itself, so one killed or timed out while
// waiting holds none.
import { checkFunction, checkOptions, checkTimeout, describeValue } from '../core/errors';
import { Linkable } from '../core/linkable';
import { WaitLine } from '../core/waitline';

export interface AcquireOptions {
  /** false: take a permit only if one is free now. */
  blocking?: boolean;
  /** Milliseconds to wait at most. */
  timeout?: number;
}

function checkPermits(value: unknown): number {
  if (typeof value !== 'number') throw new TypeError(`value must be a number, got ${describeValue(value)}`);
  if (!Number.isInteger(value) || value < 0) throw new RangeError(`value must be a non-negative integer, got ${value}`);
  return value;
}

interface Acquirable {
  acquire(): boolean;
  release(): void;
}

/** @internal acquire(), fn(), release() even if fn throws. */
export function runLocked<R>(lock: Acquirable, fn: () => R): R {
  checkFunction(fn, 'fn');
  lock.acquire();
  try {
    return fn();
  } finally {
    lock.release();
  }
}

/** @internal acquire(), and a Disposable whose first dispose releases. */
export function holdLock(lock: Acquirable): Disposable {
  lock.acquire();
  let held = true;
  return {
    [Symbol.dispose]: () => {
      if (held) lock.release();
      held = false;
    },
  };
}

export class Semaphore extends Linkable<Semaphore> {
  #value: number;
  readonly #line = new WaitLine(() => this.#value);

  constructor(value = 1) {
    super();
    this.#value = checkPermits(value);
  }

  /** Free permits (those already promised to woken waiters excluded). */
  get counter(): number {
    return this.#value - this.#line.reserved;
  }

  /** True if acquire() would block. */
  locked(): boolean {
    return !this.#line.canTake();
  }

  /** For wait()/iwait() and rawlink(): a permit is free. */
  ready(): boolean {
    return this.counter > 0;
  }

  // Links are called only while a permit is free, as in gevent.
  protected override get notifyAll(): boolean {
    return false;
  }

  /**
   * Takes a permit, waiting (first come, first served) while none is free.
   * Returns false if `blocking: false` found none or `timeout` ms passed.
   */
  acquire(options: AcquireOptions = {}): boolean {
    const opts = checkOptions(options, 'options');
    const ms = checkTimeout(opts.timeout);
    const line = this.#line;
    if (line.canTake() || (opts.blocking !== false && line.awaitTurn(`${this.constructor.name}.acquire()`, ms))) {
      this.#value--;
      return true;
    }
    return false;
  }

  /** Returns a permit, waking the first waiter. */
  release(): void {
    this._checkRelease(this.#value);
    this.#value++;
    this.#line.pump();
    this._checkAndNotify();
  }

  /** @internal Throws if one more release is not allowed (BoundedSemaphore). */
  protected _checkRelease(_value: number): void {}

  /** Blocks until a permit is free, without taking it; returns counter (0 after a timeout). */
  wait(timeout?: number): number {
    const ms = checkTimeout(timeout);
    if (this.counter > 0) return this.counter;
    this._waitCore(`${this.constructor.name}.wait()`, ms);
    return this.counter;
  }

  /** acquire(), fn(), release() even if fn throws; returns what fn returns. */
  run<R>(fn: () => R): R {
    return runLocked(this, fn);
  }

  /** acquire(), and a handle whose dispose releases: `using _ = sem.hold()`. */
  hold(): Disposable {
    return holdLock(this);
  }

  override toString(): string {
    return `<${this.constructor.name} counter=${this.counter} waiters=${this.#line.waiting}>`;
  }
}

/** A Semaphore that throws when released more times than it was acquired. */
export class BoundedSemaphore extends Semaphore {
  readonly #initial: number;

  constructor(value = 1) {
    super(value);
    this.#initial = value;
  }

  protected override _checkRelease(value: number): void {
    if (value >= this.#initial) throw new RangeError(`${this.constructor.name} released too many times`);
  }
}

/** A BoundedSemaphore of one: releasing an unlocked Lock throws. */
export class Lock extends BoundedSemaphore {
  constructor() {
    super(1);
  }
}
