// timers: Atomics.wait blocks only the calling greenlet. It waits with
// Atomics.waitAsync, whose promise V8 settles on the main loop when another
// thread notifies or the timeout passes, so the sleep idiom
// `Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms)` and
// libraries that block on a worker's answer (synckit) become cooperative.
import { bridgeWait, inTurn, patchBridges } from './bridges';
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
    let ms: number;
    try {
      ms = args.length > 3 ? Number(args[3]) : Infinity;
    } catch {
      return callOriginal<WaitResult>(original, this, args, wait);
    }
    const [view, index] = args;
    const once = (expected: unknown, left: number): WaitResult => {
      let pending: { async: boolean; value: WaitResult | Promise<WaitResult> };
      try {
        pending = (atomics.waitAsync as (...a: unknown[]) => typeof pending)(view, index, expected, left);
      } catch {
        // An argument waitAsync rejects: the original throws its own error for it.
        return callOriginal<WaitResult>(original, this, args, wait);
      }
      if (!pending.async) return pending.value as WaitResult;
      return awaitWait(wait, pending.value as Promise<WaitResult>, left);
    };
    const buffer = ArrayBuffer.isView(view) ? view.buffer : undefined;
    return bridgeWait(view, index, args[2], (expected) => {
      if (!(buffer instanceof SharedArrayBuffer)) return once(expected, ms);
      // Time spent waiting for the turn counts against the timeout.
      const start = performance.now();
      return inTurn(buffer, Number(index), () => once(expected, Number.isFinite(ms) ? Math.max(0, ms - (performance.now() - start)) : ms));
    }) as WaitResult;
  };
  return dressAs(wait as unknown as Wait, original);
}

function awaitWait(caller: Wait, pending: Promise<WaitResult>, ms: number): WaitResult {
  // V8 settles waitAsync through unref'd platform tasks: hold the loop open meanwhile.
  const keepAlive = nodeSetInterval(() => {}, Number.isFinite(ms) ? Math.min(Math.max(ms, 1), MAX_DELAY) : MAX_DELAY);
  try {
    return awaitPromise('Atomics.wait()', caller, pending);
  } finally {
    nodeClearInterval(keepAlive);
  }
}

/** Patches Atomics.wait; harmless if it is already patched. */
export function patchTimersModule(): void {
  if (isTargetPatched('timers')) return;
  if (typeof atomics.waitAsync !== 'function') throw new Error('tinyevent: patchTimers() needs Atomics.waitAsync (Node 16+)');
  patchItem('Atomics', Atomics, 'wait', makeWait(Atomics.wait));
  const unpatchBridges = patchBridges();
  markPatched('timers', () => {
    unpatchBridges();
    restoreModule('Atomics');
  });
}
