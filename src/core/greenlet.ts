// gevent's Greenlet: a raw greenlet whose parent is the Hub, started from the
// Hub in spawn order, with a result, links, kill and join.
import { checkFunction, checkMs, checkOptions, checkTimeout, errorText, GreenletExit, isInstance } from './errors';
import { block, TIMED_OUT } from './block';
import { currentFiber, Fiber, hub, OK, reportHubError, rootResumable, schedule, scheduleFiber, throwIn, unwrap } from './fiber';
import { noteDead, noteSpawned } from './live';
import { RawGreenlet } from './raw';
import { AsyncResult } from '../primitives/asyncresult';
import { Timeout } from './timeout';
import { startTimer, TimerHandle } from './timers';

// Method syntax makes the parameter bivariant, so Greenlet<T> stays covariant
// in T: a Greenlet<number> is a Greenlet<unknown> (joinall, Group, arrays).
export type LinkCallback<T> = { bivarianceHack(greenlet: Greenlet<T>): void }['bivarianceHack'];
export type ErrorHandler = (error: unknown, greenlet: Greenlet<unknown>) => void;

/** What link() takes: a callback, or an AsyncResult that receives the value or the error. */
export type LinkTarget<T> = LinkCallback<T> | AsyncResult<T>;

/** Anything `wait`/`iwait` can wait for. */
export interface Waitable {
  rawlink(callback: (source: unknown) => void): void;
  unlink(callback: (source: unknown) => void): void;
  ready(): boolean;
}

const enum Phase {
  New,
  Scheduled,
  Running,
  Dead,
}

let errorHandler: ErrorHandler | null = null;
let counter = 0;
// What a greenlet spawned without arguments keeps (never written to): while
// many greenlets are alive, each array they hold is one more object every
// minor GC copies.
const NO_ARGS: unknown[] = [];

/** Replaces the report printed when a greenlet fails; null restores it. */
export function setErrorHandler(handler: ErrorHandler | null): void {
  if (handler !== null) checkFunction(handler, 'handler');
  errorHandler = handler;
}

function report(error: unknown, greenlet: Greenlet<unknown>): void {
  if (errorHandler !== null) {
    try {
      errorHandler(error, greenlet);
      return;
    } catch (handlerError) {
      error = handlerError; // a broken handler is reported the default way
    }
  }
  const { name, detail } = errorText(error);
  process.stderr.write(`${String(greenlet)} failed with ${name}\n\n${detail}\n`);
}

interface Link<T> {
  readonly target: LinkTarget<T>;
  readonly callback: LinkCallback<T>;
  readonly when: 'always' | 'value' | 'exception';
  /** Unlinked: a notification pass already under way skips it. */
  cancelled: boolean;
}

export class Greenlet<T = unknown> extends RawGreenlet<[], T> {
  #fn: ((...args: never[]) => T) | undefined;
  #args: unknown[];
  #phase = Phase.New;
  #startTimer: TimerHandle | undefined;
  #links: Link<T>[] = [];
  #value: T | undefined = undefined;
  #exception: unknown = undefined;
  #failed = false;
  #promise: Promise<T> | undefined;
  name: string;

  constructor(fn?: (...args: never[]) => T, ...args: unknown[]) {
    super();
    if (fn !== undefined) checkFunction(fn, 'fn');
    this.#fn = fn;
    this.#args = args.length === 0 ? NO_ARGS : args;
    this.name = `Greenlet-${++counter}`;
    this._setParentFiber(hub);
  }

  /** Creates and starts a greenlet (of this class). */
  static spawn<G extends Greenlet<unknown>, A extends unknown[]>(this: new (...args: A) => G, ...args: A): G {
    const greenlet = new this(...args);
    greenlet.start();
    return greenlet;
  }

  /** The body; override it in a subclass (gevent's `_run`). */
  protected override run(): T {
    if (this.#fn === undefined) throw new TypeError(`${String(this)} has no function to run; pass one or override run()`);
    return (this.#fn as (...args: unknown[]) => T)(...this.#args);
  }

  /** Schedules the greenlet to run on a later turn of the loop (spawn order). */
  start(): void {
    if (this.#phase !== Phase.New) return;
    this.#phase = Phase.Scheduled;
    noteSpawned(this);
    scheduleFiber(this);
  }

  /** Schedules the greenlet to start after `ms`. */
  startLater(ms: number): void {
    checkMs(ms, 'ms');
    if (this.#phase !== Phase.New) return;
    this.#phase = Phase.Scheduled;
    noteSpawned(this);
    this.#startTimer = startTimer(ms, () => {
      this.#startTimer = undefined;
      scheduleFiber(this);
    });
  }

  /** @internal Its turn in the Hub's queue: the first one starts it (a thread is found for it next). */
  override _takeReady(): boolean {
    if (this.#phase !== Phase.Scheduled) return super._takeReady(); // running, or killed before it started
    this.#phase = Phase.Running;
    this._started = true;
    return true;
  }

  /** @internal */
  override _noThread(error: unknown): void {
    this.#die(true, undefined, error, true);
  }

  /** @internal Only start() launches it, never a raw switch or a child's return. */
  override _begun(): boolean {
    return true;
  }

  /** @internal */
  override _body(): Fiber {
    let result: T | undefined;
    let failed = false;
    let error: unknown;
    try {
      // The function is called from here unless run() is overridden: one frame
      // less on the stack of every parked greenlet, which each GC walks.
      const fn = this.#fn;
      result = fn !== undefined && this.run === Greenlet.prototype.run ? (fn as (...args: unknown[]) => T)(...this.#args) : this.run();
    } catch (thrown) {
      failed = true;
      error = thrown;
    }
    this.#die(failed, result, error, true);
    return hub;
  }

  #die(failed: boolean, result: T | undefined, error: unknown, shouldReport: boolean): void {
    this.#phase = Phase.Dead;
    this._finished = true;
    noteDead(this);
    this._async?.emitDestroy();
    if (failed && isInstance(error, GreenletExit)) {
      this.#value = error as unknown as T; // gevent: a GreenletExit kill returns the exit as the value
    } else if (failed) {
      this.#failed = true;
      this.#exception = error;
      if (shouldReport) report(error, this as Greenlet<unknown>);
    } else {
      this.#value = result;
    }
    if (this.#links.length > 0) schedule(() => this.#notifyLinks());
  }

  #notifyLinks(): void {
    // The links stay listed while they are called, so unlink() reaches them.
    const links = this.#links.slice();
    for (const link of links) {
      if (link.cancelled) continue; // unlinked by an earlier callback
      this.#links.shift(); // it is first: earlier ones were called or unlinked
      // One failing callback must not cost the others their call (joinall's
      // own link among them), as in gevent.
      try {
        this.#fire(link);
      } catch (error) {
        reportHubError(error, 'a link callback');
      }
      if (rootResumable() && this.#links.length > 0) {
        // A root waiter was woken: it runs now (as gevent switches to it), the rest after it.
        schedule(() => this.#notifyLinks());
        return;
      }
    }
  }

  #fire(link: Link<T>): void {
    if (link.when === 'value' && this.#failed) return;
    if (link.when === 'exception' && !this.#failed) return;
    link.callback(this);
  }

  #addLink(target: LinkTarget<T>, when: Link<T>['when']): void {
    const link: Link<T> = { target, callback: Greenlet.#callbackFor(target), when, cancelled: false };
    if (this.#phase === Phase.Dead) {
      this.#links.push(link); // unlink() before the scheduled call still cancels it
      schedule(() => this.#notifyLinks());
    } else {
      this.#links.push(link);
    }
  }

  // gevent's AsyncResult is callable as a link: it takes the value or the error.
  static #callbackFor<T>(target: LinkTarget<T>): LinkCallback<T> {
    if (target instanceof AsyncResult) {
      return (greenlet: Greenlet<T>) => (greenlet.successful() ? target.set(greenlet.value as T) : target.setException(greenlet.exception));
    }
    checkFunction(target, 'callback');
    return target;
  }

  /**
   * Calls `callback(greenlet)` on the Hub when it dies (callbacks must not
   * block); an AsyncResult given instead receives its value or its error.
   */
  link(callback: LinkTarget<T>): void {
    this.#addLink(callback, 'always');
  }
  linkValue(callback: LinkTarget<T>): void {
    this.#addLink(callback, 'value');
  }
  linkException(callback: LinkTarget<T>): void {
    this.#addLink(callback, 'exception');
  }
  /** Same as link(); the name wait() and iwait() look for. */
  rawlink(callback: LinkTarget<T>): void {
    this.#addLink(callback, 'always');
  }
  /** Removes a link; one not yet called (even during the notification of links) is never called. */
  unlink(callback: LinkTarget<T>): void {
    let found = false;
    for (const link of this.#links) {
      if (link.target !== callback) continue;
      link.cancelled = true;
      found = true;
    }
    // A new array, not a splice: a notification pass under way holds a copy.
    if (found) this.#links = this.#links.filter((link) => link.target !== callback);
  }

  get value(): T | undefined {
    return this.#value;
  }
  /** The error that ended it, or undefined. */
  get exception(): unknown {
    return this.#exception;
  }
  override get dead(): boolean {
    return this.#phase === Phase.Dead;
  }
  /** True from start() (or startLater) until it dies, as gevent's `bool(greenlet)`. */
  get started(): boolean {
    return this.#phase === Phase.Scheduled || this.#phase === Phase.Running;
  }
  ready(): boolean {
    return this.#phase === Phase.Dead;
  }
  successful(): boolean {
    return this.#phase === Phase.Dead && !this.#failed;
  }

  /** Waits until it dies or `timeout` passes; never throws its error. */
  join(timeout?: number): void {
    const ms = checkTimeout(timeout);
    if (this.dead) return;
    if (currentFiber() === this) throw new RangeError(`${String(this)} cannot join itself`);
    const result = block(`${String(this)}.join()`, ms, (wake) => {
      const callback = (): void => void wake(OK);
      this.rawlink(callback);
      return () => this.unlink(callback);
    });
    if (result !== TIMED_OUT) unwrap(result);
  }

  /** Its value, waiting for it if needed; rethrows the error that ended it. */
  get(options: { block?: boolean; timeout?: number } = {}): T {
    const opts = checkOptions(options, 'options');
    const ms = checkTimeout(opts.timeout);
    if (!this.dead) {
      if (opts.block === false) throw new Timeout(0);
      this.join(ms);
      if (!this.dead) throw new Timeout(ms);
    }
    if (this.#failed) throw this.#exception;
    return this.#value as T;
  }

  /**
   * Throws `error` into it where it is blocked (its finally blocks run) and, by
   * default, waits for it to die. A greenlet killed before it started never runs.
   */
  kill(error: unknown = new GreenletExit(), options: { block?: boolean; timeout?: number } = {}): void {
    const opts = checkOptions(options, 'options');
    const ms = checkTimeout(opts.timeout);
    if (this.dead) return;
    if (this.#phase !== Phase.Running) {
      this.#startTimer?.cancel();
      this.#die(true, undefined, error, false);
      return;
    }
    if (currentFiber() === this) throw error;
    schedule(() => {
      if (!this.dead) throwIn(this, error);
    });
    if (opts.block !== false) this.join(ms);
  }

  /** @internal Throws into it without waiting (killall). */
  _killNoWait(error: unknown): void {
    this.kill(error, { block: false });
  }

  /** A Promise of its result, for async callers. */
  get promise(): Promise<T> {
    this.#promise ??= new Promise<T>((resolve, reject) => {
      this.rawlink(() => (this.#failed ? reject(this.#exception) : resolve(this.#value as T)));
    });
    return this.#promise;
  }

  override toString(): string {
    return `<Greenlet "${this.name}">`;
  }
}

/** Creates a greenlet running `fn(...args)` and schedules it. */
export function spawn<T, A extends unknown[]>(fn: (...args: A) => T, ...args: A): Greenlet<T> {
  checkFunction(fn, 'fn');
  const greenlet = new Greenlet<T>(fn as unknown as (...args: never[]) => T, ...args);
  greenlet.start();
  return greenlet;
}

/** Like spawn, but the greenlet starts after `ms`. */
export function spawnLater<T, A extends unknown[]>(ms: number, fn: (...args: A) => T, ...args: A): Greenlet<T> {
  checkMs(ms, 'ms');
  checkFunction(fn, 'fn');
  const greenlet = new Greenlet<T>(fn as unknown as (...args: never[]) => T, ...args);
  greenlet.startLater(ms);
  return greenlet;
}
