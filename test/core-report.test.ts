// The failure report printed when an error escapes a greenlet, and setErrorHandler.
import { afterEach, describe, expect, it } from 'vitest';

import { Greenlet, GreenletExit, setErrorHandler, sleep, spawn } from '../src/index';

/** Runs `fn` and returns what it wrote to process.stderr. */
function captureStderr(fn: () => void): string {
  const chunks: string[] = [];
  const original = process.stderr.write;
  process.stderr.write = ((chunk: string | Uint8Array) => {
    chunks.push(String(chunk));
    return true;
  }) as typeof process.stderr.write;
  try {
    fn();
  } finally {
    process.stderr.write = original;
  }
  return chunks.join('');
}

afterEach(() => setErrorHandler(null));

describe('failure report', () => {
  it('prints `<Greenlet "name"> failed with ErrorName` and the stack, exactly once', () => {
    let error: Error | undefined;
    let g: Greenlet<void> | undefined;
    const out = captureStderr(() => {
      g = spawn(() => {
        sleep(1);
        error = new TypeError('wrong type');
        throw error;
      });
      g.name = 'worker';
      g.join();
      sleep(5);
      g.join(); // joining and getting again reports nothing more
      expect(() => g?.get()).toThrow(TypeError);
    });
    expect(out.startsWith('<Greenlet "worker"> failed with TypeError\n')).toBe(true);
    expect(out).toContain(error?.stack);
    expect(out.split('failed with').length - 1).toBe(1);
  });

  it('uses the subclass toString() and reports non-Error values by type', () => {
    class Named extends Greenlet<void> {
      protected override run(): void {
        throw 'a string'; // eslint-disable-line no-throw-literal
      }
      override toString(): string {
        return '<Named>';
      }
    }
    const out = captureStderr(() => Named.spawn().join());
    expect(out).toMatch(/^<Named> failed with string\n/);
    expect(out).toContain('a string');
  });

  it('reports a kill with a custom error, but never a GreenletExit', () => {
    const out = captureStderr(() => {
      const quiet = spawn(() => sleep(10_000));
      const loud = spawn(() => sleep(10_000));
      loud.name = 'loud';
      sleep(0);
      quiet.kill();
      quiet.kill(new GreenletExit('again'));
      loud.kill(new RangeError('stop'));
      const selfExit = spawn(() => {
        throw new GreenletExit();
      });
      selfExit.join();
      // Killed before it started: not a failure, and not run.
      const unstarted = spawn(() => undefined);
      unstarted.kill(new Error('never started'));
    });
    expect(out).toMatch(/^<Greenlet "loud"> failed with RangeError\n/);
    expect(out.split('failed with').length - 1).toBe(1);
    expect(out).not.toContain('GreenletExit');
  });
});

describe('setErrorHandler', () => {
  it('replaces the report, and null restores it', () => {
    const seen: [unknown, unknown][] = [];
    const error = new Error('handled');
    let g: Greenlet<void> | undefined;
    const out = captureStderr(() => {
      setErrorHandler((e, greenlet) => seen.push([e, greenlet]));
      g = spawn(() => {
        throw error;
      });
      g.join();
    });
    expect(out).toBe('');
    expect(seen).toEqual([[error, g]]);
    setErrorHandler(null);
    const restored = captureStderr(() =>
      spawn(() => {
        throw new Error('printed');
      }).join(),
    );
    expect(restored).toMatch(/failed with Error\n/);
    expect(seen).toHaveLength(1);
  });

  it('is not called for GreenletExit', () => {
    const seen: unknown[] = [];
    setErrorHandler((e) => seen.push(e));
    const g = spawn(() => sleep(10_000));
    sleep(0);
    g.kill();
    expect(seen).toEqual([]);
  });

  it('a handler that throws falls back to the default report of its own error', () => {
    const out = captureStderr(() => {
      setErrorHandler(() => {
        throw new EvalError('handler broke');
      });
      spawn(() => {
        throw new Error('original');
      }).join();
    });
    expect(out).toMatch(/failed with EvalError\n/);
  });

  it('rejects a non-function with a TypeError', () => {
    expect(() => setErrorHandler(42 as never)).toThrow(TypeError);
    expect(() => setErrorHandler('x' as never)).toThrow(/handler must be a function/);
  });
});
