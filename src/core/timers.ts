// The Hub's timers: a heap of deadlines behind one native uv timer.
//
// Not Node's setTimeout: Node's timer list does not fire while one of its own
// callbacks runs, and the root greenlet may block inside a timer callback (a
// plain callback); tinyevent's sleeps and timeouts must still end there.
import { performance } from 'node:perf_hooks';

import { Heap } from './heap';
import { engine, setTimerHandler } from './native';
import { reportHubError, timersWaitForRoot } from './fiber';

export interface TimerHandle {
  cancel(): void;
}

// A pending deadline, and the handle that cancels it: one object per timer
// (a parked greenlet's sleep holds it, and each minor GC copies what they hold).
class Entry implements TimerHandle {
  live = true;
  constructor(
    readonly deadline: number,
    readonly seq: number,
    readonly callback: () => void,
    private readonly s: TimerState,
  ) {}

  cancel(): void {
    if (!this.live) return;
    this.live = false;
    const s = this.s;
    s.dead++;
    if (--s.live === 0) {
      // Nothing left: stop the native timer so it keeps no loop alive.
      s.armedFor = Infinity;
      engine.armTimer(-1);
      while (s.heap.length > 0) s.heap.shift();
      s.dead = 0;
    } else if (s.dead > 1024 && s.dead > s.live) {
      compact(s);
    }
  }
}

interface TimerState {
  readonly heap: Heap<Entry>;
  seq: number;
  live: number;
  /** Cancelled entries still in the heap (removed lazily). */
  dead: number;
  armedFor: number;
  /** Told after each firing (deasync's runLoopOnce waits for any event). */
  fired?: Set<() => void>;
}

// Shared through globalThis, like the Hub: one native timer, one heap.
const STATE = Symbol.for('tinyevent.timers.v1');
const holder = globalThis as { [STATE]?: TimerState };
const state: TimerState = (holder[STATE] ??= (() => {
  const fresh: TimerState = {
    heap: new Heap<Entry>((a, b) => a.deadline - b.deadline || a.seq - b.seq),
    seq: 0,
    live: 0,
    dead: 0,
    armedFor: Infinity,
  };
  setTimerHandler(() => fire(fresh));
  return fresh;
})());

const NO_TIMER: TimerHandle = Object.freeze({ cancel(): void {} });
// The native timer never fires before a deadline (engine.cc, ArmTimer); this
// only absorbs the rounding between its clock and performance.now().
const DUE_SLACK_MS = 0.01;

// The longest the native timer is armed for at once (about 24.8 days): a
// deadline further away (Number.MAX_VALUE as "forever") re-arms when it fires.
const MAX_ARM_MS = 2 ** 31 - 1;

function arm(s: TimerState, deadline: number): void {
  s.armedFor = deadline;
  engine.armTimer(Math.min(MAX_ARM_MS, Math.max(0, deadline - performance.now())));
}

function dropDead(s: TimerState): void {
  while (s.heap.length > 0 && !(s.heap.peek() as Entry).live) {
    s.heap.shift();
    s.dead--;
  }
}

/** Rebuilds the heap without cancelled entries, once they outnumber live ones. */
function compact(s: TimerState): void {
  const live: Entry[] = [];
  while (s.heap.length > 0) {
    const entry = s.heap.shift() as Entry;
    if (entry.live) live.push(entry);
  }
  for (const entry of live) s.heap.push(entry);
  s.dead = 0;
}

/** Fires the timers held for a woken root (fiber.ts, timersWaitForRoot) on this turn. */
function releaseHeld(): void {
  arm(state, 0);
}

function fire(s: TimerState): void {
  // A root woken by the Hub runs first, and what it queues (a kill, a
  // wake-up) lands before timers that came due meanwhile (fiber.ts).
  if (timersWaitForRoot(releaseHeld)) return;
  s.armedFor = Infinity;
  const due = performance.now() + DUE_SLACK_MS;
  for (;;) {
    dropDead(s);
    const top = s.heap.peek();
    if (top === undefined || top.deadline > due) break;
    s.heap.shift();
    top.live = false;
    s.live--;
    try {
      top.callback();
    } catch (error) {
      reportHubError(error, 'a timer callback');
    }
  }
  dropDead(s);
  const next = s.heap.peek();
  if (next !== undefined && next.deadline < s.armedFor) arm(s, next.deadline);
  if (s.fired !== undefined) for (const listener of [...s.fired]) listener();
}

/** Calls `listener` on the Hub after every firing of tinyevent's timer, until the returned function is called. */
export function onTimersFired(listener: () => void): () => void {
  const listeners = (state.fired ??= new Set());
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Calls `callback` on the Hub after `ms` (any non-negative duration; Infinity never fires). */
export function startTimer(ms: number, callback: () => void): TimerHandle {
  if (ms === Infinity) return NO_TIMER;
  const s = state;
  const entry = new Entry(performance.now() + ms, ++s.seq, callback, s);
  s.heap.push(entry);
  s.live++;
  if (entry.deadline < s.armedFor) arm(s, entry.deadline);
  return entry;
}

/** @internal How many Hub timers are pending (started, neither fired nor cancelled). */
export function pendingTimers(): number {
  return state.live;
}
