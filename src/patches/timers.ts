// timers: Atomics.wait blocks only the calling greenlet. It waits with
// Atomics.waitAsync, whose promise V8 settles on the main loop when another
// thread notifies or the timeout passes, so the sleep idiom
// `Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms)` and
// libraries that block on a worker's answer (synckit) become cooperative.
import { bridgeWait, inTurn, patchBridges } from './bridges';
import { block } from '../core/block';
import { errorMsg, microtasksCanRun, Msg, rootLevel, unwrap, valueMsg } from '../core/fiber';
import { startTimer, TimerHandle } from '../core/timers';
import { sleep } from '../core/waiting';
import { callOriginal, cooperative } from './cooperate';
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
      return awaitWait(original, pending.value as Promise<WaitResult>, view, index, expected, left);
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

const STUCK = Symbol('tinyevent.promisesStuck');
// How often a waiting greenlet checks that promises can still settle.
const STUCK_CHECK_MS = 20;

/**
 * Waits for waitAsync's promise. While the root greenlet blocks inside a
 * promise job (ES module top level, after an await) no promise settles, so
 * the Hub checks now and then; if so, the wait polls the location instead.
 */
function awaitWait(original: Wait, pending: Promise<WaitResult>, view: unknown, index: unknown, expected: unknown, ms: number): WaitResult {
  const start = performance.now();
  // V8 settles waitAsync through unref'd platform tasks: hold the loop open meanwhile.
  const keepAlive = nodeSetInterval(() => {}, Number.isFinite(ms) ? Math.min(Math.max(ms, 1), MAX_DELAY) : MAX_DELAY);
  let result: WaitResult | typeof STUCK;
  try {
    const msg = block('Atomics.wait()', undefined, (wake) => {
      pending.then(
        (value) => wake(valueMsg(value)),
        (error: unknown) => wake(errorMsg(error)),
      );
      let timer: TimerHandle;
      const check = (): void => {
        if (rootLevel() > 0 && !microtasksCanRun()) wake(valueMsg(STUCK));
        else timer = startTimer(STUCK_CHECK_MS, check);
      };
      timer = startTimer(STUCK_CHECK_MS, check);
      return () => timer.cancel();
    }) as Msg;
    result = unwrap(msg) as WaitResult | typeof STUCK;
  } finally {
    nodeClearInterval(keepAlive);
  }
  if (result !== STUCK) return result;
  // Woken by a notify that changes the value (the usual way), or by the deadline.
  const poll = original as (...args: unknown[]) => WaitResult;
  for (;;) {
    if (poll(view, index, expected, 0) === 'not-equal') return 'ok';
    const left = ms - (performance.now() - start);
    if (left <= 0) return 'timed-out';
    sleep(Math.min(1, left));
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
