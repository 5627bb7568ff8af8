// Where greenlet threads run, chosen by trying (TINYEVENT_CPU=auto).
//
// A hand-off to a thread that is still spinning costs ~0.6 µs across CPUs and
// ~2.4 µs on one CPU (a context switch); a hand-off to a thread asleep on a CPU
// that has gone idle costs a kernel wake-up: 20-50 µs on small virtual machines,
// against ~3 µs when it sleeps on the waker's CPU. Spinning also takes a CPU
// that other processes (a database, a load generator) may need. Which of the
// two placements, spread or shared (every greenlet thread on the main thread's
// CPU), runs a program faster depends on the program, so tinyevent measures:
// it counts the main thread's hand-offs per busy millisecond (the event loop
// not waiting for I/O or timers), now and then tries the other placement for a
// few windows, and keeps whichever did more; failed trials come less and less
// often. The engine moves the threads: a syscall on the main thread, and each
// greenlet thread follows before it next runs.
import type { NativeEngine } from './native';

/** Main-thread hand-offs per window (the unit of measure). */
const WINDOW = 256;
/** Windows measured on trial, after one window to settle. */
const TRIAL_WINDOWS = 2;
/** A trial wins when each of its windows does this much more work per millisecond. */
const TRIAL_GAIN = 1.1;
/** Windows between trials: at first, and at most (doubling after each failed trial). */
export const FIRST_TRIAL = 16;
export const MAX_TRIAL = 512;

interface Trial {
  /** The rate (hand-offs per ms) of the placement being tried against. */
  baseline: number;
  /** Windows still to settle before measuring. */
  settle: number;
  windows: number;
  /** Whether every window measured so far beat the baseline. */
  won: boolean;
}

/** Windows of the current placement whose median rate is the baseline of a trial. */
const BASELINE_WINDOWS = 5;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1] ?? 0;
}

/** The decision alone, fed one window at a time (no engine, no clock: testable). */
export class PlacementPolicy {
  /** The placement the threads are in. */
  shared = false;
  /** Windows to wait between trials now. */
  nextTrial = FIRST_TRIAL;
  /** Rates of the last few windows of the current placement (a GC pause spoils one, not the median). */
  private recent: number[] = [];
  private sinceTrial = 0;
  private trial: Trial | undefined = undefined;

  /** True while a trial runs. */
  get onTrial(): boolean {
    return this.trial !== undefined;
  }

  /**
   * One window: `rate` main-thread hand-offs per busy ms; `growing` if greenlet
   * threads were created in it. Returns true if the threads should move to the
   * other placement now (call moved() once they have).
   */
  window(rate: number, growing = false): boolean {
    const trial = this.trial;
    if (trial !== undefined) {
      // Spawns began to outrun the pool while sharing on trial: spreading wins then.
      if (growing && this.shared) trial.won = false;
      if (trial.settle > 0 && trial.won) {
        trial.settle--;
        return false;
      }
      trial.won &&= rate >= trial.baseline * TRIAL_GAIN;
      if (++trial.windows < TRIAL_WINDOWS && trial.won) return false;
      this.trial = undefined;
      this.sinceTrial = 0;
      this.recent = [];
      if (trial.won) {
        this.nextTrial = FIRST_TRIAL;
        return false;
      }
      this.nextTrial = Math.min(this.nextTrial * 2, MAX_TRIAL);
      return true; // back to where it was
    }
    this.recent.push(rate);
    if (this.recent.length > BASELINE_WINDOWS) this.recent.shift();
    // While spawns outrun the pool, new threads are made on the other CPU as
    // greenlets run (engine.cc): sharing one CPU cannot win then. Spread now,
    // on trial, if shared; do not try sharing if spread.
    if (growing && this.shared) this.sinceTrial = Math.max(this.sinceTrial, this.nextTrial - 1);
    if (++this.sinceTrial < this.nextTrial) return false;
    if (growing && !this.shared) return false;
    this.trial = { baseline: median(this.recent), settle: 1, windows: 0, won: true };
    return true;
  }

  /** The threads moved as window() asked. */
  moved(): void {
    this.shared = !this.shared;
  }

  /** The move window() asked for could not be made: give up this trial. */
  refused(): void {
    this.trial = undefined;
    this.sinceTrial = 0;
    this.nextTrial = MAX_TRIAL;
  }
}

interface PlacementState {
  engine: NativeEngine | undefined;
  policy: PlacementPolicy;
  count: number;
  /** Milliseconds the loop had been busy (not waiting for I/O or timers) when the window began. */
  busyAtStart: number;
  /** Greenlet threads made when the window began. */
  threadsAtStart: number;
}

/** Milliseconds the event loop has not spent waiting in its poll. */
function busyMs(engine: NativeEngine): number {
  return performance.now() - engine.loopIdleMs();
}

// Shared through globalThis, like the engine: two copies of tinyevent drive one placement.
const STATE = Symbol.for('tinyevent.placement.v1');
const holder = globalThis as { [STATE]?: PlacementState };
const state: PlacementState = (holder[STATE] ??= { engine: undefined, policy: new PlacementPolicy(), count: 0, busyAtStart: 0, threadsAtStart: 0 });

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

/** Turns the automatic placement on (from native.ts, when TINYEVENT_CPU=auto). */
export function enableAutoPlacement(engine: NativeEngine): void {
  state.engine = engine;
  state.busyAtStart = busyMs(engine);
}

/** Called on the main thread for each hand-off it makes. */
export function noteMainHandoff(): void {
  const engine = state.engine;
  if (engine === undefined || ++state.count < WINDOW) return;
  state.count = 0;
  // Work per busy millisecond: time spent waiting for I/O or timers says how
  // much work came, not how fast it was done.
  const busy = busyMs(engine);
  const rate = WINDOW / Math.max(busy - state.busyAtStart, 0.001);
  state.busyAtStart = busy;
  const threads = engine.stats().threads;
  const growing = threads > state.threadsAtStart;
  state.threadsAtStart = threads;
  const policy = state.policy;
  if (!policy.window(rate, growing)) return;
  if (engine.setCpuShared(!policy.shared, preferredCpu())) policy.moved();
  else policy.refused();
}
