// Waiting for "something to happen" on the loop, the way deasync's runLoopOnce
// does with uv_run(UV_RUN_ONCE): a greenlet parks until the loop has run a
// callback of the program — I/O, a timer, an immediate, a promise reaction —
// or one of tinyevent's timers fired. tinyevent's own turns (the Hub's
// loop handle, a greenlet resumed through its async context) do not count, so a
// `while (!done) runLoopOnce()` loop sleeps instead of spinning.
import { AsyncResource, createHook, executionAsyncResource } from 'node:async_hooks';

import { block } from '../core/block';
import { OK, schedule, unwrap, Msg } from '../core/fiber';
import { onTimersFired } from '../core/timers';
import type { Wake } from '../core/block';

const waiters = new Set<Wake>();
let stopTimerListener: (() => void) | undefined;

function wakeAll(): void {
  if (waiters.size === 0) return;
  const woken = [...waiters];
  waiters.clear();
  stop();
  // Not from inside the hook: resume on the Hub's next pass.
  schedule(() => {
    for (const wake of woken) wake(OK);
  });
}

function isTinyeventTurn(resource: unknown): boolean {
  return resource instanceof AsyncResource;
}

const hook = createHook({
  after(): void {
    if (!isTinyeventTurn(executionAsyncResource())) wakeAll();
  },
});

function start(): void {
  hook.enable();
  stopTimerListener = onTimersFired(wakeAll);
}

function stop(): void {
  hook.disable();
  stopTimerListener?.();
  stopTimerListener = undefined;
}

/** Blocks the current greenlet until the loop runs a callback of the program (or a tinyevent timer fires). */
export function waitForLoopEvent(label: string): void {
  unwrap(
    block(label, undefined, (wake) => {
      if (waiters.size === 0) start();
      waiters.add(wake);
      return () => {
        waiters.delete(wake);
        if (waiters.size === 0 && stopTimerListener !== undefined) stop();
      };
    }) as Msg,
  );
}
