// Greenlet: construction, subclassing, join, get, kill, state, links, promise.
import { describe, expect, it } from 'vitest';

import { Event, getcurrent, Greenlet, GreenletExit, joinall, RootGreenlet, setErrorHandler, sleep, spawn, Timeout } from '../src/index';
import { collectFailures } from './core-util';

class Adder extends Greenlet<number> {
  constructor(
    private readonly a: number,
    private readonly b: number,
  ) {
    super();
  }
  protected override run(): number {
    sleep(1);
    return this.a + this.b;
  }
  override toString(): string {
    return `<Adder ${this.a}+${this.b}>`;
  }
}

/** A greenlet parked in sleep() until killed; records whether its finally ran. */
function sleeper(log: string[] = []): Greenlet<string> {
  return spawn(() => {
    try {
      log.push('start');
      sleep(10_000);
      return 'woke';
    } finally {
      log.push('finally');
    }
  });
}

describe('Greenlet construction', () => {
  it('new Greenlet(fn, ...args) runs only after start()', () => {
    const g = new Greenlet((x: number) => x * 2, 21);
    sleep(5);
    expect(g.started).toBe(false);
    expect(g.dead).toBe(false);
    g.start();
    g.start(); // a second start is ignored
    expect(g.started).toBe(true);
    expect(g.get()).toBe(42);
  });

  it('a subclass overrides run() and toString(); static spawn creates and starts it', () => {
    const g = Adder.spawn(2, 3);
    expect(g).toBeInstanceOf(Adder);
    expect(g.started).toBe(true);
    expect(String(g)).toBe('<Adder 2+3>');
    expect(g.get()).toBe(5);
    const h = new Adder(1, 1);
    h.start();
    expect(h.get()).toBe(2);
  });

  it('a greenlet with neither a function nor a run() override fails with a TypeError', () => {
    const failures = collectFailures(() => {
      const g = new Greenlet();
      g.start();
      g.join();
      expect(g.exception).toBeInstanceOf(TypeError);
    });
    expect(failures).toHaveLength(1);
  });

  it('startLater(ms) starts it after ms', () => {
    const t0 = performance.now();
    const g = new Greenlet(() => performance.now());
    g.startLater(30);
    expect(g.started).toBe(true);
    expect(g.get() - t0).toBeGreaterThanOrEqual(25);
  });

  it('has a unique default name that can be changed, and a default toString()', () => {
    const a = new Greenlet(() => 1);
    const b = new Greenlet(() => 1);
    expect(a.name).toMatch(/^Greenlet-\d+$/);
    expect(a.name).not.toBe(b.name);
    a.name = 'worker';
    expect(String(a)).toBe('<Greenlet "worker">');
  });
});

describe('state', () => {
  it('value, exception, ready, successful, dead, started through the life of a greenlet', () => {
    const go = new Event();
    const g = new Greenlet(() => {
      go.wait();
      return 'done';
    });
    expect([g.started, g.dead, g.ready(), g.successful(), g.value, g.exception]).toEqual([false, false, false, false, undefined, undefined]);
    g.start();
    sleep(0);
    expect([g.started, g.dead, g.ready(), g.successful()]).toEqual([true, false, false, false]);
    go.set();
    g.join();
    expect([g.dead, g.ready(), g.successful(), g.value, g.exception]).toEqual([true, true, true, 'done', undefined]);
  });

  it('a failed greenlet keeps its error in exception and is not successful', () => {
    const error = new Error('broken');
    const failures = collectFailures(() => {
      const g = spawn(() => {
        throw error;
      });
      g.join();
      expect([g.dead, g.ready(), g.successful(), g.value, g.exception]).toEqual([true, true, false, undefined, error]);
    });
    expect(failures).toEqual([error]);
  });
});

describe('join', () => {
  it('waits for the greenlet, from the root and from another greenlet', () => {
    const g = spawn(() => sleep(10));
    g.join();
    expect(g.dead).toBe(true);
    const inner = spawn(() => sleep(10));
    const outer = spawn(() => {
      inner.join();
      return inner.dead;
    });
    expect(outer.get()).toBe(true);
  });

  it('never throws: not for a failed greenlet, not when the timeout passes', () => {
    collectFailures(() => {
      const bad = spawn(() => {
        throw new Error('x');
      });
      expect(() => bad.join()).not.toThrow();
      const slow = sleeper();
      expect(() => slow.join(20)).not.toThrow();
      expect(slow.dead).toBe(false);
      slow.kill();
    });
  });

  it('returns at once for a dead greenlet', () => {
    const g = spawn(() => 1);
    g.join();
    g.join(0);
    expect(g.dead).toBe(true);
  });

  it('a greenlet joining itself gets a RangeError', () => {
    const g: Greenlet<unknown> = spawn(() => {
      try {
        g.join();
      } catch (error) {
        return error;
      }
    });
    expect(g.get()).toBeInstanceOf(RangeError);
  });
});

describe('get', () => {
  it('returns the value, waiting for it', () => {
    expect(spawn(() => (sleep(5), 'v')).get()).toBe('v');
  });

  it('rethrows the error that ended the greenlet, every time', () => {
    const error = new SyntaxError('bad');
    collectFailures(() => {
      const g = spawn(() => {
        throw error;
      });
      expect(() => g.get()).toThrow(error);
      expect(() => g.get()).toThrow(error);
    });
  });

  it('block:false on a running greenlet throws a Timeout at once', () => {
    const g = sleeper();
    expect(() => g.get({ block: false })).toThrow(Timeout);
    g.kill();
    expect(g.get({ block: false })).toBeInstanceOf(GreenletExit);
  });

  it('timeout throws a Timeout when the greenlet has not finished', () => {
    const g = sleeper();
    let caught: unknown;
    try {
      g.get({ timeout: 20 });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(Timeout);
    expect(g.dead).toBe(false);
    g.kill();
  });

  it('a greenlet killed with GreenletExit returns the GreenletExit instance as its value', () => {
    const g = sleeper();
    sleep(0);
    const exit = new GreenletExit('bye');
    g.kill(exit);
    expect(g.get()).toBe(exit);
    expect(g.value).toBe(exit);
    expect(g.successful()).toBe(true);
    expect(g.exception).toBeUndefined();
  });

  it('a greenlet that raises GreenletExit itself also returns it', () => {
    const exit = new GreenletExit();
    const g = spawn(() => {
      throw exit;
    });
    expect(g.get()).toBe(exit);
  });
});

describe('kill', () => {
  it('throws into the target where it is blocked, runs its finally blocks, and waits', () => {
    const log: string[] = [];
    let seen: unknown;
    const g = spawn(() => {
      try {
        sleep(10_000);
      } catch (error) {
        seen = error;
        throw error;
      } finally {
        log.push('finally');
      }
    });
    sleep(0);
    g.kill();
    expect(g.dead).toBe(true); // kill waited
    expect(log).toEqual(['finally']);
    expect(seen).toBeInstanceOf(GreenletExit);
    expect(g.value).toBe(seen);
  });

  it('interrupts any blocking call: join, get, a nested sleep', () => {
    const forever = sleeper();
    const joiner = spawn(() => forever.join());
    const getter = spawn(() => forever.get());
    sleep(0);
    joiner.kill();
    getter.kill();
    expect(joiner.dead && getter.dead).toBe(true);
    expect(forever.dead).toBe(false);
    forever.kill();
  });

  it('block:false returns before the target dies', () => {
    const log: string[] = [];
    const g = sleeper(log);
    sleep(0);
    g.kill(undefined, { block: false });
    expect(g.dead).toBe(false);
    g.join();
    expect(g.dead).toBe(true);
    expect(log).toEqual(['start', 'finally']);
  });

  it('with a custom error fails the greenlet with it', () => {
    const error = new RangeError('custom');
    const failures = collectFailures(() => {
      const g = sleeper();
      sleep(0);
      g.kill(error);
      expect(g.exception).toBe(error);
      expect(g.successful()).toBe(false);
      expect(() => g.get()).toThrow(error);
    });
    expect(failures).toEqual([error]);
  });

  it('a greenlet killed before it started never runs, and its links fire', () => {
    let ran = false;
    const linked: unknown[] = [];
    const g = spawn(() => (ran = true));
    g.link((x) => linked.push(x));
    g.kill();
    expect(g.dead).toBe(true);
    expect(g.value).toBeInstanceOf(GreenletExit);
    sleep(10);
    expect(ran).toBe(false);
    expect(linked).toEqual([g]);
    // Same for one that was never started, and one waiting in startLater.
    const never = new Greenlet(() => (ran = true));
    never.kill();
    const later = new Greenlet(() => (ran = true));
    later.startLater(5);
    later.kill();
    sleep(20);
    expect(ran).toBe(false);
    expect(never.dead && later.dead).toBe(true);
  });

  it('a greenlet that catches the kill and keeps running outlives kill({timeout})', () => {
    const g = spawn(() => {
      try {
        sleep(10_000);
      } catch {
        sleep(60);
        return 'survived';
      }
    });
    sleep(0);
    g.kill(undefined, { timeout: 10 });
    expect(g.dead).toBe(false);
    expect(g.get()).toBe('survived');
  });

  it('killing a dead greenlet does nothing', () => {
    const g = spawn(() => 5);
    g.join();
    g.kill();
    expect(g.value).toBe(5);
  });

  it('a greenlet killing itself throws the error at the call', () => {
    const g: Greenlet<unknown> = spawn(() => {
      g.kill();
      return 'not reached';
    });
    expect(g.get()).toBeInstanceOf(GreenletExit);
  });

  it('kill from inside another greenlet', () => {
    const log: string[] = [];
    const target = sleeper(log);
    const killer = spawn(() => {
      target.kill();
      return target.dead;
    });
    expect(killer.get()).toBe(true);
    expect(log).toEqual(['start', 'finally']);
  });
});

describe('errors crossing switches', () => {
  it('an error thrown in a greenlet surfaces via get() with its stack', () => {
    function deepInsideTheGreenlet(): never {
      sleep(1);
      throw new Error('from the greenlet');
    }
    collectFailures(() => {
      const g = spawn(function greenletBody() {
        deepInsideTheGreenlet();
      });
      let caught: Error | undefined;
      try {
        g.get();
      } catch (error) {
        caught = error as Error;
      }
      expect(caught?.message).toBe('from the greenlet');
      expect(caught?.stack).toMatch(/deepInsideTheGreenlet/);
      expect(caught?.stack).toMatch(/greenletBody/);
    });
  });

  it('non-Error values thrown in a greenlet come back unchanged', () => {
    collectFailures(() => {
      const thrown = { code: 42 };
      const g = spawn(() => {
        throw thrown;
      });
      expect(() => g.get()).toThrow();
      expect(g.exception).toBe(thrown);
    });
  });

  it('the error thrown in by kill is the very instance given', () => {
    const error = new Error('injected');
    let seen: unknown;
    collectFailures(() => {
      const g = spawn(() => {
        try {
          sleep(10_000);
        } catch (e) {
          seen = e;
          throw e;
        }
      });
      sleep(0);
      g.kill(error);
    });
    expect(seen).toBe(error);
  });
});

describe('links', () => {
  it('link fires on the Hub (in the root) after death, with the greenlet', () => {
    const calls: [unknown, unknown][] = [];
    const g = spawn(() => 1);
    g.link((x) => calls.push([x, getcurrent()]));
    g.join();
    sleep(0);
    expect(calls).toHaveLength(1);
    expect(calls[0][0]).toBe(g);
    expect(calls[0][1]).toBeInstanceOf(RootGreenlet);
  });

  it('linkValue fires only on success, linkException only on failure', () => {
    const log: string[] = [];
    collectFailures(() => {
      const good = spawn(() => 1);
      const bad = spawn(() => {
        throw new Error('bad');
      });
      for (const [name, g] of [['good', good], ['bad', bad]] as const) {
        g.linkValue(() => log.push(`${name}:value`));
        g.linkException(() => log.push(`${name}:exception`));
      }
      joinall([good, bad]);
      sleep(0);
    });
    expect(log.sort()).toEqual(['bad:exception', 'good:value']);
  });

  it('a link added after death still fires (asynchronously)', () => {
    const g = spawn(() => 1);
    g.join();
    let fired = false;
    g.link(() => (fired = true));
    expect(fired).toBe(false);
    sleep(0);
    expect(fired).toBe(true);
  });

  it('unlink removes a callback; links fire in order', () => {
    const log: number[] = [];
    const g = spawn(() => sleep(5));
    const one = (): number => log.push(1);
    const two = (): number => log.push(2);
    const three = (): number => log.push(3);
    g.link(one);
    g.link(two);
    g.link(three);
    g.unlink(two);
    g.join();
    sleep(0);
    expect(log).toEqual([1, 3]);
  });

  it('link rejects a non-function with a TypeError', () => {
    const g = spawn(() => 1);
    expect(() => g.link(5 as never)).toThrow(TypeError);
    expect(() => g.linkValue(null as never)).toThrow(TypeError);
    expect(() => g.linkException('x' as never)).toThrow(TypeError);
    g.join();
  });

  it('a link callback that blocks gets BlockingSwitchOutError, a TypeError', () => {
    let caught: unknown;
    const g = spawn(() => 1);
    g.link(() => {
      try {
        sleep(1);
      } catch (error) {
        caught = error;
      }
    });
    g.join();
    sleep(5);
    expect(caught).toBeInstanceOf(TypeError);
    expect((caught as Error).name).toBe('BlockingSwitchOutError');
    expect(String(caught)).toMatch(/Hub callback/);
  });
});

describe('promise', () => {
  it('resolves with the value', async () => {
    const g = spawn(() => {
      sleep(5);
      return 'ok';
    });
    await expect(g.promise).resolves.toBe('ok');
    expect(g.promise).toBe(g.promise);
  });

  it('rejects with the error', async () => {
    const error = new Error('rejected');
    const collected: unknown[] = [];
    setErrorHandler((e) => void collected.push(e));
    try {
      const g = spawn(() => {
        sleep(1);
        throw error;
      });
      await expect(g.promise).rejects.toBe(error);
    } finally {
      setErrorHandler(null);
    }
    expect(collected).toEqual([error]);
  });

  it('resolves for a greenlet that already died, and with the GreenletExit of a kill', async () => {
    const g = spawn(() => 3);
    g.join();
    await expect(g.promise).resolves.toBe(3);
    const k = sleeper();
    sleep(0);
    k.kill();
    await expect(k.promise).resolves.toBeInstanceOf(GreenletExit);
  });
});
