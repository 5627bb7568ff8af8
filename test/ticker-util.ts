// Measures how evenly a ticker greenlet runs while other greenlets work: the
// gaps between its wake-ups show whether the work blocked the Hub.
import { performance } from 'node:perf_hooks';

import { expect } from 'vitest';

import { joinall, sleep, spawn } from '../src/index';

/** Runs `work` while a greenlet sleeps `everyMs` in a loop; returns the gaps between its wake-ups in ms. */
export function tickWhile(work: () => void, everyMs = 5): number[] {
  const gaps: number[] = [];
  let done = false;
  const ticker = spawn(() => {
    let last = performance.now();
    while (!done) {
      sleep(everyMs);
      const t = performance.now();
      gaps.push(t - last);
      last = t;
    }
  });
  try {
    sleep(0); // the ticker is parked in its first sleep before the work starts
    work();
  } finally {
    done = true;
    joinall([ticker]);
  }
  return gaps;
}

/** Runs `fn` in each of `n` greenlets at once and waits for them all (rethrowing the first failure). */
export function inParallel(n: number, fn: (i: number) => void): void {
  const gs = Array.from({ length: n }, (_, i) => spawn(fn, i));
  joinall(gs, { raiseError: true });
}

/** The `q` quantile (0..1) of `values`. */
export function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
}

/** Times one call in ms. */
export function timed(fn: () => void): number {
  const t = performance.now();
  fn();
  return performance.now() - t;
}

/**
 * The ticker (5 ms sleeps) woke within 20 ms, typically, while the work ran.
 * A loaded machine (the whole suite runs in parallel on 2 cores) stretches
 * every gap, the inline call's too, so the slack grows with it: the median gap
 * within max(20 ms, inline / 10), 90% within max(40 ms, inline / 4). Work run
 * inline would stop the ticker for a whole call (`inlineMs`), which no gap may
 * come near: that check holds under any load.
 */
export function expectSteadyTicks(gaps: number[], inlineMs: number): void {
  const shown = `gaps ${gaps.map((g) => g.toFixed(0)).join(' ')}; one inline call took ${inlineMs.toFixed(0)} ms`;
  expect(gaps.length, shown).toBeGreaterThan(10);
  expect(quantile(gaps, 0.5), shown).toBeLessThanOrEqual(Math.max(20, inlineMs / 10));
  expect(quantile(gaps, 0.9), shown).toBeLessThanOrEqual(Math.max(40, inlineMs / 4));
  expect(Math.max(...gaps), shown).toBeLessThan(inlineMs * 0.75);
}
