// deasync: sleep, loopWhile, runLoopOnce and functions wrapped by deasync(fn)
// block only the calling greenlet and never turn the loop from a greenlet's
// thread (only the main thread may run libuv). In the root greenlet with no
// other greenlet around, the real deasync runs unchanged.
import { OK, schedule, unwrap } from '../core/fiber';
import { block } from '../core/block';
import { sleep } from '../core/waiting';
import { awaitCallback, cooperative } from './cooperate';
import { waitForLoopEvent } from './loopevent';
import { addHook, brand, entrySuffix, PackageHook, removeHook } from './modhook';
import { isTargetPatched, markPatched } from './registry';

type Fn = (...args: unknown[]) => unknown;
interface Deasync {
  (fn: Fn): Fn;
  sleep: (ms: number) => void;
  runLoopOnce: () => void;
  loopWhile: (pred: () => boolean) => void;
}

/** One trip through the Hub: lets every ready greenlet and the loop's callbacks run. */
function yieldOnce(): void {
  unwrap(
    block('deasync.runLoopOnce()', undefined, (wake) => {
      schedule(() => wake(OK));
    }) as typeof OK,
  );
}

function wrapDeasync(real: Deasync): Deasync {
  const cooperativeDeasync = function deasync(fn: Fn): Fn {
    const realWrapped = real(fn);
    return function (this: unknown, ...args: unknown[]): unknown {
      if (!cooperative(true)) return realWrapped.apply(this, args); // fn may answer from a promise
      return awaitCallback('deasync(fn)()', realWrapped as (...a: never[]) => unknown, (callback) => {
        fn.apply(this, [...args, callback]);
      });
    };
  } as Deasync;
  cooperativeDeasync.sleep = function (ms: number): void {
    if (!cooperative()) return real.sleep(ms);
    // deasync's sleep is setTimeout(done, ms); sleep() checks its argument, setTimeout does not.
    const n = Number(ms);
    sleep(Number.isFinite(n) && n > 0 ? n : 0);
  };
  cooperativeDeasync.runLoopOnce = function (): void {
    if (!cooperative()) return real.runLoopOnce();
    // uv_run(UV_RUN_ONCE) returns once the loop has run something: wait for that.
    waitForLoopEvent('deasync.runLoopOnce()');
  };
  cooperativeDeasync.loopWhile = function (pred: () => boolean): void {
    if (!cooperative()) return real.loopWhile(pred);
    // Re-check after every Hub turn at first, then every millisecond, so an
    // idle wait costs no CPU (a loop of setImmediate would keep the loop spinning).
    for (let turns = 0; pred(); turns++) {
      if (turns < 20) yieldOnce();
      else sleep(1);
    }
  };
  return brand(cooperativeDeasync, real);
}

const hook: PackageHook = {
  suffix: entrySuffix('deasync', 'index.js'),
  wrap: (exports) => wrapDeasync(exports as Deasync),
};

/** Hooks the deasync package (when installed); harmless if it is already patched. */
export function patchDeasyncModule(): void {
  if (isTargetPatched('deasync')) return;
  addHook(hook);
  markPatched('deasync', () => removeHook(hook));
}
