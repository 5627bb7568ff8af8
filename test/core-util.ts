// Helpers shared by the core tests.
import { setErrorHandler } from '../src/index';

/** Runs `fn` with greenlet failure reports collected instead of printed; returns them. */
export function collectFailures(fn: () => void): unknown[] {
  const failures: unknown[] = [];
  setErrorHandler((error) => void failures.push(error));
  try {
    fn();
  } finally {
    setErrorHandler(null);
  }
  return failures;
}

/**
 * Runs `fn` in a plain loop callback and settles with its result. Vitest calls
 * test bodies from promise callbacks, where V8 cannot run a nested microtask
 * checkpoint: a root greenlet blocking there would never see a promise settle.
 */
export function onLoop<T>(fn: () => T): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    setImmediate(() => {
      try {
        resolve(fn());
      } catch (error) {
        reject(error);
      }
    });
  });
}
