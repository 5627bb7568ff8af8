// gevent's Timeout: an error that a timer throws into the greenlet that started
// it, wherever that greenlet is blocked.
import { checkFunction, checkOptions, checkTimeout, describeValue, isInstance } from './errors';
import { currentFiber, dropPendingThrow, Fiber, root, rootLevel, throwIn } from './fiber';
import { startTimer, TimerHandle } from './timers';

/** What a Timeout throws: itself (undefined), an Error, an Error class to construct, or a message. */
export type TimeoutException = Error | (new (message?: string) => Error) | string | undefined;

/** Error itself or a class extending it (an arrow function or a plain function is not one). */
function isErrorClass(value: unknown): value is new (message?: string) => Error {
  if (typeof value !== 'function') return false;
  if (value === Error) return true;
  try {
    return isInstance((value as { prototype?: unknown }).prototype, Error);
  } catch {
    return false; // a Proxy whose prototype getter throws
  }
}

export class Timeout extends Error {
  /** The duration in milliseconds; undefined means it never fires. */
  readonly ms: number | undefined;
  readonly #exception: TimeoutException;
  #timer: TimerHandle | undefined;

  constructor(ms?: number | null, exception?: TimeoutException) {
    const duration = checkTimeout(ms, 'ms');
    if (exception !== undefined && typeof exception !== 'string' && !isErrorClass(exception) && !isInstance(exception, Error)) {
      throw new TypeError(`exception must be an Error, an Error class or a message, got ${describeValue(exception)}`);
    }
    super(typeof exception === 'string' ? exception : duration === undefined ? 'Timeout' : `Timeout after ${duration} ms`);
    this.name = 'Timeout';
    this.ms = duration;
    this.#exception = exception;
  }

  /** True while the timer is armed. */
  get pending(): boolean {
    return this.#timer !== undefined;
  }

  /** Arms the timer for the current greenlet. */
  start(): this {
    if (this.pending) throw new Error('this Timeout is already pending; cancel() it before starting it again');
    if (this.ms === undefined) return this;
    const target = currentFiber();
    // In the root, aim at the wait of the code starting it, not at a wait a
    // plain callback may have opened inside that one by the time it fires.
    const level = target === root ? rootLevel() : undefined;
    this.#timer = startTimer(this.ms, () => {
      this.#timer = undefined;
      const error = this.#toThrow();
      this.#thrown = { target, error };
      throwIn(target, error, level);
    });
    return this;
  }

  /** Disarms the timer; harmless if it is not pending. A throw that fired and still waits for its target's next park is dropped too. */
  cancel(): void {
    this.#timer?.cancel();
    this.#timer = undefined;
    if (this.#thrown !== undefined) {
      dropPendingThrow(this.#thrown.target, this.#thrown.error);
      this.#thrown = undefined;
    }
  }

  [Symbol.dispose](): void {
    this.cancel();
  }

  /** What the last firing threw, and at whom (until cancel()). */
  #thrown: { readonly target: Fiber; readonly error: unknown } | undefined = undefined;

  #toThrow(): unknown {
    const exception = this.#exception;
    if (exception === undefined || typeof exception === 'string') return this;
    if (typeof exception !== 'function') return exception;
    try {
      return new exception(this.message);
    } catch (error) {
      return error; // a constructor that throws: its error is what the greenlet gets
    }
  }

  static startNew(ms?: number | null, exception?: TimeoutException): Timeout {
    return new Timeout(ms, exception).start();
  }

  /** Runs `fn` in the current greenlet; throws if it has not returned within `ms`. */
  static run<T>(ms: number | null | undefined, fn: () => T, exception?: TimeoutException): T {
    checkFunction(fn, 'fn');
    const timeout = Timeout.startNew(ms, exception);
    try {
      return fn();
    } finally {
      timeout.cancel();
    }
  }
}

/** gevent's with_timeout: `fn()`, or `timeoutValue` (when given) if `ms` passes first. */
export function withTimeout<T, D = never>(ms: number, fn: () => T, options?: { timeoutValue?: D }): T | D {
  checkFunction(fn, 'fn');
  const opts = checkOptions(options, 'options');
  const timeout = Timeout.startNew(ms);
  try {
    return fn();
  } catch (error) {
    if (error === timeout && 'timeoutValue' in opts) return opts.timeoutValue as D;
    throw error;
  } finally {
    timeout.cancel();
  }
}
