// The `greenlet` module: raw greenlets that switch to each other explicitly.
import { AsyncResource } from 'node:async_hooks';

import { checkFunction, errorText, GreenletExit, isInstance } from './errors';
import {
  claimForSwitch,
  currentFiber,
  errorMsg,
  Fiber,
  hub,
  isSuspended,
  Msg,
  returnToParent,
  root,
  RootGreenlet,
  transfer,
  valueMsg,
} from './fiber';
import { noteDead, noteSpawned } from './live';

// Until a first switch passes some (never written to: one array less per greenlet).
const NO_START_ARGS: unknown[] = [];

function reportOrphan(error: unknown): void {
  process.stderr.write(`tinyevent: a greenlet failed with no parent to take the error\n${errorText(error).detail}\n`);
}

/** A stackful coroutine on its own thread, switched to explicitly (greenlet's `greenlet`). */
export class RawGreenlet<A extends unknown[] = unknown[], R = unknown> extends Fiber {
  #run: ((...args: A) => R) | undefined;
  #parent: Fiber;
  /** @internal */ _started = false;
  /** @internal */ _finished = false;
  /** @internal Arguments of the first switch, passed to run. */
  _startArgs: unknown[] = NO_START_ARGS;
  /** @internal An error thrown in before the first run. */
  _startError: Msg | undefined = undefined;

  constructor(run?: (...args: A) => R, parent?: RawGreenlet | RootGreenlet) {
    super();
    if (run !== undefined) checkFunction(run, 'run');
    this.#run = run;
    this.#parent = parent ?? currentFiber();
    if (parent !== undefined) RawGreenlet.#checkParent(parent);
    this._async = new AsyncResource('tinyevent.Greenlet', { requireManualDestroy: true });
  }

  static #checkParent(parent: unknown): void {
    if (!(parent instanceof RawGreenlet) && !(parent instanceof RootGreenlet)) {
      throw new TypeError('parent must be a greenlet or the root greenlet');
    }
  }

  /** The greenlet that gets this one's result (or error) when it finishes. */
  get parent(): RawGreenlet | RootGreenlet | null {
    const parent = this.#parent;
    return parent === hub ? null : (parent as RawGreenlet | RootGreenlet);
  }

  set parent(parent: RawGreenlet | RootGreenlet) {
    RawGreenlet.#checkParent(parent);
    for (let p: Fiber | null = parent; p !== null; p = p._parentFiber()) {
      if (p === this) throw new RangeError('cyclic parent chain');
    }
    this.#parent = parent;
  }

  /** @internal */
  _setParentFiber(parent: Fiber): void {
    this.#parent = parent;
  }

  override get dead(): boolean {
    return this._finished;
  }

  /** @internal */
  _parentFiber(): Fiber | null {
    return this.#parent;
  }

  /** The body; override in a subclass, or pass `run` to the constructor. */
  protected run(...args: A): R {
    if (this.#run === undefined) throw new TypeError(`${String(this)} has no run function`);
    return this.#run(...args);
  }

  /**
   * Switches to this greenlet. The first switch passes `args` to run; later, the
   * value passed becomes the return value of the switch that suspended it.
   */
  switch(...args: unknown[]): unknown {
    return transfer(this, valueMsg(args.length > 1 ? args : args[0]), args);
  }

  /** Switches to this greenlet and throws `error` where it is suspended. */
  throw(error: unknown = new GreenletExit()): unknown {
    return transfer(this, errorMsg(error), []);
  }

  /** @internal */
  override _begun(): boolean {
    return this._started;
  }

  /** @internal */
  _deliver(msg: Msg, startArgs: unknown[]): boolean {
    if (!this._started) {
      this._started = true;
      noteSpawned(this);
      this._startArgs = startArgs;
      if (msg.error) this._startError = msg;
      return true;
    }
    return claimForSwitch(this, msg);
  }

  /** @internal Runs the body and decides where its result goes. */
  _body(): Fiber {
    let msg: Msg;
    try {
      if (this._startError !== undefined) throw this._startError.value;
      msg = valueMsg(this.run(...(this._startArgs as A)));
    } catch (error) {
      msg = isInstance(error, GreenletExit) ? valueMsg(error) : errorMsg(error);
    }
    this._finished = true;
    noteDead(this);
    this._async?.emitDestroy();
    return returnToParent(this.#parent, msg, reportOrphan);
  }

  /** True while it is parked, waiting to be switched back to. */
  get suspended(): boolean {
    return this._started && !this._finished && isSuspended(this);
  }

  override toString(): string {
    return `<RawGreenlet ${this._finished ? 'dead' : this._started ? 'started' : 'new'}>`;
  }
}

/** Creates a raw greenlet (greenlet's `greenlet(run, parent)`). */
export function greenlet<A extends unknown[], R>(run?: (...args: A) => R, parent?: RawGreenlet | RootGreenlet): RawGreenlet<A, R> {
  return new RawGreenlet(run, parent);
}

/** The running greenlet: a RawGreenlet (Greenlets included) or the root greenlet. */
export function getcurrent(): RawGreenlet | RootGreenlet {
  const fiber = currentFiber();
  return fiber instanceof RawGreenlet ? fiber : root;
}
