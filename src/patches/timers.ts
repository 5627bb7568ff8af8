// timers: Atomics.wait blocks only the calling greenlet. It waits with
// Atomics.waitAsync, whose promise V8 settles on the main loop when another
// thread notifies or the timeout passes, so the sleep idiom
// `Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms)` and
// libraries that block on a worker's answer (synckit) become cooperative.
import { awaitPromise, callOriginal, cooperative } from './cooperate';
import { dressAs, isTargetPatched, markPatched, patchItem, restoreModule } from './registry';

type Wait = typeof Atomics.wait;
type WaitResult = 'ok' | 'not-equal' | 'timed-out';
// ES2024's Atomics.waitAsync; the compiler's lib is ES2022.
const atomics = Atomics as typeof Atomics & { waitAsync?: (...args: unknown[]) => { async: boolean; value: WaitResult | Promise<WaitResult> } };

// Captured at load: the callbacks patch may wrap the globals later.
const nodeSetInterval = globalThis.setInterval;
const nodeClearInterval = globalThis.clearInterval;
const MAX_DELAY = 2147483647;

function makeWait(original: Wait): Wait {
  const wait = function wait(this: unknown, ...args: unknown[]): WaitResult {
    if (!cooperative(true)) return (original as (...a: unknown[]) => WaitResult).apply(this, args);
    let pending: { async: boolean; value: WaitResult | Promise<WaitResult> };
    try {
      pending = (atomics.waitAsync as (...a: unknown[]) => typeof pending)(...args);
    } catch {
      // An argument waitAsync rejects: the original throws its own error for it.
      return callOriginal<WaitResult>(original, this, args, wait);
    }
    if (!pending.async) return pending.value as WaitResult;
    // V8 settles waitAsync through unref'd platform tasks: hold the loop open meanwhile.
    const ms = Number(args[3]);
    const keepAlive = nodeSetInterval(() => {}, Number.isFinite(ms) ? Math.min(Math.max(ms, 1), MAX_DELAY) : MAX_DELAY);
    try {
      return awaitPromise('Atomics.wait()', wait, pending.value as Promise<WaitResult>);
    } finally {
      nodeClearInterval(keepAlive);
    }
  };
  return dressAs(wait as unknown as Wait, original);
}

/** Patches Atomics.wait; harmless if it is already patched. */
export function patchTimersModule(): void {
  if (isTargetPatched('timers')) return;
  if (typeof atomics.waitAsync !== 'function') throw new Error('tinyevent: patchTimers() needs Atomics.waitAsync (Node 16+)');
  patchItem('Atomics', Atomics, 'wait', makeWait(Atomics.wait));
  markPatched('timers', () => restoreModule('Atomics'));
}
