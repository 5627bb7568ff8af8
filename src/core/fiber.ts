// The switching machinery: fibers (stacks that can be suspended), parking and
// waking, the Hub's run queue, and the root greenlet's wait, which turns Node's
// loop on the main thread while spawned greenlets park on their own threads.
//
// Invariants:
// - Exactly one fiber runs at a time; `state.current` is it (the root fiber
//   whenever the main thread runs, whether it runs user code or Hub callbacks).
// - A parked fiber carries a park number; only a wake with that number resumes
//   it, so stale wakes (a timer that lost the race with a kill) do nothing.
// - The Hub's run queue holds callbacks and ready fibers. Whichever thread
//   holds the baton when a greenlet parks or finishes runs that queue itself
//   and switches straight to the next ready fiber (one hand-off instead of two
//   through the main thread); the main thread alone turns the loop, and gets
//   the baton back when the queue is empty or the switch interval is used up.
// - A greenlet thread runs only while the main thread is parked inside the
//   one `carrier` async scope. Where AsyncLocalStorage keeps its stores on the
//   current async resource (Node 20, 22), they are moved onto the carrier for
//   each fiber that runs; where it keeps them in an async context frame (Node
//   24+), each fiber starts in the frame it was made in, and each thread keeps
//   its own frame across its parks (the engine does).
import { AsyncLocalStorage, AsyncResource } from 'node:async_hooks';

import { asyncDepth, restoreFrames, takeFramesAbove } from './asyncstack';
import { BlockingSwitchOutError, errorText, GreenletExit, LoopExit } from './errors';
import { Fifo } from './fifo';
import { drainErrors, engine, progress, runTicks, setHubHandler } from './native';
import { applyPendingMove, noteHandoff } from './placement';
import { closeTurns, openTurns } from './tickorder';

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

/**
 * True where AsyncLocalStorage keeps its store in the async context frame (V8's
 * continuation data: Node 24+, or 22 with --experimental-async-context-frame)
 * rather than on async resources; the engine then keeps each thread's frame.
 */
const asyncFrames: boolean = (() => {
  const probe = new AsyncLocalStorage<boolean>();
  try {
    return probe.run(true, () => engine.asyncFrame() !== undefined);
  } finally {
    probe.disable();
  }
})();
if (asyncFrames) engine.keepAsyncFrames();

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
  /** @internal Async-context frames below its own while it runs (asyncstack.ts). */
  _asyncBase = 0;
  /** @internal Its entry in the list of live greenlets (live.ts), while it is alive. */
  _live: object | undefined = undefined;
  /** @internal The async context frame it was made in, until it starts (where asyncFrames). */
  _frame: unknown = asyncFrames ? engine.asyncFrame() : undefined;

  /** True once the fiber has finished (or can never run). */
  abstract get dead(): boolean;
  /** @internal The fiber a finished body hands the baton to; used by raw switches. */
  abstract _parentFiber(): Fiber | null;
  /** @internal Runs on the fiber's own thread; returns who runs next. Never throws. */
  abstract _body(): Fiber;
  /** @internal Takes `msg` for its next resume (raw switch); false if it cannot be resumed. */
  abstract _deliver(msg: Msg, startArgs: unknown[]): boolean;
  /** @internal Popped from the Hub's run queue: true if it is to run now (a stale entry says false). */
  _takeReady(): boolean {
    if (!this._waking) return false;
    this._waking = false;
    return true;
  }
  /** @internal It was to start, and no thread could be had for it. */
  _noThread(error: unknown): void {
    reportHubError(error, 'starting a greenlet');
  }
  /** @internal False for a greenlet that was never switched to (nor scheduled). */
  _begun(): boolean {
    return true;
  }
}

interface RootWait {
  readonly seq: number;
  readonly label: string;
  msg: Msg | undefined;
  /** Woken, but fibers woken before it by the same Hub callback run first. */
  held?: boolean;
}

/** True once `wait` has its message and may resume. */
const resumable = (wait: RootWait): boolean => wait.msg !== undefined && wait.held !== true;

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

// Only the Hub's own state makes the root greenlet: there is one per process.
let makingRoot = false;

/** The root greenlet: top-level code and plain callbacks, on the main thread. */
export class RootGreenlet extends Fiber {
  constructor() {
    if (!makingRoot) throw new TypeError('RootGreenlet cannot be constructed: getcurrent() in root code returns the root greenlet');
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
  readonly queue: Fifo<(() => void) | Fiber>;
  scheduled: boolean;
  /** When the current pass over the run queue ends (performance.now()); -Infinity: no pass open. */
  passEnd: number;
  /** Items the pass may still run before it looks at the clock again. */
  passBudget: number;
  /**
   * The last pass stopped for a woken root with time left: the root's next
   * block goes on with it (gevent's callback phase goes on across the main
   * greenlet's switches), and timers wait until it ends.
   */
  paused: { end: number; budget: number } | undefined;
  /** Set by timers that came due during such a pause: re-arms them once it ends. */
  releaseTimers: (() => void) | undefined;
  hubDepth: number;
  threadsHeld: number;
  readonly rootWaits: RootWait[];
  /** Errors thrown into a root wait that held one already: each for the next wait at its level. */
  readonly rootPending: Array<{ readonly level: number; readonly msg: Msg }>;
  errorReporter: (error: unknown, where: string) => void;
}

// Shared through globalThis so that a second copy of tinyevent joins this Hub.
const STATE = Symbol.for('tinyevent.hub.v1');
const holder = globalThis as { [STATE]?: HubState };
const state: HubState = (holder[STATE] ??= (() => {
  makingRoot = true;
  const root = new RootGreenlet();
  makingRoot = false;
  return {
    current: root,
    root,
    hub: new HubFiber(),
    seq: 0,
    queue: new Fifo<(() => void) | Fiber>(),
    scheduled: false,
    passEnd: -Infinity,
    passBudget: 0,
    paused: undefined,
    releaseTimers: undefined,
    hubDepth: 0,
    threadsHeld: 0,
    rootWaits: [],
    rootPending: [],
    errorReporter: (error: unknown, where: string) => {
      process.stderr.write(`tinyevent: error in ${where}\n${errorText(error).detail}\n`);
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
  try {
    state.errorReporter(error, where);
  } catch {
    // A report must never cost the callbacks after it their call.
  }
}

/** @internal How many callbacks wait in the Hub's queue. */
export function hubQueueLength(): number {
  return state.queue.length;
}

// ---------------------------------------------------------------- the Hub queue

/**
 * How long one pass over the run queue may go on before the main thread turns
 * the loop again (gevent's switch interval): work queued during a pass runs in
 * it, so two greenlets handing a value back and forth never wait for the loop,
 * but I/O and timers still get in.
 */
const SWITCH_INTERVAL_MS = 5;
/** How many items a pass runs between looks at the clock (gevent's CALLBACK_CHECK_COUNT). */
const CHECK_EVERY = 50;

// The engine's own loop handle, not setImmediate: a root greenlet may block
// inside an immediate, and Node's immediate queue does not survive a nested turn
// that runs immediates again.
function armDrain(): void {
  if (state.scheduled) return;
  state.scheduled = true;
  engine.armHub();
}

/**
 * True if no pass is open, or (the pass closed then) once it has used up its
 * interval; as gevent, the clock is read every CHECK_EVERY items, so a few
 * items queued together always run in the same pass, however long each takes.
 */
function passOver(): boolean {
  if (state.passEnd === -Infinity) return true;
  if (--state.passBudget > 0) return false;
  state.passBudget = CHECK_EVERY;
  if (performance.now() < state.passEnd) return false;
  state.passEnd = -Infinity;
  return true;
}

/**
 * Runs queued Hub callbacks on the calling thread until it comes to a fiber
 * that is to run now, and returns it (a new one may have no thread yet);
 * undefined once the queue is empty or the pass is over (only the main
 * thread's drain opens one).
 */
function nextReady(): Fiber | undefined {
  const queue = state.queue;
  for (;;) {
    if (passOver()) return undefined;
    // gevent switches to a woken main greenlet at once; the root's stack is
    // below the Hub's, so the pass stops here and the rest runs once the root
    // blocks again (or returns to the loop).
    if (rootResumable()) return undefined;
    const item = queue.shift();
    if (item === undefined) return undefined;
    if (item instanceof Fiber) {
      if (item._takeReady()) return item;
      continue;
    }
    const outer = urgent;
    const mine: ((() => void) | Fiber)[] = [];
    urgent = mine;
    state.hubDepth++;
    try {
      item();
    } catch (error) {
      reportHubError(error, 'a Hub callback');
    } finally {
      state.hubDepth--;
      urgent = outer;
      for (let i = mine.length - 1; i >= 0; i--) queue.unshift(mine[i]);
    }
  }
}

function drain(): void {
  applyPendingMove();
  state.scheduled = false;
  const paused = state.paused;
  state.paused = undefined;
  state.passEnd = paused?.end ?? performance.now() + SWITCH_INTERVAL_MS;
  state.passBudget = paused?.budget ?? CHECK_EVERY;
  // Greenlets chain from one to the next (parkToHub); the main thread gets the
  // baton back when the chain runs out, and goes on if work is left.
  try {
    for (let fiber = nextReady(); fiber !== undefined; fiber = nextReady()) {
      if (withThread(fiber)) nativeSwitch(state.root, fiber);
    }

  } finally {
    if (state.passEnd !== -Infinity && rootResumable()) state.paused = { end: state.passEnd, budget: state.passBudget };
    else endPause();
    state.passEnd = -Infinity;
    if (state.queue.length > 0) armDrain();
  }
}

/**
 * True while the root, woken by the Hub's pass, has yet to resume and the pass
 * has time left: gevent's main greenlet runs before the loop goes on to its
 * timers, so timers that came due wait for its next block (and the pass's end).
 */
export function timersWaitForRoot(release: () => void): boolean {
  if (state.paused === undefined || !rootResumable()) return false;
  state.releaseTimers = release;
  return true;
}

/** The pass the root's wake-up paused is over: timers that waited for it go. */
function endPause(): void {
  state.paused = undefined;
  const release = state.releaseTimers;
  state.releaseTimers = undefined;
  release?.();
}

setHubHandler(drain);

/** Runs `callback` on the Hub (main thread) on a later turn of the loop, in FIFO order. */
export function schedule(callback: () => void): void {
  state.queue.push(callback);
  armDrain();
}

/** @internal Queues `fiber` to run (its _takeReady decides, when its turn comes). */
export function scheduleFiber(fiber: Fiber): void {
  state.queue.push(fiber);
  armDrain();
}

// What the Hub callback running now woke, and the continuations it asked to
// run right after: gevent switches into a woken greenlet from inside the
// callback, so these run before anything queued earlier, in this order.
let urgent: ((() => void) | Fiber)[] | undefined;

function scheduleWoken(fiber: Fiber): void {
  if (urgent === undefined) scheduleFiber(fiber);
  else urgent.push(fiber);
}

/** @internal How many fibers and continuations the running Hub callback has queued to run next. */
export function queuedNext(): number {
  return urgent?.length ?? 0;
}

/**
 * @internal Runs `callback` on the Hub right after what the current Hub
 * callback woke (gevent: the code after a switch from a Hub callback), or at
 * the end of the queue outside Hub callbacks.
 */
export function scheduleNext(callback: () => void): void {
  if (urgent === undefined) schedule(callback);
  else urgent.push(callback);
}

/** True once the root's innermost wait is satisfied: the root runs next. */
export function rootResumable(): boolean {
  const waits = state.rootWaits;
  return waits.length > 0 && resumable(waits[waits.length - 1]);
}

/** @internal How many spawned fibers hold a thread (assigned, not yet finished): a count patched calls read on every call. */
export function greenletThreads(): number {
  return state.threadsHeld;
}

/** True while Hub callbacks run: the root greenlet may not block there. */
export function inHub(): boolean {
  return state.hubDepth > 0;
}

// ------------------------------------------------------------- native switching

// One async resource for every greenlet: the main thread enters greenlets
// inside its scope only (the async-hooks stack stays balanced, on one thread),
// and each fiber's AsyncLocalStorage stores -- symbol-keyed properties of the
// current resource -- live on its own resource while it is suspended.
const CARRIER = Symbol.for('tinyevent.carrier.v1');
const carrierHolder = globalThis as { [CARRIER]?: AsyncResource };
const carrier: AsyncResource = (carrierHolder[CARRIER] ??= new AsyncResource('tinyevent.Greenlet', { requireManualDestroy: true }));
type Stores = Record<symbol, unknown>;

// The keys AsyncLocalStorage stores its values under on async resources (one
// symbol per instance, Node 20/22), learnt as instances are used: a switch
// moves just those, and nothing while no store was ever set.
const STORE_KEYS = Symbol.for('tinyevent.storeKeys.v1');
const keysHolder = globalThis as { [STORE_KEYS]?: symbol[] };
// Where stores live in async context frames there is nothing to learn (or move).
const storeKeys: symbol[] = (keysHolder[STORE_KEYS] ??= asyncFrames ? [] : learnStoreKeys());

function learnStoreKeys(): symbol[] {
  const keys: symbol[] = [];
  const proto = AsyncLocalStorage.prototype as unknown as Record<string, unknown>;
  for (const name of ['run', 'enterWith', '_enable']) {
    const original = proto[name];
    if (typeof original !== 'function') continue;
    const learning = function (this: { kResourceStore?: unknown }, ...args: unknown[]): unknown {
      const key = this?.kResourceStore;
      if (typeof key === 'symbol' && !keys.includes(key)) keys.push(key);
      return Reflect.apply(original, this, args);
    };
    Object.defineProperty(learning, 'name', { value: original.name });
    Object.defineProperty(learning, 'length', { value: original.length });
    proto[name] = learning;
  }
  return keys;
}

/** Moves the stores of the running fiber from the carrier onto its own resource. */
function saveStores(fiber: Fiber): void {
  if (asyncFrames) return; // no stores on resources
  const into = fiber._async as unknown as Stores | undefined;
  if (into === undefined) return;
  const from = carrier as unknown as Stores;
  for (let i = 0; i < storeKeys.length; i++) {
    const key = storeKeys[i];
    into[key] = from[key];
  }
}

/** Puts `fiber`'s stores (none for the Hub) on the carrier, about to run it. */
function loadStores(fiber: Fiber): void {
  if (asyncFrames || storeKeys.length === 0) return;
  const on = carrier as unknown as Stores;
  const from = fiber._async as unknown as Stores | undefined;
  for (let i = 0; i < storeKeys.length; i++) {
    const key = storeKeys[i];
    on[key] = from === undefined ? undefined : from[key];
  }
}

/** Counts a switch for the watchdog (progress[0] changing means someone yielded). */
function noteSwitch(): void {
  progress[0]++;
}

/** Switches to `slot`; back here, answers any stack probe (run info) before going on. */
function switchAndAnswer(self: Fiber, slot: number, patient: boolean): void {
  engine.switchTo(slot, patient);
  noteSwitch();
  while (self._probe !== undefined) answerProbe(self);
}

function switchFromMain(target: Fiber): void {
  loadStores(target);
  switchAndAnswer(state.root, target._slot, false);
}

/** The next ready fiber that has (or now gets) a thread. */
function nextWithThread(): Fiber | undefined {
  for (;;) {
    const fiber = nextReady();
    if (fiber === undefined || withThread(fiber)) return fiber;
  }
}

/** Gives `fiber` a thread if it has none; false (and the fiber told) if none can be had. */
function withThread(fiber: Fiber): boolean {
  if (fiber._slot >= 0) return true;
  try {
    ensureThread(fiber);
    return true;
  } catch (error) {
    fiber._noThread(error);
    return false;
  }
}

function assignThread(fiber: Fiber): void {
  // Bound, not an arrow: no frame of its own below every greenlet's stack (each GC walks them).
  fiber._slot = engine.assign(threadMain.bind(undefined, fiber));
  state.threadsHeld++;
}

function threadMain(first: Fiber): number {
  for (let fiber = first; ; ) {
    fiber._asyncBase = asyncDepth();
    noteSwitch();
    fiber._entered = true;
    if (asyncFrames) {
      // Its own frame, not the one the thread was left in.
      engine.enterAsyncFrame(fiber._frame);
      fiber._frame = undefined;
    }
    const next = fiber._body();
    fiber._entered = false;
    noteSwitch();
    // Frames its body left (a tick callback that threw out of its scope) are
    // not the next thread's to pop.
    takeFramesAbove(fiber._asyncBase);
    const slot = fiber._slot;
    fiber._slot = -1;
    state.threadsHeld--;
    let target = next._slot >= 0 ? next : state.hub;
    if (target === state.hub) {
      // Finished: this thread runs the Hub's queue up to the next ready fiber;
      // one that has never run starts right here, without a switch.
      state.current = state.root;
      const ready = nextReady();
      if (ready !== undefined && ready._slot < 0) {
        ready._slot = slot;
        state.threadsHeld++;
        loadStores(ready);
        state.current = ready;
        fiber = ready;
        continue;
      }
      target = ready ?? state.hub;
    }
    if (target._slot !== 0) loadStores(target);
    state.current = target._slot === 0 ? state.root : target;
    return target._slot;
  }
}

/** Moves the baton from `self` (the running fiber) to `target`'s thread. */
function nativeSwitch(self: Fiber, target: Fiber, patient = false): void {
  if (target._slot < 0) assignThread(target);
  state.current = target._slot === 0 ? state.root : target;
  // A greenlet thread parks without the frames its runInAsyncScope calls pushed.
  const frames = self._slot === 0 ? undefined : takeFramesAbove(self._asyncBase);
  try {
    if (self._slot === 0) {
      noteHandoff(true);
      noteSwitch();
      carrier.runInAsyncScope(switchFromMain, undefined, target);
    } else {
      if (target._slot !== 0) loadStores(target);
      noteHandoff(false);
      noteSwitch();
      switchAndAnswer(self, target._slot, patient);
    }
  } finally {
    state.current = self;
    if (self._slot !== 0) {
      self._asyncBase = asyncDepth();
      restoreFrames(frames);
    }
  }
}

/**
 * A greenlet thread parks: it runs the Hub's queue itself and switches
 * straight to the next ready fiber (or resumes at once if that is itself);
 * the main thread gets the baton only when nothing is ready.
 */
function parkToHub(fiber: Fiber, patient: boolean): void {
  saveStores(fiber);
  state.current = state.root;
  const next = nextWithThread();
  if (next === fiber) {
    loadStores(fiber);
    state.current = fiber;
    return;
  }
  nativeSwitch(fiber, next ?? state.hub, patient);
}

/** @internal Gives a thread to a fiber that has not run yet (may throw if none can be had). */
export function ensureThread(fiber: Fiber): void {
  if (fiber._slot < 0) assignThread(fiber);
}

/** Runs a woken (or new) fiber now; main thread only. */
function enter(fiber: Fiber): void {
  if (!fiber._waking) return;
  fiber._waking = false;
  nativeSwitch(state.root, fiber);
}

/** @internal Starts a fiber that has never run, from the main thread, now. */
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
    parkToHub(fiber, patient);
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
  scheduleWoken(fiber);
  return true;
}

/** True while `fiber` is still parked with `seq`: a wake carrying it would resume it. */
export function isParkedWith(fiber: Fiber, seq: number): boolean {
  if (fiber === state.root) return state.rootWaits.some((w) => w.seq === seq && w.msg === undefined);
  return seq !== 0 && fiber._parkSeq === seq;
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
  if (fiber === state.root) return throwInRoot(msg, rootLevel);
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

/**
 * Throws into the root's wait at `level` (its innermost open wait if none is
 * given). As for a greenlet, a wait woken in this turn and not yet resumed
 * takes the error instead of its plain wake, and one that holds an error
 * already passes this one on to the next wait at its level.
 */
function throwInRoot(msg: Msg, level: number | undefined): boolean {
  if (level === undefined && wakeInnermostRoot(msg)) return true;
  const index = level ?? state.rootWaits.length - 1;
  const wait = state.rootWaits[index];
  if (wait === undefined) return false;
  if (wait.msg === undefined) return wakeRoot(wait.seq, msg);
  if (wait.msg.error) state.rootPending.push({ level: index, msg });
  else wait.msg = msg;
  return true;
}

/** @internal Forgets a throw of `value` into `fiber` still waiting for its park (its Timeout was cancelled). */
export function dropPendingThrow(fiber: Fiber, value: unknown): void {
  if (fiber === state.root) {
    const pending = state.rootPending;
    for (let i = pending.length - 1; i >= 0; i--) if (pending[i].msg.value === value) pending.splice(i, 1);
    return;
  }
  const throws = fiber._pendingThrows;
  if (throws === undefined) return;
  for (let i = throws.length - 1; i >= 0; i--) if (throws[i].value === value) throws.splice(i, 1);
}

/** @internal Throws `msg` (an error) into the current greenlet at its next block instead of now. */
export function rethrowLater(msg: Msg): void {
  const fiber = state.current;
  if (fiber === state.root) return; // the root has no later park to throw at
  (fiber._pendingThrows ??= []).push(msg);
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
    if (urgent !== undefined && urgent.length > 0) {
      // Woken by a Hub callback after other fibers: they run first, as gevent
      // switches into each in turn.
      wait.held = true;
      urgent.push(() => {
        wait.held = false;
        engine.stop();
      });
    } else {
      engine.stop(); // end the loop turn now rather than after the next poll
    }
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
  let turning = false;
  try {
    if (state.rootPending.length > 0) takeRootPending(wait);
    // Blocking with nothing queued ends a pass the root's wake-up paused.
    if (state.queue.length === 0) endPause();
    while (!resumable(wait)) {
      if (!turning) {
        openTurns(); // only when the loop turns: a raw switch back to the root needs none
        turning = true;
      }
      const alive = engine.runOnce();
      if (drainErrors.length > 0) throw drainErrors.shift();
      if (resumable(wait)) break;
      if (!alive) {
        const stuck = !microtasksCanRun();
        if (resumable(wait)) break;
        if (!engine.loopAlive() && state.queue.length === 0) {
          throw new LoopExit(
            `This operation would block forever: the root greenlet waits in ${wait.label}, ` +
              'and no greenlet, timer or I/O is left that could wake it' +
              (stuck ? STUCK_HINT : ''),
          );
        }
      }
    }
    return wait.msg as Msg;
  } finally {
    if (turning) closeTurns();
    const index = state.rootWaits.indexOf(wait);
    if (index >= 0) state.rootWaits.splice(index, 1);
    if (state.queue.length > 0) armDrain();
  }
}

/** Gives `wait` the first error passed on to the next wait at its level, if any. */
function takeRootPending(wait: RootWait): void {
  const level = state.rootWaits.indexOf(wait);
  const at = state.rootPending.findIndex((p) => p.level === level);
  if (at >= 0) wait.msg = state.rootPending.splice(at, 1)[0].msg;
}

// ------------------------------------------------------------- raw switches

/**
 * A greenlet-module switch: resume `target` with `msg` and suspend the current
 * fiber until something switches back to it (or wakes it from the Hub).
 */
export function transfer(target: Fiber, msg: Msg, startArgs: unknown[]): unknown {
  const self = state.current;
  if (target.dead) {
    // greenlet: a dead greenlet's nearest live parent takes the switch, and a
    // GreenletExit thrown into it is its value, as if it had just died of it.
    const live = nearestLive(target);
    if (live === null || live === state.hub) throw new TypeError(`cannot switch to ${String(target)}: it is dead`);
    target = live;
    if (msg.error && msg.value instanceof GreenletExit) msg = valueMsg(msg.value);
  }
  if (target === self) return unwrap(msg);
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
  saveStores(self);
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
  const parent = start === null ? null : nearestLive(start);
  if (parent === null || parent === state.hub) {
    if (msg.error) report(msg.value);
    return state.hub;
  }
  if (parent === state.root) {
    if (!wakeInnermostRoot(msg) && msg.error) report(msg.value);
    return state.hub;
  }
  if (isSuspended(parent)) {
    if (claimForSwitch(parent, msg)) return parent;
  } else if (!parent._begun()) {
    // A parent that never ran starts now, with the value as its argument or
    // dying at once of the error (greenlet's test_throw_goes_to_original_parent).
    try {
      ensureThread(parent);
    } catch (error) {
      report(error);
      return state.hub;
    }
    // (A GreenletExit that ended the child starts it with no arguments, as greenlet does.)
    const startArgs = msg.error || msg.value instanceof GreenletExit ? [] : [msg.value];
    if (parent._deliver(msg, startArgs)) return parent;
  }
  if (msg.error) report(msg.value);
  return state.hub;
}

function nearestLive(start: Fiber): Fiber | null {
  let fiber: Fiber | null = start;
  while (fiber !== null && fiber.dead) fiber = fiber._parentFiber();
  return fiber;
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
    if (!resumable(state.rootWaits[i])) return state.rootWaits[i].label;
  }
  return undefined;
}
