// Bad input: every entry point throws a clear TypeError/RangeError at the call.
import { describe, expect, it } from 'vitest';

import {
  BlockingSwitchOutError,
  Greenlet,
  iwait,
  joinall,
  killall,
  sleep,
  spawn,
  spawnLater,
  wait,
  waitFor,
} from '../src/index';

const noop = (): void => undefined;

describe('bad arguments', () => {
  it('spawn and spawnLater need a function', () => {
    for (const bad of [undefined, null, 5, 'fn', {}]) {
      expect(() => spawn(bad as never)).toThrow(TypeError);
      expect(() => spawnLater(1, bad as never)).toThrow(TypeError);
      expect(() => new Greenlet(bad === undefined ? 5 : (bad as never))).toThrow(TypeError);
    }
    expect(() => spawn('x' as never)).toThrow('fn must be a function, got "x"');
  });

  it('durations: negative or NaN is a RangeError, a non-number a TypeError, echoing the value', () => {
    expect(() => sleep(-1)).toThrow(RangeError);
    expect(() => sleep(-1)).toThrow(/got -1/);
    expect(() => sleep(NaN)).toThrow(RangeError);
    expect(() => sleep('10' as never)).toThrow(TypeError);
    expect(() => sleep('10' as never)).toThrow(/got "10"/);
    expect(() => sleep(null as never)).toThrow(TypeError);
    expect(() => spawnLater(-5, noop)).toThrow(RangeError);
    expect(() => spawnLater(NaN, noop)).toThrow(RangeError);
    expect(() => spawnLater('5' as never, noop)).toThrow(TypeError);
    expect(() => new Greenlet(noop).startLater(-1)).toThrow(RangeError);
  });

  it('a bad duration schedules nothing', () => {
    let ran = false;
    expect(() => spawnLater(-1, () => (ran = true))).toThrow(RangeError);
    sleep(5);
    expect(ran).toBe(false);
  });

  it('Greenlet methods check timeouts and options', () => {
    const g = spawn(() => sleep(10_000));
    expect(() => g.join(-1)).toThrow(RangeError);
    expect(() => g.join('1' as never)).toThrow(TypeError);
    expect(() => g.get({ timeout: NaN })).toThrow(RangeError);
    expect(() => g.get(5 as never)).toThrow(TypeError);
    expect(() => g.kill(undefined, 'now' as never)).toThrow(TypeError);
    expect(() => g.kill(undefined, { timeout: -3 })).toThrow(RangeError);
    expect(g.dead).toBe(false); // the failed kills did nothing
    g.kill();
  });

  it('joinall, wait, iwait and killall check their arguments', () => {
    const g = spawn(() => 1);
    expect(() => joinall(5 as never)).toThrow(TypeError);
    expect(() => joinall([1] as never)).toThrow(TypeError);
    expect(() => joinall([g], { timeout: -1 })).toThrow(RangeError);
    expect(() => joinall([g], { count: -1 })).toThrow(RangeError);
    expect(() => joinall([g], { count: 1.5 })).toThrow(RangeError);
    expect(() => joinall([g], { count: '1' as never })).toThrow(TypeError);
    expect(() => joinall([g], 'x' as never)).toThrow(TypeError);
    expect(() => wait([null] as never)).toThrow(TypeError);
    expect(() => wait(42 as never)).toThrow(TypeError);
    expect(() => iwait([g], { timeout: NaN }).next()).toThrow(RangeError);
    expect(() => killall([g], undefined, { timeout: -1 })).toThrow(RangeError);
    expect(() => killall([g], undefined, 3 as never)).toThrow(TypeError);
    g.join();
  });

  it('wait() with no objects is for the root, outside Hub callbacks', () => {
    const g = spawn(() => {
      try {
        wait();
      } catch (error) {
        return error;
      }
    });
    expect(g.get()).toBeInstanceOf(TypeError);
    let inLink: unknown;
    const h = spawn(() => 1);
    h.link(() => {
      try {
        wait();
      } catch (error) {
        inLink = error;
      }
    });
    h.join();
    sleep(5);
    expect(inLink).toBeInstanceOf(TypeError);
  });

  it('waitFor checks its options', () => {
    const p = Promise.resolve(1);
    expect(() => waitFor(p, { timeout: -1 })).toThrow(RangeError);
    expect(() => waitFor(p, { timeout: '1' as never })).toThrow(TypeError);
    expect(() => waitFor(p, 7 as never)).toThrow(TypeError);
  });
});

describe('blocking where it is impossible', () => {
  it('a link callback that blocks in any way gets BlockingSwitchOutError at the call', () => {
    const errors: unknown[] = [];
    const other = spawn(() => sleep(10_000));
    const g = spawn(() => 1);
    const attempts: (() => unknown)[] = [
      () => sleep(0),
      () => sleep(5),
      () => other.join(),
      () => other.get(),
      () => joinall([other]),
      () => waitFor(new Promise(noop)),
    ];
    for (const attempt of attempts) {
      g.link(() => {
        try {
          attempt();
          errors.push('no error');
        } catch (error) {
          errors.push(error);
        }
      });
    }
    g.join();
    sleep(5);
    expect(errors).toHaveLength(attempts.length);
    for (const error of errors) {
      expect(error).toBeInstanceOf(BlockingSwitchOutError);
      expect(error).toBeInstanceOf(TypeError);
    }
    other.kill();
  });

  it('a blocking link callback does not hurt other greenlets or links', () => {
    const log: string[] = [];
    const original = process.stderr.write;
    process.stderr.write = (() => true) as typeof process.stderr.write;
    try {
      const g = spawn(() => 1);
      g.link(() => sleep(1)); // throws on the Hub; reported, not fatal
      g.link(() => log.push('second link'));
      const h = spawn(() => (sleep(2), log.push('other greenlet')));
      joinall([g, h]);
      sleep(5);
    } finally {
      process.stderr.write = original;
    }
    expect(log.sort()).toEqual(['other greenlet', 'second link']);
  });
});
