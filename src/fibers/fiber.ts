// node-fibers' Fiber on tinyevent's engine. A fiber's stack is a raw greenlet
// (a thread of its own, like every greenlet); run() resumes it and waits, and
// Fiber.yield hands a value back to whoever called run() last, as node-fibers
// does. Any other greenlet can be used as a fiber too: Fiber.current inside it
// is a Fiber whose run() resumes it where it yielded.
import { describeValue, GreenletExit } from '../core/errors';
import {
  beginPark,
  cancelPark,
  currentFiber,
  ensureThread,
  errorMsg,
  Fiber as Stack,
  hub,
  Msg,
  park,
  root,
  startFiber,
  throwIn,
  transfer,
  unwrap,
  valueMsg,
  wake,
} from '../core/fiber';
import { Greenlet } from '../core/greenlet';
import { RawGreenlet } from '../core/raw';

/** A fiber's result (or yielded value) on its way to the run() that waits for it. */
class Handoff {
  constructor(
    readonly error: boolean,
    readonly value: unknown,
  ) {}
}

function settle(result: unknown): unknown {
  if (!(result instanceof Handoff)) return result;
  if (result.error) throw result.value;
  return result.value;
}

/** Who waits in run() for a fiber; `active` ends when that run() returns or throws. */
interface Runner {
  readonly stack: Stack;
  /** For the root greenlet: the number of the wait its run() opened. */
  readonly seq: number;
  active: boolean;
}

/** True if `stack` takes raw switches (a raw greenlet): a fiber hands it values directly. */
function switchable(stack: Stack): stack is RawGreenlet {
  return stack instanceof RawGreenlet;
}

/**
 * Delivers a fiber's yielded value or result to a runner that takes no raw
 * switch: the root's own wait is woken by its number; any other stack gets a
 * throw-in that its run() unwraps.
 */
function handOff(runner: Runner, handoff: Handoff): void {
  if (runner.stack === root) wake(root, runner.seq, handoff.error ? errorMsg(handoff.value) : valueMsg(handoff.value));
  else throwIn(runner.stack, handoff);
}

/** The stack of a fiber made with Fiber(fn): a raw greenlet that runs fn. */
class FiberStack extends RawGreenlet<unknown[], unknown> {
  constructor(
    readonly owner: FiberObject,
    body: (...args: unknown[]) => unknown,
  ) {
    super(body);
  }
  override toString(): string {
    return `<Fiber ${this.dead ? 'finished' : 'started'}>`;
  }
}

const adopted = new WeakMap<Stack, FiberObject>();
let fibersCreated = 0;
let poolSize = 120;

/**
 * The running fiber: the Fiber of the current stack, made on first use for
 * other greenlets. Outside greenlets — the root, and the threads register
 * gives plain callbacks, which stand in for the root — there is none.
 */
function currentFiberObject(): FiberObject | undefined {
  const stack = currentFiber();
  if (!(stack instanceof RawGreenlet)) return undefined;
  if (stack instanceof FiberStack) return stack.owner;
  let fiber = adopted.get(stack);
  if (fiber === undefined) {
    fiber = new FiberObject(undefined, stack);
    adopted.set(stack, fiber);
  }
  return fiber;
}

function checkFiber(value: unknown, method: string): FiberObject {
  if (!(value instanceof FiberObject)) {
    throw new TypeError(`Fiber.prototype.${method} called on ${describeValue(value)}, not a Fiber`);
  }
  return value;
}

function checkArity(args: unknown[], max: number, what: string): void {
  if (args.length > max) {
    const expects = max === 0 ? 'no arguments' : '1 or no arguments';
    throw new TypeError(`${what} expects ${expects}, got ${args.length}`);
  }
}

class FiberObject {
  readonly #fn: ((...args: unknown[]) => unknown) | undefined;
  /** Its stack while started; for an adopted greenlet, that greenlet. */
  #stack: Stack | undefined;
  #started = false;
  #yielding = false;
  #runner: Runner | undefined = undefined;
  /** Set while reset() unwinds it: every yield throws this. */
  #zombie: unknown = undefined;

  constructor(fn: ((...args: unknown[]) => unknown) | undefined, stack?: Stack) {
    this.#fn = fn;
    this.#stack = stack;
    if (stack !== undefined) {
      this.#started = true;
      // A Greenlet's result goes to its links, not to a parent: pass it on to a waiting run().
      if (stack instanceof Greenlet) stack.rawlink(() => this.#adoptedFinished(stack));
    }
  }

  get started(): boolean {
    checkFiber(this, 'started');
    if (this.#fn === undefined) return this.#stack !== undefined && !this.#stack.dead;
    return this.#started;
  }

  run(...args: unknown[]): unknown {
    checkFiber(this, 'run');
    checkArity(args, 1, 'run()');
    if (this.started && !this.#yielding) throw new Error('This Fiber is already running');
    return this.#enter(false, args);
  }

  throwInto(...args: unknown[]): unknown {
    checkFiber(this, 'throwInto');
    if (!this.#yielding) throw new Error('This Fiber is not yielding');
    checkArity(args, 1, 'throwInto()');
    return this.#enter(true, args);
  }

  reset(...args: unknown[]): unknown {
    checkFiber(this, 'reset');
    if (!this.started) return undefined;
    if (!this.#yielding) throw new Error('This Fiber is not yielding');
    checkArity(args, 0, 'reset()');
    // Yield throws this (and keeps throwing it) until the fiber has unwound.
    const message = 'This Fiber is a zombie';
    const zombie = this.#stack instanceof FiberStack ? new Error(message) : new GreenletExit(message);
    this.#zombie = zombie;
    try {
      const value = this.#enter(true, [zombie]);
      return value === zombie ? undefined : value;
    } catch (error) {
      if (error === zombie) return undefined;
      throw error;
    } finally {
      this.#zombie = undefined;
    }
  }

  /** Starts or resumes the fiber from the current stack, and waits until it yields or finishes. */
  #enter(error: boolean, args: unknown[]): unknown {
    const stack = this.#stack;
    if (this.#fn !== undefined && !this.#started) {
      const fresh = new FiberStack(this, (...startArgs: unknown[]) => this.#main(startArgs));
      this.#stack = fresh;
      this.#started = true;
      try {
        return this.#dispatch(fresh, error, args);
      } catch (thrown) {
        // It never started (no thread to be had, or run() where it cannot block).
        if (!fresh._started) {
          this.#started = false;
          this.#stack = undefined;
        }
        throw thrown;
      }
    }
    if (stack === undefined) throw new Error('This Fiber has no stack');
    if (stack.dead) throw new Error(`This Fiber has finished: ${String(stack)} cannot be run again`);
    return this.#dispatch(stack, error, args);
  }

  #dispatch(stack: Stack, error: boolean, args: unknown[]): unknown {
    const self = currentFiber();
    if (self === root) return this.#enterFromRoot(stack as RawGreenlet, error ? errorMsg(args[0]) : valueMsg(args[0]), args);
    const runner: Runner = { stack: self, seq: 0, active: true };
    this.#runner = runner;
    this.#yielding = false;
    if (stack instanceof FiberStack) {
      // Run from a stack that takes no raw switches, the fiber hands its
      // result over itself (handOff).
      stack._setParentFiber(switchable(self) ? self : hub);
    } else if (stack instanceof RawGreenlet && !(stack instanceof Greenlet)) {
      // A raw greenlet's result goes to its parent: make that whoever runs it.
      stack._setParentFiber(self);
    }
    try {
      const raw = stack as RawGreenlet;
      return settle(error ? raw.throw(args[0]) : raw.switch(...args));
    } catch (thrown) {
      if (thrown instanceof Handoff) return settle(thrown);
      throw thrown;
    } finally {
      runner.active = false;
      if (this.#runner === runner) this.#runner = undefined;
    }
  }

  /**
   * run() from the root: the root opens a wait of its own, switches to the
   * fiber, and turns the loop until the fiber wakes exactly that wait with
   * what it yields or returns.
   */
  #enterFromRoot(stack: RawGreenlet, msg: Msg, args: unknown[]): unknown {
    // What can fail (blocking inside a Hub callback, then no thread to be
    // had) fails before the fiber is marked started, and takes no thread.
    const seq = beginPark(root, 'Fiber.run');
    try {
      if (!stack._started) ensureThread(stack);
    } catch (error) {
      cancelPark(root, seq);
      throw error;
    }
    const runner: Runner = { stack: root, seq, active: true };
    this.#runner = runner;
    this.#yielding = false;
    try {
      if (stack instanceof FiberStack) stack._setParentFiber(hub);
      else if (!(stack instanceof Greenlet)) stack._setParentFiber(root);
      if (!stack._started) {
        stack._deliver(msg, args);
        startFiber(stack);
      } else if (!wake(stack, stack._parkSeq, msg)) {
        throw new Error('This Fiber is already running');
      }
    } catch (error) {
      cancelPark(root, seq);
      runner.active = false;
      this.#runner = undefined;
      throw error;
    }
    try {
      return settle(unwrap(park(root, seq)));
    } finally {
      runner.active = false;
      if (this.#runner === runner) this.#runner = undefined;
    }
  }

  /** The body of a FiberStack: runs fn, then resets the fiber, as node-fibers does. */
  #main(args: unknown[]): unknown {
    fibersCreated++;
    let result: Handoff;
    try {
      result = new Handoff(false, (this.#fn as (...a: unknown[]) => unknown).apply(globalThis, args));
    } catch (error) {
      result = new Handoff(true, error);
    }
    const stack = this.#stack as FiberStack;
    this.#started = false;
    this.#yielding = false;
    this.#stack = undefined;
    const runner = this.#runner;
    this.#runner = undefined;
    if (runner?.active && !switchable(runner.stack)) {
      handOff(runner, result);
      return undefined; // its parent is the Hub
    }
    if (runner?.active) return result; // to the parent, the greenlet waiting in run()
    // Nobody waits any more (the run() that started it was interrupted): an
    // error is reported as a greenlet's with nowhere to go.
    stack._setParentFiber(hub);
    if (result.error) throw result.value;
    return undefined;
  }

  /** Fiber.yield: suspends the fiber, handing `value` to the run() that waits for it. */
  _yield(value: unknown): unknown {
    if (this.#zombie !== undefined) throw this.#zombie;
    const stack = this.#stack as Stack;
    const runner = this.#runner;
    this.#runner = undefined;
    this.#yielding = true;
    try {
      if (runner?.active && switchable(runner.stack)) {
        // A direct switch back to the greenlet waiting in run(); the next
        // run() or throwInto() switches back here.
        return transfer(runner.stack, valueMsg(value), []);
      }
      if (runner?.active) {
        handOff(runner, new Handoff(false, value));
      } else if (!(stack instanceof FiberStack) && stack instanceof RawGreenlet && stack.parent !== null) {
        // No run() waits: a raw greenlet yields to its parent, as a raw
        // switch does (a spawned Greenlet's parent is the Hub: it parks).
        return transfer(stack.parent, valueMsg(value), []);
      }
      // Parked until run() resumes it (the Hub runs meanwhile).
      return unwrap(park(stack, beginPark(stack, 'Fiber.yield')));
    } finally {
      this.#yielding = false;
    }
  }

  #adoptedFinished(greenlet: Greenlet<unknown>): void {
    this.#yielding = false;
    const runner = this.#runner;
    this.#runner = undefined;
    if (!runner?.active) return;
    const failed = !greenlet.successful();
    handOff(runner, new Handoff(failed, failed ? greenlet.exception : greenlet.value));
  }

  get [Symbol.toStringTag](): string {
    return 'Fiber';
  }
}

function fiberYield(...args: unknown[]): unknown {
  checkArity(args, 1, 'yield()');
  const fiber = currentFiberObject();
  if (fiber === undefined) throw new Error('yield() called with no fiber running');
  return fiber._yield(args[0]);
}

/** A fiber, as node-fibers' `Fiber`. */
export interface Fiber {
  /** Starts the fiber (the first value is fn's argument) or resumes it (the value is what Fiber.yield returns). Returns what it yields or returns. */
  run(value?: unknown): unknown;
  /** Throws `error` where the fiber yielded; returns what it yields or returns next. */
  throwInto(error?: unknown): unknown;
  /** Unwinds a yielded fiber (each yield throws, finally blocks run) and returns what it returned. */
  reset(): unknown;
  /** True from the first run() until fn returns. */
  readonly started: boolean;
}

export interface FiberConstructor {
  new (fn: (...args: never[]) => unknown): Fiber;
  (fn: (...args: never[]) => unknown): Fiber;
  readonly prototype: Fiber;
  /** The running fiber; undefined in the root. */
  readonly current: Fiber | undefined;
  /** Suspends the running fiber, handing `value` to its run(); returns what the next run() passes. */
  yield(value?: unknown): unknown;
  /** node-fibers' coroutine pool size (kept for compatibility; tinyevent pools threads itself). */
  poolSize: number;
  /** How many fibers have been started so far. */
  readonly fibersCreated: number;
}

function FiberFunction(...args: unknown[]): Fiber {
  if (args.length !== 1) throw new TypeError(`Fiber expects 1 argument, got ${args.length}`);
  const fn = args[0];
  if (typeof fn !== 'function') throw new TypeError(`Fiber expects a function, got ${describeValue(fn)}`);
  return new FiberObject(fn as (...a: unknown[]) => unknown) as Fiber;
}

/** node-fibers' Fiber: `Fiber(fn)` or `new Fiber(fn)`. */
export const Fiber = FiberFunction as unknown as FiberConstructor;

Object.defineProperty(FiberFunction, 'name', { value: 'Fiber' });
FiberFunction.prototype = FiberObject.prototype;
Object.defineProperty(FiberObject.prototype, 'constructor', { value: Fiber, writable: true, configurable: true });
Object.defineProperties(FiberFunction, {
  current: { get: currentFiberObject, configurable: true },
  yield: { value: fiberYield, writable: true, configurable: true },
  fibersCreated: { get: () => fibersCreated, configurable: true },
  poolSize: {
    get: () => poolSize,
    set: (value: unknown) => {
      if (typeof value !== 'number') throw new TypeError(`Fiber.poolSize must be a number, got ${describeValue(value)}`);
      if (Number.isNaN(value) || value < 0) throw new RangeError(`Fiber.poolSize must be a non-negative number, got ${value}`);
      poolSize = value;
    },
    configurable: true,
  },
});
