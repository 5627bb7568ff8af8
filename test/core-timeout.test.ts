// Timeout and withTimeout, in greenlets and in the root; no timer left behind.
import { describe, expect, it } from 'vitest';

import { pendingTimers } from '../src/core/timers';
import { Greenlet, iwait, joinall, sleep, spawn, Timeout, waitFor, withTimeout } from '../src/index';
import { onLoop } from './core-util';
import { runScript, spinFor } from './observe-util';

/**
 * How many Node timers are alive now. The vitest worker has timers of its own
 * that come and go, so in-process checks assert "no more than before"; the
 * exact count is checked in a child process (core-process.test.ts).
 */
/** Timers tinyevent holds (the Hub's heap: Node's count includes the test runner's). */
function activeTimers(): number {
  return pendingTimers();
}

function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('Timeout object', () => {
  it('start, pending, cancel', () => {
    const t = new Timeout(1000);
    expect(t).toBeInstanceOf(Error);
    expect(t.name).toBe('Timeout');
    expect(t.ms).toBe(1000);
    expect(t.pending).toBe(false);
    expect(t.start()).toBe(t);
    expect(t.pending).toBe(true);
    expect(() => t.start()).toThrow(/already pending/);
    t.cancel();
    expect(t.pending).toBe(false);
    t.cancel(); // harmless twice
    t.start(); // and startable again
    expect(t.pending).toBe(true);
    t.cancel();
  });

  it('startNew returns a pending Timeout', () => {
    const t = Timeout.startNew(1000);
    expect(t.pending).toBe(true);
    t.cancel();
  });

  it('with no duration never fires and is never pending', () => {
    for (const ms of [undefined, null]) {
      const t = Timeout.startNew(ms);
      expect(t.pending).toBe(false);
      expect(t.ms).toBeUndefined();
      sleep(5);
    }
  });

  it('throws itself into the greenlet that started it, where it blocks', () => {
    const g = spawn(() => {
      const t = Timeout.startNew(10);
      try {
        sleep(10_000);
      } catch (error) {
        return [error === t, t.pending];
      }
      return 'not interrupted';
    });
    expect(g.get()).toEqual([true, false]);
  });

  it('works in the root greenlet', () => {
    const t = Timeout.startNew(10);
    expect(thrownBy(() => sleep(10_000))).toBe(t);
    const forever = spawn(() => sleep(10_000));
    const t2 = Timeout.startNew(10);
    expect(thrownBy(() => forever.join())).toBe(t2);
    forever.kill();
  });

  it('a cancelled Timeout does not fire', () => {
    const g = spawn(() => {
      const t = Timeout.startNew(10);
      t.cancel();
      sleep(30);
      return 'slept';
    });
    expect(g.get()).toBe('slept');
  });

  it('the outer of two nested timeouts fires first when it is shorter', () => {
    const g = spawn(() => {
      const outer = Timeout.startNew(10);
      try {
        const inner = Timeout.startNew(5000);
        try {
          sleep(10_000);
        } catch (error) {
          if (error === inner) return 'inner';
          throw error;
        } finally {
          inner.cancel();
        }
      } catch (error) {
        return error === outer ? 'outer' : error;
      }
    });
    expect(g.get()).toBe('outer');
  });

  it('is usable with `using` (Symbol.dispose cancels it)', () => {
    const t = Timeout.startNew(1000);
    t[Symbol.dispose]();
    expect(t.pending).toBe(false);
    let escaped: Timeout | undefined;
    {
      using scoped = Timeout.startNew(1000);
      escaped = scoped;
      expect(scoped.pending).toBe(true);
    }
    expect(escaped.pending).toBe(false);
  });
});

describe('Timeout.run', () => {
  it('returns what fn returns, and leaves no timer', () => {
    const before = activeTimers();
    expect(Timeout.run(1000, () => 'fast')).toBe('fast');
    expect(activeTimers()).toBeLessThanOrEqual(before);
  });

  it('throws the Timeout itself when no exception is given', () => {
    const error = thrownBy(() => Timeout.run(10, () => sleep(10_000)));
    expect(error).toBeInstanceOf(Timeout);
    expect((error as Timeout).ms).toBe(10);
    expect((error as Error).message).toBe('Timeout after 10 ms');
  });

  it('throws a given Error instance', () => {
    const custom = new Error('too slow');
    expect(thrownBy(() => Timeout.run(10, () => sleep(10_000), custom))).toBe(custom);
  });

  it('constructs a given Error class', () => {
    class TooSlow extends Error {}
    const error = thrownBy(() => Timeout.run(10, () => sleep(10_000), TooSlow));
    expect(error).toBeInstanceOf(TooSlow);
    expect((error as Error).message).toBe('Timeout after 10 ms');
  });

  it('throws a Timeout with a given message string', () => {
    const error = thrownBy(() => Timeout.run(10, () => sleep(10_000), 'no answer'));
    expect(error).toBeInstanceOf(Timeout);
    expect((error as Error).message).toBe('no answer');
  });

  it('runs fn in the current greenlet', () => {
    const g: Greenlet<boolean> = spawn(() => Timeout.run(1000, () => spawn.length >= 0 && g !== undefined));
    expect(g.get()).toBe(true);
  });

  it('lets an error of fn through and cancels its timer', () => {
    const before = activeTimers();
    const error = new Error('inner');
    expect(
      thrownBy(() =>
        Timeout.run(1000, () => {
          throw error;
        }),
      ),
    ).toBe(error);
    expect(activeTimers()).toBeLessThanOrEqual(before);
  });
});

describe('withTimeout', () => {
  it('returns fn() when it finishes in time', () => {
    expect(withTimeout(1000, () => (sleep(1), 7))).toBe(7);
  });

  it('throws a Timeout without timeoutValue', () => {
    expect(thrownBy(() => withTimeout(10, () => sleep(10_000)))).toBeInstanceOf(Timeout);
  });

  it('returns timeoutValue (even undefined) when given', () => {
    expect(withTimeout(10, () => (sleep(10_000), 'late'), { timeoutValue: 'default' })).toBe('default');
    expect(withTimeout(10, () => (sleep(10_000), 'late'), { timeoutValue: undefined })).toBeUndefined();
  });

  it('does not swallow an unrelated Timeout', () => {
    const other = new Timeout(5);
    expect(
      thrownBy(() =>
        withTimeout(
          1000,
          () => {
            throw other;
          },
          { timeoutValue: 'x' },
        ),
      ),
    ).toBe(other);
  });

  it('works inside a greenlet', () => {
    const g = spawn(() => withTimeout(10, () => (sleep(10_000), 'late'), { timeoutValue: 'timed out' }));
    expect(g.get()).toBe('timed out');
  });
});

describe('when a Timeout fires', () => {
  it('fires in the root, and in a greenlet, that only yield with sleep(0)', async () => {
    // In a child process: before, the root's spin never ended.
    const outcome = await runScript('timeout-spin.js', [], { timeoutMs: 10_000 });
    expect(outcome.stderr).toBe('');
    const fired = JSON.parse(outcome.stdout) as { root: number; greenlet: number };
    expect(fired.root).toBeGreaterThanOrEqual(10);
    expect(fired.greenlet).toBeGreaterThanOrEqual(10);
  }, 15_000);

  it('two Timeouts due in the same turn both reach the root, one wait each, in order (as gevent)', () => {
    const a = new Timeout(5).start();
    const b = new Timeout(5).start();
    const start = performance.now();
    expect(thrownBy(() => sleep(200))).toBe(a);
    expect(thrownBy(() => sleep(200))).toBe(b);
    expect(performance.now() - start).toBeLessThan(150);
  });

  it('a root woken by the Hub resumes before timers that came due meanwhile (as gevent)', () => {
    const outer = new Timeout(5).start();
    try {
      // Both come due while the root computes; its sleep(0)s resume first.
      const steps: string[] = [];
      Timeout.run(5, () => {
        spinFor(8);
        sleep(0);
        steps.push('first');
        sleep(0);
        steps.push('second');
      });
      expect(steps).toEqual(['first', 'second']);
      expect(thrownBy(() => sleep(1000))).toBe(outer);
    } finally {
      outer.cancel();
    }
  });

  it('never before its time, even armed after a long stretch of JavaScript', () => {
    sleep(1);
    spinFor(20); // the loop's clock stands still meanwhile
    for (const ms of [1, 2, 5]) {
      const start = performance.now();
      sleep(ms);
      expect(performance.now() - start).toBeGreaterThanOrEqual(ms);
      const g = spawn(() => {
        spinFor(20);
        const at = performance.now();
        sleep(ms);
        return performance.now() - at;
      });
      expect(g.get()).toBeGreaterThanOrEqual(ms);
    }
  });
});

describe('no timer leaks', () => {
  it('blocking calls with a timeout leave no timer behind, however they end', async () => {
    const [before, after] = await onLoop(() => {
      const baseline = activeTimers();
      // Ended by the event, well before the timeout.
      spawn(() => sleep(1)).join(10_000);
      spawn(() => 1).get({ timeout: 10_000 });
      joinall([spawn(() => sleep(1))], { timeout: 10_000 });
      Array.from(iwait([spawn(() => sleep(1))], { timeout: 10_000 }));
      waitFor(Promise.resolve(1), { timeout: 10_000 });
      // Ended by the timeout.
      const forever = spawn(() => sleep(100_000));
      forever.join(5);
      expect(() => forever.get({ timeout: 5 })).toThrow(Timeout);
      joinall([forever], { timeout: 5 });
      expect(() => waitFor(new Promise(() => undefined), { timeout: 5 })).toThrow(Timeout);
      withTimeout(5, () => sleep(100_000), { timeoutValue: 0 });
      // Ended by a kill (the kill also ends the sleep's own timer).
      forever.kill();
      const joiner = spawn(() => forever.join(100_000));
      joiner.kill();
      return [baseline, activeTimers()];
    });
    expect(after).toBeLessThanOrEqual(before);
  });

  it('a Timeout that fired or was cancelled holds no timer', () => {
    const before = activeTimers();
    const hubBefore = pendingTimers();
    const fired = spawn(() => withTimeout(5, () => sleep(100_000), { timeoutValue: 'x' }));
    expect(fired.get()).toBe('x');
    expect(pendingTimers()).toBe(hubBefore);
    const t = Timeout.startNew(100_000);
    expect(pendingTimers()).toBe(hubBefore + 1);
    t.cancel();
    expect(pendingTimers()).toBe(hubBefore);
    expect(activeTimers()).toBeLessThanOrEqual(before);
  });
});

describe('bad arguments', () => {
  it('negative or NaN durations are RangeErrors, non-numbers TypeErrors', () => {
    expect(() => new Timeout(-1)).toThrow(RangeError);
    expect(() => new Timeout(NaN)).toThrow(RangeError);
    expect(() => new Timeout('10' as never)).toThrow(TypeError);
    expect(() => Timeout.startNew(-5)).toThrow(RangeError);
    expect(() => Timeout.run(-1, () => 1)).toThrow(RangeError);
    expect(() => withTimeout(NaN, () => 1)).toThrow(RangeError);
    expect(() => withTimeout('1' as never, () => 1)).toThrow(TypeError);
  });

  it('a bad exception or fn is a TypeError', () => {
    expect(() => new Timeout(10, 42 as never)).toThrow(TypeError);
    expect(() => Timeout.run(10, 'not a function' as never)).toThrow(TypeError);
    expect(() => withTimeout(10, null as never)).toThrow(TypeError);
    expect(() => withTimeout(10, () => 1, 5 as never)).toThrow(TypeError);
  });

  it('a failed check leaves no timer behind', () => {
    const before = activeTimers();
    expect(() => Timeout.run(10, 'x' as never)).toThrow(TypeError);
    expect(() => withTimeout(10, () => 1, 5 as never)).toThrow(TypeError);
    expect(activeTimers()).toBeLessThanOrEqual(before);
  });
});
