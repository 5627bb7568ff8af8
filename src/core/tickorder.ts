// Tick order inside root waits. Node runs process.nextTick callbacks and
// microtasks after every callback the loop makes — but only at the outermost
// callback scope. A root wait turns the loop from inside a callback scope (the
// main script's, or the callback that blocks), so Node skips that step for
// every callback the wait runs, and ticks would pile up until the next turn:
// a refused socket's 'close' (a handle-close callback) would then come before
// its 'error' (a nextTick queued by the connect callback). While a root wait
// turns the loop, an async hook does what Node's outermost scope would: after
// each callback the loop made, it runs the ticks and microtasks it queued.
import { createHook } from 'node:async_hooks';

import { drainErrors, engine, runTicks, ticks } from './native';

/** Callbacks entered (and not yet left) since the outermost root wait began. */
let entered = 0;
/** Per open root wait: `entered` when it began; its own callbacks run above it. */
const bases: number[] = [];

/** Runs pending ticks and microtasks once; an error goes where the root wait rethrows it. */
function drainTicksNow(): void {
  try {
    runTicks();
  } catch (error) {
    drainErrors.push(error);
    engine.stop();
  }
}

const hook = createHook({
  before(): void {
    if (ticks.running === 0) entered++;
  },
  after(): void {
    if (ticks.running > 0) return;
    const base = bases[bases.length - 1] ?? 0;
    if (entered > base) entered--;
    if (entered === base) drainTicksNow();
  },
});

/** A root wait starts turning the loop: callbacks it runs get Node's tick order. */
export function openTurns(): void {
  if (bases.length === 0) {
    entered = 0;
    hook.enable();
  }
  bases.push(entered);
}

/** The root wait that called openTurns() is over. */
export function closeTurns(): void {
  bases.pop();
  if (bases.length === 0) hook.disable();
}
