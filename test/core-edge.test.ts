// Corner cases: nested root waits, failures to get a thread, endless sleeps,
// greenlets made from Hub callbacks, the thread pool.
import { describe, expect, it } from 'vitest';

import { getcurrent, greenlet, RawGreenlet, RootGreenlet } from '../src/greenlet';
import { Event, Greenlet, GreenletExit, joinall, killall, sleep, spawn, stats, Timeout } from '../src/index';
import { engine } from '../src/core/native';
import { collectFailures } from './core-util';

describe('nested root waits (a plain callback blocks while the root is blocked)', () => {
  it('the inner wait finishes first, then the outer one', () => {
    const log: string[] = [];
    setTimeout(() => {
      log.push('callback start');
      sleep(20);
      log.push('callback end');
    }, 1);
    sleep(5);
    log.push('outer woke');
    expect(log).toEqual(['callback start', 'callback end', 'outer woke']);
  });

  it("a root Timeout hits the wait of the code that started it, not a callback's wait", () => {
    const log: string[] = [];
    setTimeout(() => {
      try {
        sleep(40);
        log.push('callback slept');
      } catch (error) {
        log.push(`callback got ${(error as Error).name}`);
      }
    }, 1);
    const t = Timeout.startNew(15);
    try {
      sleep(2000);
      log.push('outer slept');
    } catch (error) {
      log.push(error === t ? 'outer got its Timeout' : `outer got ${String(error)}`);
    }
    expect(log).toEqual(['callback slept', 'outer got its Timeout']);
  });

  it('a Timeout started inside a callback hits that callback', () => {
    let got: unknown;
    setTimeout(() => {
      try {
        Timeout.run(5, () => sleep(10_000));
      } catch (error) {
        got = error;
      }
    }, 1);
    sleep(40);
    expect(got).toBeInstanceOf(Timeout);
  });
});

describe('no thread for a greenlet', () => {
  it('spawn: the greenlet fails with a clear error, the rest go on', () => {
    const failures = collectFailures(() => {
      engine.failNextThreadCreate();
      // A fresh thread is needed only when the pool is empty: hold every idle one.
      const holders = Array.from({ length: stats().idle + 1 }, () => spawn(() => sleep(30)));
      const victim = spawn(() => 'ran');
      const after = spawn(() => 'after');
      joinall([...holders, victim, after]);
      const failed = [...holders, victim].filter((g) => !g.successful());
      expect(failed).toHaveLength(1);
      expect(String(failed[0].exception)).toMatch(/could not create a greenlet thread/);
      expect(after.value).toBe('after');
    });
    expect(failures).toHaveLength(1);
  });

  it('a raw switch that gets no thread throws and leaves the greenlet usable', () => {
    // Armed first: while it is, the pool makes no thread ahead as it runs dry.
    engine.failNextThreadCreate();
    const holders = Array.from({ length: stats().idle }, () => spawn(() => sleep(10_000)));
    sleep(0); // every idle thread is now busy
    expect(stats().idle).toBe(0);
    const g = greenlet((x: number) => x * 2);
    expect(() => g.switch(2)).toThrow(/could not create a greenlet thread/);
    expect(g.dead).toBe(false);
    expect(g.switch(3)).toBe(6);
    killall(holders);
  });
});

describe('raw switches where blocking is impossible', () => {
  it('a switch from a Hub callback throws and leaves the target untouched', () => {
    const target = greenlet((x: number) => `got ${x}`);
    let error: unknown;
    const g = spawn(() => 1);
    g.link(() => {
      try {
        target.switch(1);
      } catch (e) {
        error = e;
      }
    });
    g.join();
    sleep(5);
    expect((error as Error).name).toBe('BlockingSwitchOutError');
    expect(target.dead).toBe(false);
    expect(target.switch(2)).toBe('got 2');
  });
});

describe('endless and huge sleeps', () => {
  it('sleep(Infinity) and sleeps beyond 2^31 ms end only by a kill', () => {
    const gs = [Infinity, 2 ** 32].map((ms) => spawn(() => sleep(ms)));
    sleep(10);
    expect(gs.some((g) => g.dead)).toBe(false);
    for (const g of gs) g.kill();
    expect(gs.every((g) => g.value instanceof GreenletExit)).toBe(true);
  });

  it('a Timeout ends sleep(Infinity) in the root', () => {
    expect(() => Timeout.run(10, () => sleep(Infinity))).toThrow(Timeout);
  });
});

describe('greenlets and Hub callbacks', () => {
  it('a link callback may spawn; the new greenlet runs later, in order', () => {
    const log: string[] = [];
    const spawned: Greenlet<void>[] = [];
    const g = spawn(() => log.push('first'));
    g.link(() => {
      spawned.push(spawn(() => log.push('from link')));
      log.push('link');
    });
    g.join();
    sleep(0);
    joinall(spawned);
    expect(log).toEqual(['first', 'link', 'from link']);
  });

  it('getcurrent() in a link callback is the root', () => {
    let current: unknown;
    const g = spawn(() => 1);
    g.link(() => (current = getcurrent()));
    g.join();
    sleep(0);
    expect(current).toBeInstanceOf(RootGreenlet);
  });
});

describe('many greenlets in a row', () => {
  it('reuse pooled threads', () => {
    const first = joinall(Array.from({ length: 50 }, () => spawn(() => sleep(1))));
    const threads = stats().threads;
    for (let round = 0; round < 5; round++) joinall(Array.from({ length: 50 }, () => spawn(() => sleep(1))));
    expect(first).toHaveLength(50);
    expect(stats().threads).toBe(threads);
  });

  it('a burst that drains the pool leaves one thread made ahead, never more', () => {
    const before = stats();
    const go = new Event();
    const burst = Array.from({ length: before.idle + 20 }, () => spawn(() => go.wait()));
    sleep(0); // every one has started and parked (spawn order)
    // The thread made ahead is made off the baton: it may take a moment.
    for (let i = 0; i < 400 && stats().threads < before.threads + 21; i++) sleep(5);
    expect(stats().idle).toBe(1);
    expect(stats().threads).toBe(before.threads + 21);
    go.set();
    joinall(burst);
    expect(stats().idle).toBe(before.idle + 21);
  });

  it('a kill race: killing greenlets that were just woken', () => {
    for (let round = 0; round < 20; round++) {
      const gs = Array.from({ length: 5 }, () =>
        spawn(() => {
          for (;;) sleep(0);
        }),
      );
      sleep(0);
      sleep(0);
      for (const g of gs) g.kill(undefined, { block: false });
      joinall(gs);
      expect(gs.every((g) => g.value instanceof GreenletExit)).toBe(true);
    }
  });

  it('raw greenlets left suspended do not stop other greenlets', () => {
    const root = getcurrent();
    const parked: RawGreenlet[] = Array.from({ length: 10 }, () => greenlet(() => root.switch()));
    for (const g of parked) g.switch();
    expect(spawn(() => (sleep(1), 'fine')).get()).toBe('fine');
  });
});
