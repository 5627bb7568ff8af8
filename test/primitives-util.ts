// Helpers shared by the primitives tests.
import { pendingTimers } from '../src/core/timers';

export { collectFailures as quietly } from './core-util';

/**
 * How many timers tinyevent holds now: its timeouts and sleeps run on the Hub's
 * own timer heap. (Node's timer count would include the test runner's, which
 * come and go.)
 */
export function activeTimers(): number {
  return pendingTimers();
}

/** Runs `fn` and returns what it threw (fails if it returned). */
export function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

/** A small seeded PRNG (mulberry32), so a failing stress run can be replayed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
