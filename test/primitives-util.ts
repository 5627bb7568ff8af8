// Helpers shared by the primitives tests.
import { setErrorHandler } from '../src/index';

/** How many Node timers are alive now. */
export function activeTimers(): number {
  return process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;
}

/** Runs `fn` with greenlet failure reports collected instead of printed; returns them. */
export function quietly(fn: () => void): unknown[] {
  const failures: unknown[] = [];
  setErrorHandler((error) => void failures.push(error));
  try {
    fn();
  } finally {
    setErrorHandler(null);
  }
  return failures;
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
