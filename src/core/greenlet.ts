// gevent's Greenlet: a raw greenlet whose parent is the Hub, started from the
// Hub in spawn order, with a result, links, kill and join.
import { checkFunction, checkMs, checkOptions, checkTimeout, GreenletExit } from './errors';
import { block, TIMED_OUT } from './block';
import { currentFiber, ensureThread, Fiber, hub, OK, reportHubError, schedule, startFiber, throwIn, unwrap } from './fiber';
import { noteDead, noteSpawned } from './live';
import { RawGreenlet } from './raw';
import { Timeout } from './timeout';
import { startTimer, TimerHandle } from './timers';

// Method syntax makes the parameter bivariant, so Greenlet<T> stays covariant
// in T: a Greenlet<number> is a Greenlet<unknown> (joinall, Group, arrays).
export type LinkCallback<T> = { bivarianceHack(greenlet: Greenlet<T>): void }['bivarianceHack'];
export type ErrorHandler = (error: unknown, greenlet: Greenlet<unknown>) => void;

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
  const name = error instanceof Error ? error.name : typeof error;
  const detail = error instanceof Error ? (error.stack ?? String(error)) : String(error);
  process.stderr.write(`${String(greenlet)} failed with ${name}\n\n${detail}\n`);
}

interface Link<T> {
  readonly callback: LinkCallback<T>;
  readonly when: 'always' | 'value' | 'exception';
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
    this.#args = args;
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
    schedule(() => this.#launch());
  }

  /** Schedules the greenlet to start after `ms`. */
  startLater(ms: number): void {
    checkMs(ms, 'ms');
    if (this.#phase !== Phase.New) return;
    this.#phase = Phase.Scheduled;
    noteSpawned(this);
    this.#startTimer = startTimer(ms, () => {
      this.#startTimer = undefined;
      this.#launch();
    });
  }

  #launch(): void {
    if (this.#phase !== Phase.Scheduled) return; // killed before it started
    this.#phase = Phase.Running;
    this._started = true;
    try {
      ensureThread(this);
    } catch (error) {
      this.#die(true, undefined, error, true);
      return;
    }
    startFiber(this);
  }

  /** @internal */
  override _body(): Fiber {
    let result: T | undefined;
    let failed = false;
    let error: unknown;
    try {
      result = this.run();
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
    if (failed && error instanceof GreenletExit) {
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
    const links = this.#links;
    this.#links = [];
    for (const link of links) {
      // One failing callback must not cost the others their call (joinall's
      // own link among them), as in gevent.
      try {
        this.#fire(link);
      } catch (error) {
        reportHubError(error, 'a link callback');
      }
    }
  }

  #fire(link: Link<T>): void {
    if (link.when === 'value' && this.#failed) return;
    if (link.when === 'exception' && !this.#failed) return;
    link.callback(this);
  }

  #addLink(callback: LinkCallback<T>, when: Link<T>['when']): void {
    checkFunction(callback, 'callback');
    const link = { callback, when };
    if (this.#phase === Phase.Dead) schedule(() => this.#fire(link));
    else this.#links.push(link);
  }

  /** Calls `callback(greenlet)` on the Hub when it dies. Callbacks must not block. */
  link(callback: LinkCallback<T>): void {
    this.#addLink(callback, 'always');
  }
  linkValue(callback: LinkCallback<T>): void {
    this.#addLink(callback, 'value');
  }
  linkException(callback: LinkCallback<T>): void {
    this.#addLink(callback, 'exception');
  }
  /** Same as link(); the name wait() and iwait() look for. */
  rawlink(callback: LinkCallback<T>): void {
    this.#addLink(callback, 'always');
  }
  unlink(callback: LinkCallback<T>): void {
    this.#links = this.#links.filter((link) => link.callback !== callback);
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
  /** True once start() (or startLater) has been called. */
  get started(): boolean {
    return this.#phase !== Phase.New;
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
