// gevent's AsyncResult: a one-time value or error that greenlets wait for.
import { checkOptions, checkTimeout } from '../core/errors';
import { Linkable } from '../core/linkable';
import { Timeout } from '../core/timeout';

const enum State {
  Pending,
  Value,
  Error,
}

export class AsyncResult<T = unknown> extends Linkable<AsyncResult<T>> {
  #state = State.Pending;
  #value: T | undefined = undefined;
  #exception: unknown = undefined;

  ready(): boolean {
    return this.#state !== State.Pending;
  }

  successful(): boolean {
    return this.#state === State.Value;
  }

  /** The value once set successfully, else undefined. */
  get value(): T | undefined {
    return this.#value;
  }

  /** The error once setException() was called, else undefined. */
  get exception(): unknown {
    return this.#exception;
  }

  /** Stores the value and wakes every waiter; a later set overrides it, as in gevent. */
  set(value?: T): void {
    this.#state = State.Value;
    this.#value = value;
    this.#exception = undefined;
    this._checkAndNotify();
  }

  /** Stores an error that get() throws, and wakes every waiter. */
  setException(error: unknown): void {
    this.#state = State.Error;
    this.#value = undefined;
    this.#exception = error;
    this._checkAndNotify();
  }

  /**
   * The value, waiting for it if needed; throws the stored error. Throws a
   * Timeout if it is not ready within `timeout` ms, or at once with `block: false`.
   */
  get(options: { block?: boolean; timeout?: number } = {}): T {
    const opts = checkOptions(options, 'options');
    const ms = checkTimeout(opts.timeout);
    if (this.#state === State.Pending) {
      if (opts.block === false) throw new Timeout(0);
      if (!this._waitCore('AsyncResult.get()', ms) && this.#state === State.Pending) throw new Timeout(ms);
    }
    if (this.#state === State.Error) throw this.#exception;
    return this.#value as T;
  }

  /** get({ block: false }). */
  getNowait(): T {
    return this.get({ block: false });
  }

  /** Blocks until it is ready or `timeout` ms pass; returns whether it is ready. */
  wait(timeout?: number): boolean {
    const ms = checkTimeout(timeout);
    if (this.#state !== State.Pending) {
      if (this._notificationDue()) this._waitTurn('AsyncResult.wait()');
      return true;
    }
    this._waitCore('AsyncResult.wait()', ms);
    return this.#state !== State.Pending;
  }

  override toString(): string {
    const state = this.#state === State.Pending ? 'pending' : this.#state === State.Value ? 'value' : 'exception';
    return `<AsyncResult ${state}>`;
  }
}
