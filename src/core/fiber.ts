// The switching machinery: fibers (stacks that can be suspended), parking and
// waking, the Hub's run queue, and the root greenlet's wait, which turns Node's
// loop on the main thread while spawned greenlets park on their own threads.
//
// Invariants:
// - Exactly one fiber runs at a time; `state.current` is it (the root fiber
//   whenever the main thread runs, whether it runs user code or Hub callbacks).
// - A parked fiber carries a park number; only a wake with that number resumes
//   it, so stale wakes (a timer that lost the race with a kill) do nothing.
// - Spawned fibers only ever give the baton back to the main thread or to a
//   fiber that is itself parked; the main thread alone turns the loop.
import { AsyncResource } from 'node:async_hooks';

import { BlockingSwitchOutError, LoopExit } from './errors';
import { Fifo } from './fifo';
import { drainErrors, engine, progress, runTicks } from './native';
import { noteMainHandoff } from './placement';

/** What a fiber is resumed with: a value, or an error thrown at its park. */
export interface Msg {
  readonly error: boolean;
  readonly value: unknown;
}

export const OK: Msg = Object.freeze({ error: false, value: undefined });
export const valueMsg = (value: unknown): Msg => ({ error: false, value });
export const errorMsg = (value: unknown): Msg => ({ error: true, value });

export function unwrap(msg: Msg): unknown {
  if (msg.error) throw msg.value;
  return msg.value;
}

// Shared through globalThis, like the Hub, so that a second copy numbers its fibers on.
const IDS = Symbol.for('tinyevent.fiberIds.v1');
const fiberIds = ((globalThis as { [IDS]?: { next: number } })[IDS] ??= { next: 0 });

/** A stack that can be suspended and resumed: the root greenlet, the Hub, or a greenlet thread. */
export abstract class Fiber {
  /** @internal A number for run info (the root is 0). */
  readonly _id: number = fiberIds.next++;
  /** @internal What it last blocked in (a park label). */
  _parkLabel = '';
  /** @internal Its body is on its own thread's stack (which can then be probed). */
  _entered = false;
  /** @internal Set by a fiber asking for this one's stack (see probeStack). */
  _probe: Fiber | undefined = undefined;
  /** @internal The answer to a probe. */
  _probeStack: string | undefined = undefined;
  /** @internal Native slot: 0 for the main thread, -1 while no thread serves it. */
  _slot = -1;
  /** @internal Non-zero while parked: the number a wake must carry. */
  _parkSeq = 0;
  /** @internal The message that woke it, until it runs again. */
  _inbox: Msg | undefined = undefined;
  /** @internal Woken, with an enter pending on the Hub. */
  _waking = false;
  /** @internal Errors thrown in while another was already on its way: thrown at its next parks. */
  _pendingThrows: Msg[] | undefined = undefined;
  /** @internal The async context (AsyncLocalStorage) it runs in. */
  _async: AsyncResource | undefined = undefined;

  /** True once the fiber has finished (or can never run). */
  abstract get dead(): boolean;
  /** @internal The fiber a finished body hands the baton to; used by raw switches. */
  abstract _parentFiber(): Fiber | null;
  /** @internal Runs on the fiber's own thread; returns who runs next. Never throws. */
  abstract _body(): Fiber;
  /** @internal Takes `msg` for its next resume (raw switch); false if it cannot be resumed. */
  abstract _deliver(msg: Msg, startArgs: unknown[]): boolean;
}

interface RootWait {
  readonly seq: number;
  readonly label: string;
  msg: Msg | undefined;
}

/** The main thread in its Hub role: the parent of every spawned Greenlet. */
export class HubFiber extends Fiber {
  constructor() {
    super();
    this._slot = 0;
  }
  override get dead(): boolean {
    return false;
  }
  _parentFiber(): Fiber | null {
    return null;
  }
  _body(): Fiber {
    throw new Error('the Hub has no body');
  }
  _deliver(): boolean {
    return true; // values sent to the Hub are dropped, as in gevent
  }
  override toString(): string {
    return '<Hub>';
  }
}

/** The root greenlet: top-level code and plain callbacks, on the main thread. */
export class RootGreenlet extends Fiber {
  constructor() {
    super();
    this._slot = 0;
    this._entered = true;
  }
  override get dead(): boolean {
    return false;
  }
  get parent(): null {
    return null;
  }
  _parentFiber(): Fiber | null {
    return null;
  }
  _body(): Fiber {
    throw new Error('the root greenlet has no body');
  }
  _deliver(msg: Msg): boolean {
    return wakeInnermostRoot(msg);
  }
  /** Resumes the root greenlet where it is suspended, passing it a value. */
  switch(...args: unknown[]): unknown {
    return transfer(this, valueMsg(args.length > 1 ? args : args[0]), args);
  }
  /** Throws `error` into the root greenlet where it is suspended. */
  throw(error: unknown): unknown {
    return transfer(this, errorMsg(error), []);
  }
  override toString(): string {
    return '<RootGreenlet>';
  }
}

interface HubState {
  current: Fiber;
  readonly root: RootGreenlet;
  readonly hub: HubFiber;
  seq: number;
  readonly queue: Fifo<() => void>;
  scheduled: boolean;
  hubDepth: number;
  readonly rootWaits: RootWait[];
  errorReporter: (error: unknown, where: string) => void;
}

// Shared through globalThis so that a second copy of tinyevent joins this Hub.
const STATE = Symbol.for('tinyevent.hub.v1');
const holder = globalThis as { [STATE]?: HubState };
const state: HubState = (holder[STATE] ??= (() => {
  const root = new RootGreenlet();
  return {
    current: root,
    root,
    hub: new HubFiber(),
    seq: 0,
    queue: new Fifo<() => void>(),
    scheduled: false,
    hubDepth: 0,
    rootWaits: [],
    errorReporter: (error: unknown, where: string) => {
      process.stderr.write(`tinyevent: error in ${where}\n${error instanceof Error ? error.stack : String(error)}\n`);
    },
  };
})());

export const root: RootGreenlet = state.root;
export const hub: HubFiber = state.hub;

export function currentFiber(): Fiber {
  return state.current;
}

export function onMainThread(): boolean {
  return state.current === state.root;
}

/** @internal Reports an error thrown by a Hub callback (a link callback), and goes on. */
export function reportHubError(error: unknown, where: string): void {
  state.errorReporter(error, where);
}

/** @internal How many callbacks wait in the Hub's queue. */
export function hubQueueLength(): number {
  return state.queue.length;
}

// ---------------------------------------------------------------- the Hub queue

// Captured at load: a patch may wrap the global later (register runs plain
// timer callbacks in greenlets), and the Hub's own turn must stay on the main thread.
const hubSetImmediate = globalThis.setImmediate;

function drain(): void {
  state.scheduled = false;
  // Only what is queued now runs in this pass; what it queues runs on the next
  // turn of the loop, after I/O (gevent's run_callback).
  let n = state.queue.length;
  state.hubDepth++;
  try {
    while (n-- > 0) {
      const callback = state.queue.shift() as () => void;
      try {
        callback();
      } catch (error) {
        state.errorReporter(error, 'a Hub callback');
      }
    }
  } finally {
    state.hubDepth--;
    if (state.queue.length > 0 && !state.scheduled) {
      state.scheduled = true;
      hubSetImmediate(drain);
    }
  }
}

/** Runs `callback` on the Hub (main thread) on a later turn of the loop, in FIFO order. */
export function schedule(callback: () => void): void {
  state.queue.push(callback);
  if (!state.scheduled) {
    state.scheduled = true;
    hubSetImmediate(drain);
  }
}

/** True while Hub callbacks run: the root greenlet may not block there. */
export function inHub(): boolean {
  return state.hubDepth > 0;
}

// ------------------------------------------------------------- native switching

/** Counts a switch for the watchdog (progress[0] changing means someone yielded). */
function noteSwitch(): void {
  progress[0]++;
}

function switchAndAnswer(self: Fiber, slot: number, patient: boolean): void {
  engine.switchTo(slot, patient);
  noteSwitch();
  while (self._probe !== undefined) answerProbe(self);
}

function threadMain(fiber: Fiber): number {
  noteSwitch();
  fiber._entered = true;
  const next = fiber._body();
  fiber._entered = false;
  noteSwitch();
  fiber._slot = -1;
  const target = next._slot >= 0 ? next : state.hub;
  state.current = target._slot === 0 ? state.root : target;
  return target._slot;
}

/** Moves the baton from `self` (the running fiber) to `target`'s thread. */
function nativeSwitch(self: Fiber, target: Fiber, patient = false): void {
  if (target._slot < 0) target._slot = engine.assign(() => threadMain(target));
  state.current = target._slot === 0 ? state.root : target;
  try {
    // The Hub pushes the target's async context around the switch, so the
    // async-hooks stack stays balanced: only the main thread pushes and pops.
    if (self._slot === 0) noteMainHandoff();
    noteSwitch();
    if (self._slot === 0 && target._async !== undefined) {
      target._async.runInAsyncScope(switchAndAnswer, undefined, self, target._slot, false);
    } else {
      switchAndAnswer(self, target._slot, patient);
    }
  } finally {
    state.current = self;
  }
}

/** @internal Gives a thread to a fiber that has not run yet (may throw if none can be had). */
export function ensureThread(fiber: Fiber): void {
  if (fiber._slot < 0) fiber._slot = engine.assign(() => threadMain(fiber));
}

/** Runs a woken (or new) fiber now; main thread only. */
function enter(fiber: Fiber): void {
  if (!fiber._waking) return;
  fiber._waking = false;
  nativeSwitch(state.root, fiber);
}

/** @internal Starts a fiber that has never run, from the Hub. */
export function startFiber(fiber: Fiber): void {
  fiber._waking = true;
  enter(fiber);
}

// ------------------------------------------------------------- park and wake

/** Set while code runs that must not block (a monitor report, inside interrupted code). */
let noBlocking: string | undefined;

/** @internal Runs `fn` with every blocking call throwing BlockingSwitchOutError (`where` names the place). */
export function withoutBlocking<T>(where: string, fn: () => T): T {
  const saved = noBlocking;
  noBlocking = where;
  try {
    return fn();
  } finally {
    noBlocking = saved;
  }
}

/**
 * Announces that `fiber` (the current one) is about to block, and returns the
 * number a wake must carry. Call park() next, or cancelPark() if arming failed.
 */
export function beginPark(fiber: Fiber, label: string): number {
  if (noBlocking !== undefined) throw new BlockingSwitchOutError(`cannot block in ${label} inside ${noBlocking}`);
  const seq = ++state.seq;
  fiber._parkLabel = label;
  if (fiber === state.root) {
    if (state.hubDepth > 0) {
      throw new BlockingSwitchOutError(`cannot block in ${label} inside a Hub callback (link callbacks must not block)`);
    }
    state.rootWaits.push({ seq, label, msg: undefined });
  } else {
    fiber._parkSeq = seq;
  }
  return seq;
}

export function cancelPark(fiber: Fiber, seq: number): void {
  if (fiber === state.root) {
    const index = state.rootWaits.findIndex((w) => w.seq === seq);
    if (index >= 0) state.rootWaits.splice(index, 1);
  } else if (fiber._parkSeq === seq) {
    fiber._parkSeq = 0;
  }
}

/**
 * Blocks `fiber` (the current one) until a wake carrying `seq` (or a throw-in).
 * `patient`: nothing but a timer a millisecond or more away (or a throw-in) can
 * wake it, so its thread sleeps at once instead of spinning for the baton.
 */
export function park(fiber: Fiber, seq: number, patient = false): Msg {
  if (fiber === state.root) return rootWait(seq);
  const pending = fiber._pendingThrows?.shift();
  if (pending !== undefined) {
    // A second kill/Timeout arrived while the first was being delivered.
    fiber._waking = false;
    fiber._inbox = undefined;
    fiber._parkSeq = 0;
    return pending;
  }
  if (!fiber._waking && fiber._parkSeq === seq) {
    nativeSwitch(fiber, state.hub, patient);
  } else {
    // Woken before it got to park: an enter is queued; cancel it and go on.
    fiber._waking = false;
  }
  const msg = fiber._inbox ?? OK;
  fiber._inbox = undefined;
  fiber._parkSeq = 0;
  return msg;
}

/** Resumes `fiber` if it is still parked with `seq`; returns whether it was. */
export function wake(fiber: Fiber, seq: number, msg: Msg): boolean {
  if (seq === 0) return false;
  if (fiber === state.root) return wakeRoot(seq, msg);
  if (fiber._parkSeq !== seq) return false;
  fiber._parkSeq = 0;
  fiber._inbox = msg;
  fiber._waking = true;
  if (state.current === state.root) enter(fiber);
  else schedule(() => enter(fiber));
  return true;
}

/** @internal How many root waits are open: the nesting level of the root code running now. */
export function rootLevel(): number {
  return state.rootWaits.length;
}

/**
 * Throws `error` into `fiber` wherever it is blocked; false if it is not
 * blocked. For the root, `rootLevel` (from rootLevel()) picks the wait of the
 * code that ran at that level, not one a plain callback opened inside it.
 */
export function throwIn(fiber: Fiber, error: unknown, rootLevel?: number): boolean {
  const msg = errorMsg(error);
  if (fiber === state.root) {
    if (rootLevel === undefined) return wakeInnermostRoot(msg);
    const wait = state.rootWaits[rootLevel];
    return wait !== undefined && wakeRoot(wait.seq, msg);
  }
  if (fiber._parkSeq !== 0) return wake(fiber, fiber._parkSeq, msg);
  if (fiber._waking) {
    // A kill outranks a plain wake already queued; an error already queued is
    // not overwritten (a Timeout must not swallow a kill): this one waits.
    if (fiber._inbox?.error === true) (fiber._pendingThrows ??= []).push(msg);
    else fiber._inbox = msg;
    return true;
  }
  return false;
}

/** True if `fiber` is parked or about to be resumed. */
export function isSuspended(fiber: Fiber): boolean {
  if (fiber === state.root) return state.rootWaits.some((w) => w.msg === undefined);
  return fiber._parkSeq !== 0 || fiber._waking;
}

function wakeRoot(seq: number, msg: Msg): boolean {
  for (let i = state.rootWaits.length - 1; i >= 0; i--) {
    const wait = state.rootWaits[i];
    if (wait.seq !== seq) continue;
    if (wait.msg !== undefined) return false;
    wait.msg = msg;
    engine.stop(); // end the loop turn now rather than after the next poll
    return true;
  }
  return false;
}

function wakeInnermostRoot(msg: Msg): boolean {
  for (let i = state.rootWaits.length - 1; i >= 0; i--) {
    if (state.rootWaits[i].msg === undefined) return wakeRoot(state.rootWaits[i].seq, msg);
  }
  return false;
}

const STUCK_HINT =
  ' (it blocks inside a promise callback, an async function after an await, or ES module top-level code: ' +
  'no promise can settle until that code returns; spawn a greenlet for the blocking code and let this code return)';

/**
 * Runs pending ticks and microtasks; false if microtasks cannot run here. V8
 * runs no nested microtask checkpoint, so while the root blocks inside a
 * promise job no promise reaction runs, and a wait on one looks like LoopExit.
 */
export function microtasksCanRun(): boolean {
  let ran = false;
  queueMicrotask(() => {
    ran = true;
  });
  runTicks();
  return ran;
}

/** The root greenlet blocks: turn Node's loop until its wait is satisfied. */
function rootWait(seq: number): Msg {
  const wait = state.rootWaits.find((w) => w.seq === seq);
  if (wait === undefined) throw new Error('tinyevent: root wait lost');
  try {
    while (wait.msg === undefined) {
      const alive = engine.runOnce();
      if (drainErrors.length > 0) throw drainErrors.shift();
      if (wait.msg !== undefined) break;
      if (!alive) {
        const stuck = !microtasksCanRun();
        if (wait.msg !== undefined) break;
        if (!engine.loopAlive() && state.queue.length === 0) {
          throw new LoopExit(
            `This operation would block forever: the root greenlet waits in ${wait.label}, ` +
              'and no greenlet, timer or I/O is left that could wake it' +
              (stuck ? STUCK_HINT : ''),
          );
        }
      }
    }
    return wait.msg;
  } finally {
    const index = state.rootWaits.indexOf(wait);
    if (index >= 0) state.rootWaits.splice(index, 1);
  }
}

// ------------------------------------------------------------- raw switches

/**
 * A greenlet-module switch: resume `target` with `msg` and suspend the current
 * fiber until something switches back to it (or wakes it from the Hub).
 */
export function transfer(target: Fiber, msg: Msg, startArgs: unknown[]): unknown {
  const self = state.current;
  if (target === self) return unwrap(msg);
  if (target.dead) throw new TypeError(`cannot switch to ${String(target)}: it is dead`);
  if (noBlocking !== undefined) throw new BlockingSwitchOutError(`cannot switch to ${String(target)} inside ${noBlocking}`);
  // Whatever can fail (no thread to be had, blocking inside a Hub callback)
  // fails before _deliver marks the target started, which would strand it.
  ensureThread(target);
  const seq = self === state.root ? beginPark(self, 'a greenlet switch') : 0;
  if (!target._deliver(msg, startArgs)) {
    if (self === state.root) cancelPark(self, seq);
    throw new TypeError(`cannot switch to ${String(target)}: it is running elsewhere, not suspended`);
  }
  const via = target === state.root ? state.hub : target;
  if (self === state.root) {
    if (via !== state.hub) {
      try {
        nativeSwitch(self, via);
      } catch (error) {
        cancelPark(self, seq);
        throw error;
      }
    }
    return unwrap(rootWait(seq));
  }
  self._parkSeq = ++state.seq;
  self._parkLabel = 'switch()';
  nativeSwitch(self, via);
  const back = self._inbox ?? OK;
  self._inbox = undefined;
  self._parkSeq = 0;
  self._waking = false;
  return unwrap(back);
}

/** @internal Claims a parked thread fiber for a direct (raw) resume. */
export function claimForSwitch(fiber: Fiber, msg: Msg): boolean {
  if (fiber._parkSeq === 0 && !fiber._waking) return false;
  fiber._parkSeq = 0;
  fiber._waking = false;
  fiber._inbox = msg;
  return true;
}

/** @internal Delivers a finished raw greenlet's result to its nearest live parent; returns who runs next. */
export function returnToParent(start: Fiber | null, msg: Msg, report: (error: unknown) => void): Fiber {
  let parent = start;
  while (parent !== null && parent.dead) parent = parent._parentFiber();
  if (parent === null || parent === state.hub) {
    if (msg.error) report(msg.value);
    return state.hub;
  }
  if (parent === state.root) {
    if (!wakeInnermostRoot(msg) && msg.error) report(msg.value);
    return state.hub;
  }
  if (claimForSwitch(parent, msg)) return parent;
  if (msg.error) report(msg.value);
  return state.hub;
}


// ------------------------------------------------------------- stack probes

/** Where the stacks of probed fibers are formatted (run info); set by the observer. */
let stackOf: (self: Fiber) => string = () => '';

/** @internal Sets how a probed fiber reports its stack. */
export function setProbeFormatter(format: (self: Fiber) => string): void {
  stackOf = format;
}

/** A probed fiber, resumed only to say where it is: records its stack, switches back, parks again. */
function answerProbe(self: Fiber): void {
  const by = self._probe as Fiber;
  self._probe = undefined;
  self._probeStack = stackOf(self);
  state.current = by;
  engine.switchTo(by._slot, false);
  noteSwitch();
}

/** @internal True if `fiber`'s thread is suspended mid-body, so it can be probed. */
export function canProbe(fiber: Fiber): boolean {
  return fiber._entered && fiber !== state.current && fiber._slot >= 0 && !fiber.dead;
}

/**
 * @internal The JavaScript stack where `fiber` is suspended: its thread is
 * resumed just long enough to record it (nothing of the user's runs), then
 * parks again with the same park number.
 */
export function probeStack(fiber: Fiber): string | undefined {
  if (!canProbe(fiber)) return undefined;
  const self = state.current;
  fiber._probe = self;
  state.current = fiber;
  try {
    noteSwitch();
    engine.switchTo(fiber._slot, false);
    noteSwitch();
  } finally {
    state.current = self;
  }
  const stack = fiber._probeStack;
  fiber._probeStack = undefined;
  return stack;
}

/** @internal The innermost open root wait's label, if the root is blocked. */
export function rootWaitLabel(): string | undefined {
  for (let i = state.rootWaits.length - 1; i >= 0; i--) {
    if (state.rootWaits[i].msg === undefined) return state.rootWaits[i].label;
  }
  return undefined;
}
