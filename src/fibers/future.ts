// node-fibers' Future (`require('fibers/future')`): a value that may not be
// there yet. wait() suspends the running fiber (any greenlet counts) until it
// resolves; resolve() takes node-style callbacks; Future.wrap turns
// callback-taking functions into future-returning ones.
import { describeValue } from '../core/errors';
import { inHub } from '../core/fiber';
import { Fiber } from './fiber';

type Errback = (error: unknown, value?: unknown) => void;

/** What Future.wrap makes of a callback function: the same call, minus the callback, returning a future. */
export type FutureFunction = ((...args: unknown[]) => Future) & Record<string, unknown>;
type NodeStyle = (...args: unknown[]) => unknown;

/** Something a failure can be thrown to: resolve(future, cb) passes errors to `future.throw`. */
interface Thrower {
  throw(error: unknown): void;
}

type Listener = { readonly errback: Errback } | { readonly onError: Thrower; readonly onValue: (value: unknown) => void };

/** Rethrows a failing resolve callback where nothing catches it, as node-fibers does. */
function rethrowLater(error: unknown): void {
  process.nextTick(() => {
    throw error;
  });
}

function notify(listener: Listener, failed: boolean, error: unknown, value: unknown): void {
  if ('errback' in listener) {
    if (failed) listener.errback(error);
    else listener.errback(undefined, value);
  } else if (failed) {
    listener.onError.throw(error);
  } else {
    listener.onValue(value);
  }
}

export class Future<T = unknown> {
  /** True once return() or throw() has been called. */
  resolved = false;
  value: T | undefined = undefined;
  error: unknown = undefined;
  /** What a function wrapped by Future.wrap returned (beside calling back). */
  _: unknown;
  #listeners: Listener[] = [];

  /** Resolves it with `value`; pending callbacks run now. */
  return(value?: T): void {
    if (this.resolved) throw new Error('Future resolved more than once');
    this.value = value;
    this.resolved = true;
    this.#fire(false);
  }

  /** Resolves it with `error` (which get() and wait() throw); pending callbacks run now. */
  throw(error: unknown): void {
    if (this.resolved) throw new Error('Future resolved more than once');
    if (!error) throw new Error('Must throw non-empty error');
    this.error = error;
    this.resolved = true;
    this.#fire(true);
  }

  #fire(failed: boolean): void {
    const listeners = this.#listeners;
    this.#listeners = [];
    for (const listener of listeners) {
      try {
        notify(listener, failed, this.error, this.value);
      } catch (error) {
        rethrowLater(error);
      }
    }
  }

  isResolved(): boolean {
    return this.resolved === true;
  }

  /** Its value; throws its error; throws if it has not resolved yet. */
  get(): T {
    if (!this.resolved) throw new Error('Future must resolve before value is ready');
    if (this.error) throw this.error;
    return this.value as T;
  }

  /** Suspends the running fiber until it resolves; returns the value or throws the error. */
  wait(): T {
    if (!this.isResolved()) Future.wait(this);
    return this.get();
  }

  /**
   * Calls back when it resolves (at once if it has): `resolve((err, value) => ...)`,
   * or `resolve(future, (value) => ...)` to pass a failure on to `future.throw`.
   */
  resolve(errbackOrFuture: Errback | Thrower, onValue?: (value: T) => void): this {
    let listener: Listener;
    if (onValue !== undefined) {
      if (typeof onValue !== 'function') throw new TypeError(`resolve(future, callback): callback must be a function, got ${describeValue(onValue)}`);
      if (errbackOrFuture === null || typeof (errbackOrFuture as Partial<Thrower>).throw !== 'function') {
        throw new TypeError(`resolve(future, callback): future must have a throw() method, got ${describeValue(errbackOrFuture)}`);
      }
      listener = { onError: errbackOrFuture as Thrower, onValue: onValue as (value: unknown) => void };
    } else {
      if (typeof errbackOrFuture !== 'function') throw new TypeError(`resolve(callback): callback must be a function, got ${describeValue(errbackOrFuture)}`);
      listener = { errback: errbackOrFuture };
    }
    if (this.resolved) notify(listener, Boolean(this.error), this.error, this.value);
    else this.#listeners.push(listener);
    return this;
  }

  /** Calls back with the value only if it succeeds. */
  resolveSuccess(callback: (value: T) => void): this {
    return this.resolve((error, value) => {
      if (!error) callback(value as T);
    });
  }

  /** A node-style callback `(err, value)` that resolves it. */
  resolver(): (error: unknown, value?: T) => void {
    return (error, value) => {
      if (error) this.throw(error);
      else this.return(value);
    };
  }

  /** Resolves `future` the same way as this one, when this one resolves. */
  proxy(future: Future<T>): void {
    this.resolve((error, value) => {
      if (error) future.throw(error);
      else future.return(value as T);
    });
  }

  /** Passes only a failure on to `futures` (one or an array). */
  proxyErrors(futures: Thrower | Thrower[]): this {
    this.resolve((error) => {
      if (!error) return;
      if (Array.isArray(futures)) for (const f of futures) f.throw(error);
      else futures.throw(error);
    });
    return this;
  }

  /** Nobody waits for it, but a failure must not go unnoticed: it is thrown to the event loop. */
  detach(): void {
    this.resolve((error) => {
      if (error) throw error;
    });
  }

  /** A Promise of its result. */
  promise(): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.resolve((error, value) => (error ? reject(error) : resolve(value as T)));
    });
  }

  /** A future that resolves as `promise` settles. */
  static fromPromise<T>(promise: PromiseLike<T>): Future<T> {
    if (promise === null || typeof (promise as Partial<PromiseLike<T>>)?.then !== 'function') {
      throw new TypeError(`Future.fromPromise expects a promise, got ${describeValue(promise)}`);
    }
    const future = new Future<T>();
    promise.then(
      (value) => future.return(value),
      (error: unknown) => future.throw(error),
    );
    return future;
  }

  /**
   * Suspends the running fiber until every future given (or in arrays given)
   * has resolved. Failures are not thrown here: get() each future for them.
   */
  static wait(...args: unknown[]): void {
    const pending: Future[] = [];
    let inline: FiberFuture | undefined;
    const take = (item: unknown): void => {
      if (!(item instanceof Future)) throw new TypeError(`${describeValue(item)} is not a future`);
      if (item.isResolved()) return;
      // A future function that has not started yet runs right here, in this fiber.
      if (inline === undefined && item instanceof FiberFuture && !item.started) inline = item;
      else pending.push(item);
    };
    for (const arg of args) {
      if (Array.isArray(arg)) for (const item of arg) take(item);
      else take(arg);
    }
    const fiber = Fiber.current;
    if (fiber === undefined) throw new Error("Can't wait without a fiber");
    let waiting = pending.length + (inline === undefined ? 0 : 1);
    const done = (): void => {
      if (--waiting !== 0) return;
      // A future resolved inside a Hub callback (a greenlet's link) cannot
      // switch there: resume the fiber once that callback has returned.
      if (inHub()) process.nextTick(() => fiber.run());
      else fiber.run();
    };
    for (const future of pending) future.resolve(done);
    if (inline !== undefined) {
      inline._runHere();
      --waiting;
    }
    if (waiting > 0) Fiber.yield();
  }

  /**
   * Wraps a function that takes a node-style callback last, so that it returns a
   * future instead; `multi`: the callback's values after `err` come as an
   * array. An object gets a copy with every method also wrapped under
   * `name + suffix` (suffix 'Future' by default).
   */
  static wrap(fn: (...args: never[]) => unknown, multi?: boolean, suffix?: string, stop?: boolean): FutureFunction;
  static wrap<O extends object>(object: O, multi?: boolean, suffix?: string, stop?: boolean): O & Record<string, unknown>;
  static wrap(fnOrObject: unknown, multi?: boolean, suffix?: string, stop?: boolean): unknown {
    if (typeof fnOrObject === 'function') return wrapFunction(fnOrObject as NodeStyle, multi, suffix, stop);
    if (typeof fnOrObject === 'object' && fnOrObject !== null) return wrapObject(fnOrObject, multi, suffix, stop);
    throw new TypeError(`Future.wrap expects a function or an object, got ${describeValue(fnOrObject)}`);
  }

  /**
   * Runs `fn` in a fiber of its own (on a later tick) and returns a future of
   * its result; several functions give a future of the array of their results.
   */
  static task(...fns: (() => unknown)[]): Future<unknown> {
    for (const fn of fns) if (typeof fn !== 'function') throw new TypeError(`Future.task expects functions, got ${describeValue(fn)}`);
    if (fns.length === 1) return new FiberFuture(fns[0], undefined, []);
    const all = new Future<unknown[]>();
    const values = new Array<unknown>(fns.length);
    let pending = fns.length;
    let failure: unknown;
    fns.forEach((fn, index) => {
      new FiberFuture(fn, undefined, []).resolve((error, value) => {
        if (error) failure = error;
        values[index] = value;
        if (--pending === 0) {
          if (failure) all.throw(failure);
          else all.return(values);
        }
      });
    });
    return all as Future<unknown>;
  }
}

function wrapObject(object: object, multi: boolean | undefined, suffix: string | undefined, stop: boolean | undefined): object {
  const wrapped = Object.create(object) as Record<string, unknown>;
  // for-in on purpose: inherited enumerable methods are wrapped too, as node-fibers does.
  for (const key in object) {
    const member = wrapped[key];
    if (member instanceof Function) wrapped[key + (suffix ?? 'Future')] = Future.wrap(member as NodeStyle, multi, suffix, stop);
  }
  return wrapped;
}

function wrapFunction(fn: NodeStyle, multi: boolean | undefined, suffix: string | undefined, stop: boolean | undefined): FutureFunction {
  const wrapped = function (this: unknown, ...args: unknown[]): Future {
    const future = new Future();
    const resolver = future.resolver();
    args.push(multi ? (error: unknown, ...values: unknown[]) => resolver(error, values) : resolver);
    future._ = fn.apply(this, args);
    return future;
  };
  // Functions with methods of their own (`request.get`, ...) keep them, wrapped too.
  if (!stop) {
    const proto = Object.create(fn) as Record<string, unknown>;
    for (const key of Object.keys(fn)) {
      if ((fn as unknown as Record<string, unknown>)[key] instanceof Function) proto[key] = proto[key];
    }
    Object.setPrototypeOf(wrapped, Future.wrap(proto, multi, suffix, true));
  }
  return wrapped as FutureFunction;
}

/** The future of a function call run in a fiber: what `fn.future()(...)` and Future.task return. */
export class FiberFuture<T = unknown> extends Future<T> {
  started = false;

  constructor(
    readonly fn: (...args: unknown[]) => T,
    readonly context: unknown,
    readonly args: unknown[],
  ) {
    super();
    process.nextTick(() => {
      if (this.started) return;
      this.started = true;
      Fiber(() => this.#settle()).run();
    });
  }

  #settle(): void {
    try {
      this.return(this.fn.apply(this.context, this.args));
    } catch (error) {
      this.throw(error);
    }
  }

  /** @internal Runs the call in the current fiber (Future.wait reuses the waiting fiber). */
  _runHere(): void {
    this.started = true;
    this.#settle();
  }
}

declare global {
  interface Function {
    /**
     * (tinyevent/fibers/future) A function that runs this one in a fiber of its
     * own and returns a future of its result; `detach`: the future is detached.
     */
    future(detach?: boolean): (...args: unknown[]) => Future;
  }
}

/** Installs Function.prototype.future, as loading node-fibers' future module does. */
export function installFunctionFuture(): void {
  Object.defineProperty(Function.prototype, 'future', {
    configurable: true,
    writable: true,
    enumerable: false,
    value: function future(this: (...args: unknown[]) => unknown, detach?: boolean) {
      const fn = this;
      if (typeof fn !== 'function') throw new TypeError(`future() must be called on a function, got ${describeValue(fn)}`);
      const futureFunction = function (this: unknown, ...args: unknown[]): Future {
        const result = new FiberFuture(fn, this, args);
        if (detach) result.detach();
        return result;
      };
      futureFunction.toString = () => `<<Future ${String(fn)}.future()>>`;
      return futureFunction;
    },
  });
}
