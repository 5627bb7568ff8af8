// Loads the native engine once per process and shares it through globalThis, so
// that a second copy of tinyevent (CommonJS and ESM, or two installs) drives the
// same engine instead of fighting over the main thread.
import * as fs from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { isMainThread } from 'node:worker_threads';
import { loadAddon } from './addon';
import { COUNT } from './counts';
import { asyncDepth, takeFramesAbove } from './asyncstack';
import { enableAutoPlacement, preferredCpu } from './placement';

export interface EngineStats {
  /** Greenlet threads created so far (pooled ones included). */
  threads: number;
  /** Threads waiting in the pool for a greenlet to run. */
  idle: number;
  /** Greenlets whose body is on a thread's stack (running or parked). */
  started: number;
  /** Stack size of greenlet threads, in bytes. */
  stackSize: number;
  /** Baton hand-offs between threads so far. */
  switches: number;
  /** Hand-offs that had to wake a thread asleep in the kernel (the expensive kind). */
  sleeperWakes: number;
  /** Hand-offs to a thread that had parked less than 50 µs before (spinning would catch those). */
  briefHandoffs: number;
  /** Where greenlet threads run now: 'shared', all on the main thread's CPU; 'spread', any CPU (see TINYEVENT_CPU). */
  cpu: 'shared' | 'spread';
}

/** The native engine; every method runs on the thread holding the baton. */
export interface NativeEngine {
  assign(body: () => number): number;
  /** `patient`: only a timer a millisecond or more away (or a kill) ends this park. */
  switchTo(slot: number, patient?: boolean): void;
  current(): number;
  runOnce(): boolean;
  stop(): void;
  armTimer(ms: number): void;
  /** Runs the Hub handler on the next turn of the loop (once, however often armed before it runs). */
  armHub(): void;
  loopAlive(): boolean;
  /** Milliseconds the event loop has waited in its poll (for I/O or timers). */
  loopIdleMs(): number;
  terminate(slot: number): void;
  stats(): EngineStats;
  setStackSize(bytes: number): void;
  /** Main thread: moves every greenlet thread to the main thread's CPU, or spreads them; false if refused. */
  /** `preferred`: share that CPU of the process (an index, modulo their count) rather than the current one. */
  setCpuShared(shared: boolean, preferred?: number): boolean;
  /** Around creating a worker thread: gives the main thread every CPU (true), or its placement back. */
  widenCpus(widen: boolean): void;
  failNextThreadCreate(): void;
  /** The engine keeps its counters (see counts.ts) in `counts` from now on. */
  shareCounts(counts: Float64Array): void;
  /** The async context frame current now (AsyncLocalStorage's on Node 24+); undefined if none. */
  asyncFrame(): unknown;
  /** Makes `frame` (from asyncFrame()) the current async context frame. */
  enterAsyncFrame(frame: unknown): void;
  /** From now on each thread keeps its own async context frame across its parks. */
  keepAsyncFrames(): void;
  /** This engine is a worker's: its root turns run the async handles a blocked async callback hides from libuv, and a stop inside Node's immediates ends the worker, not the process. */
  inWorker(): void;
}

/** The watchdog thread (src/native/watchdog.h); every method runs on the baton holder. */
export interface NativeWatchdog {
  /** Calls onBlocked(blockedMs), on the blocked thread, when nothing yields for `ms`; ms <= 0 stops. */
  setMonitor(ms: number, onBlocked: (blockedMs: number) => void): void;
  startProfile(intervalUs: number): void;
  stopProfile(): NativeProfile;
  profiling(): boolean;
}

/** A sampled call tree as parallel arrays: node i has names[i], parents[i] (-1 for the root), ... */
export interface NativeProfile {
  names: string[];
  urls: string[];
  scriptIds: number[];
  /** 1-based, as V8 reports positions. */
  lines: number[];
  columns: number[];
  parents: number[];
  samples: number[];
  /** Microseconds, one per sample. */
  times: number[];
  startTime: number;
  endTime: number;
}

interface Addon {
  setup(drain: () => void, onTimer: () => void, onHub: () => void): NativeEngine;
  watchdog(progress: Int32Array): NativeWatchdog;
}

/**
 * TINYEVENT_CPU chooses where greenlet threads run. 'auto' (the default) moves
 * them as the workload asks (placement.ts): all on the main thread's CPU while
 * most hand-offs go to threads that have been asleep a while (servers: a
 * same-CPU wake-up costs ~3 µs, a cross-CPU one 20-50 µs on small virtual
 * machines), on any CPU while most go to threads that parked just before
 * (ping-pong, where spinning makes a hand-off ~0.6 µs). 'shared' and 'spread'
 * fix one placement.
 */
function applyCpuMode(engine: NativeEngine, counts: Float64Array, mode: string | undefined): void {
  const chosen = mode === undefined || mode === '' ? 'auto' : mode;
  if (chosen !== 'spread' && chosen !== 'shared' && chosen !== 'auto') {
    throw new RangeError(`TINYEVENT_CPU must be 'auto', 'shared' or 'spread', got ${JSON.stringify(mode)}`);
  }
  // The placement is one per process (CPU masks, the fork handler): only the
  // main thread's tinyevent sets it; in a worker thread greenlets stay spread.
  if (chosen === 'spread' || !isMainThread) return;
  // libuv's thread pool starts on first use and its threads would inherit a
  // pin: start it now, while the main thread still runs anywhere.
  fs.access(__filename, () => undefined);
  if (chosen === 'shared' && !engine.setCpuShared(true, preferredCpu())) {
    process.emitWarning('tinyevent: could not pin greenlet threads to one CPU (TINYEVENT_CPU=shared ignored)');
    return;
  }
  // The kernel may refuse a pin (a restricted container): auto then stays spread, quietly.
  if (chosen === 'auto' && !enableAutoPlacement(engine, counts)) return;
  // A worker thread would inherit a pin and lose its own CPU: workers made
  // through worker_threads.Worker (read after this point) start unpinned.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const threads = require('node:worker_threads') as typeof import('node:worker_threads');
  const Original = threads.Worker;
  class Worker extends Original {
    constructor(...args: ConstructorParameters<typeof Original>) {
      engine.widenCpus(true);
      try {
        super(...args);
      } finally {
        engine.widenCpus(false);
      }
    }
  }
  Object.defineProperty(Worker, 'name', { value: 'Worker' });
  threads.Worker = Worker;
}

const ENGINE = Symbol.for('tinyevent.engine.v1');
interface Shared {
  engine: NativeEngine;
  file: string;
  addon: Addon;
  /** [0]: bumped on every greenlet switch; the watchdog thread reads it. */
  progress: Int32Array;
  /** The engine's counters, kept up to date by the engine itself (see counts.ts). */
  counts: Float64Array;
  watchdog?: NativeWatchdog;
  drainErrors: unknown[];
  onTimer: () => void;
  onHub: () => void;
}
type EngineHolder = { [ENGINE]?: Shared };

/** Non-zero while runTicks() runs: the callbacks it runs are ticks, not the loop's (see tickorder.ts). */
export const ticks = { running: 0 };

/** Runs pending nextTicks and microtasks now (Node's own tick callback). */
export function runTicks(): void {
  ticks.running++;
  const depth = asyncDepth();
  try {
    (process as unknown as { _tickCallback(): void })._tickCallback();
  } catch (error) {
    // A tick callback that throws leaves its async scope on the stack; Node
    // clears it when it handles the error as uncaught, and so does this.
    takeFramesAbove(depth);
    throw error;
  } finally {
    ticks.running--;
  }
}

function drainTicks(errors: unknown[], engine: () => NativeEngine): void {
  // Inside a nested turn of the loop Node does not run nextTicks and microtasks
  // itself (its callback scope is nested), so the root wait does it.
  try {
    runTicks();
  } catch (error) {
    errors.push(error);
    engine().stop();
  }
}

function load(): Shared {
  const holder = globalThis as EngineHolder;
  const existing = holder[ENGINE];
  if (existing) return existing;
  // V8's WebAssembly code GC aborts the process when other threads are archived
  // ("archived threads in combination with wasm not supported"), which parked
  // greenlets always are; Node's own fetch runs WebAssembly. Wasm code is then
  // freed with its module instead of by the code GC.
  setFlagsFromString('--no-wasm-code-gc');
  const { addon, file } = loadAddon<Addon>();
  const drainErrors: unknown[] = [];
  const shared: Shared = {
    engine: undefined as unknown as NativeEngine,
    file,
    addon,
    progress: new Int32Array(new SharedArrayBuffer(4)),
    counts: new Float64Array(COUNT.length),
    drainErrors,
    onTimer: () => undefined,
    onHub: () => undefined,
  };
  shared.engine = addon.setup(
    () => drainTicks(drainErrors, () => shared.engine),
    () => shared.onTimer(),
    () => shared.onHub(),
  );
  shared.engine.shareCounts(shared.counts);
  // A worker's main script runs inside its port's async callback, so its root
  // always blocks in one (engine.cc, InWorker).
  if (!isMainThread) shared.engine.inWorker();
  const stackKb = process.env.TINYEVENT_STACK_KB;
  if (stackKb) shared.engine.setStackSize(Number(stackKb) * 1024);
  applyCpuMode(shared.engine, shared.counts, process.env.TINYEVENT_CPU);
  holder[ENGINE] = shared;
  return shared;
}

const shared = load();
export const engine: NativeEngine = shared.engine;
/** The engine file that loaded: the local build or a prebuilt engine. */
export const engineFile: string = shared.file;
/** Counts greenlet switches for the watchdog: bump [0] on each (a plain store: only the baton holder writes). */
export const progress: Int32Array = shared.progress;

/** The watchdog thread of this environment, made on first use. */
export function nativeWatchdog(): NativeWatchdog {
  shared.watchdog ??= shared.addon.watchdog(shared.progress);
  return shared.watchdog;
}

/** Errors thrown by nextTick callbacks that ran inside a root wait. */
export const drainErrors: unknown[] = shared.drainErrors;

/** Sets what runs when the Hub timer fires (the timer heap's handler). */
export function setTimerHandler(handler: () => void): void {
  shared.onTimer = handler;
}

/** Sets what runs when the armed Hub turn comes (the run queue's drain). */
export function setHubHandler(handler: () => void): void {
  shared.onHub = handler;
}
