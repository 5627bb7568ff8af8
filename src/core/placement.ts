// Where greenlet threads run, chosen by the workload (the default; also
// TINYEVENT_CPU=auto).
//
// A hand-off to a thread that is still spinning costs ~0.6 µs across CPUs; a
// hand-off to a thread asleep in the kernel costs a wake-up: 20-50 µs when it
// sleeps on another (idle, halted) virtual CPU, ~3 µs when it sleeps on the
// waker's CPU. Spinning pays only when the partner comes back within a few tens
// of microseconds (ping-pong between greenlets); a server's greenlets park for
// a network round trip and are asleep by the time their data comes. So the
// threads start on the main thread's CPU (shared: every hand-off a cheap
// same-CPU wake-up, nothing spins), and the engine counts, for each hand-off
// (made by any thread: two greenlets may pass the baton without the main one),
// whether the thread it goes to had parked less than 50 µs before. When nearly
// every hand-off is such a brief one, the threads spread over the CPUs and
// spin; spread, the engine counts the hand-offs that still had to wake a
// sleeping thread, and when those are more than a few, the threads share one
// CPU again and wait longer (doubling) before the next try. While spawns
// outrun the thread pool (new threads are made on the other CPU as greenlets
// run), they stay spread. The counts do not depend on how fast the machine is.
// The engine moves the threads: a syscall on the main thread, and each greenlet
// thread follows before it next runs.
import { COUNT } from './counts';
import type { NativeEngine } from './native';

/** Hand-offs (all threads) per decision. */
export const WINDOW = 256;
/** Shared: spread when more than this fraction of hand-offs go to a thread parked briefly. */
export const SPREAD_ABOVE = 0.9;
/** Spread: share again when more than this fraction of hand-offs wake a sleeping thread. */
export const SHARE_ABOVE = 0.15;
/** Windows to stay put after a move (moving threads costs a syscall each)... */
export const HOLD_WINDOWS = 4;
/** ...and at most after spreading did not pay (the wait doubles each time). */
export const MAX_HOLD_WINDOWS = 1024;

/** What one window saw. */
export interface Window {
  handoffs: number;
  /** Hand-offs to a thread that had parked briefly. */
  brief: number;
  /** Hand-offs that woke a thread asleep in the kernel. */
  wakes: number;
  /** Greenlet threads were created in it. */
  growing: boolean;
}

/** The decision alone, fed one window at a time (no engine, no clock: testable). */
export class PlacementPolicy {
  /** The placement the threads are in: shared at first (a program that hardly switches needs no spinner). */
  shared = true;
  /** Windows to wait before the next move may be asked for. */
  hold = 0;
  /** The wait after a spread that did not pay. */
  backoff = HOLD_WINDOWS;

  /** Returns true if the threads should move to the other placement now (then call moved(), or refused()). */
  window(w: Window): boolean {
    if (this.hold > 0) {
      this.hold--;
      return false;
    }
    if (w.handoffs <= 0) return false;
    if (this.shared) return w.growing || w.brief / w.handoffs > SPREAD_ABOVE;
    if (w.growing) return false;
    if (w.wakes / w.handoffs > SHARE_ABOVE) return true;
    this.backoff = HOLD_WINDOWS; // spreading pays
    return false;
  }

  /** The threads moved as window() asked. */
  moved(): void {
    this.shared = !this.shared;
    if (this.shared) {
      this.hold = this.backoff;
      this.backoff = Math.min(this.backoff * 2, MAX_HOLD_WINDOWS);
    } else {
      this.hold = HOLD_WINDOWS;
    }
  }

  /** The move window() asked for could not be made: wait long before asking again. */
  refused(): void {
    this.hold = MAX_HOLD_WINDOWS;
  }
}

interface PlacementState {
  engine: NativeEngine | undefined;
  /** The engine's counters (indices in counts.ts). */
  counts: Float64Array | undefined;
  policy: PlacementPolicy;
  count: number;
  switches: number;
  brief: number;
  wakes: number;
  threads: number;
  /** A move the policy asked for on a greenlet thread: the main thread makes it (applyPendingMove). */
  pending: boolean;
}

/** Hand-offs between looks at the engine's counters. */
const LOOK_EVERY = 16;

// Shared through globalThis, like the engine: two copies of tinyevent drive one placement.
const STATE = Symbol.for('tinyevent.placement.v3');
const holder = globalThis as { [STATE]?: PlacementState };
const state: PlacementState = (holder[STATE] ??= {
  engine: undefined,
  counts: undefined,
  policy: new PlacementPolicy(),
  count: 0,
  switches: 0,
  brief: 0,
  wakes: 0,
  threads: 0,
  pending: false,
});

/**
 * Which of the process's CPUs a pinned process shares: a cluster worker takes
 * its own (worker n on the n-th CPU, round robin), so workers pinned together
 * do not all land on the CPU they happened to start on; -1 is "the current one".
 */
export function preferredCpu(): number {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const worker = (require('node:cluster') as typeof import('node:cluster').default).worker;
  return worker !== undefined && Number.isInteger(worker.id) && worker.id > 0 ? worker.id - 1 : -1;
}

/** Turns the automatic placement on (from native.ts: the default, and TINYEVENT_CPU=auto); false if the first move was refused. */
export function enableAutoPlacement(engine: NativeEngine, counts: Float64Array): boolean {
  if (!engine.setCpuShared(state.policy.shared, preferredCpu())) return false;
  state.engine = engine;
  state.counts = counts;
  return true;
}

/**
 * Called for each hand-off, on whichever thread makes it (`onMain`: the main
 * thread): two greenlets handing a value back and forth never pass through
 * the main thread, and are what spreading is for.
 */
export function noteHandoff(onMain: boolean): void {
  if (onMain && state.pending) applyPendingMove();
  const counts = state.counts;
  if (counts === undefined || ++state.count < LOOK_EVERY) return;
  state.count = 0;
  const switches = counts[COUNT.switches];
  const handoffs = switches - state.switches;
  if (handoffs < WINDOW) return;
  const brief = counts[COUNT.briefHandoffs];
  const wakes = counts[COUNT.sleeperWakes];
  const threads = counts[COUNT.threadsMade];
  const window = { handoffs, brief: brief - state.brief, wakes: wakes - state.wakes, growing: threads > state.threads };
  state.switches = switches;
  state.brief = brief;
  state.wakes = wakes;
  state.threads = threads;
  if (!state.policy.window(window)) return;
  state.pending = true;
  if (onMain) applyPendingMove();
}

/** Main thread: makes the move the policy asked for, if any (CPU masks change from the main thread). */
export function applyPendingMove(): void {
  const engine = state.engine;
  if (!state.pending || engine === undefined) return;
  state.pending = false;
  const policy = state.policy;
  if (engine.setCpuShared(!policy.shared, preferredCpu())) policy.moved();
  else policy.refused();
}
