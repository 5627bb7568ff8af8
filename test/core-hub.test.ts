// The top-level API: spawn order, sleep, getcurrent, joinall, wait/iwait, waitFor, killall.
import { describe, expect, it } from 'vitest';

import {
  getcurrent,
  Greenlet,
  GreenletExit,
  iwait,
  joinall,
  killall,
  RootGreenlet,
  sleep,
  spawn,
  spawnLater,
  Timeout,
  wait,
  waitFor,
} from '../src/index';
import { collectFailures, onLoop } from './core-util';

describe('spawn', () => {
  it('never runs the greenlet inside spawn, and starts greenlets in spawn order', () => {
    const log: string[] = [];
    const greenlets = ['a', 'b', 'c', 'd'].map((name) => spawn(() => log.push(name)));
    log.push('spawned');
    expect(greenlets.every((g) => g.started && !g.dead)).toBe(true);
    joinall(greenlets);
    expect(log).toEqual(['spawned', 'a', 'b', 'c', 'd']);
  });

  it('passes its arguments to the function and keeps its return value', () => {
    const g = spawn((a: number, b: string) => `${b}${a}`, 7, 'x');
    expect(g.get()).toBe('x7');
  });

  it('keeps FIFO order for greenlets spawned from inside greenlets', () => {
    const log: string[] = [];
    const outer = spawn(() => {
      const inner = [1, 2, 3].map((n) => spawn(() => log.push(`inner${n}`)));
      log.push('outer');
      joinall(inner);
      log.push('joined');
    });
    outer.join();
    expect(log).toEqual(['outer', 'inner1', 'inner2', 'inner3', 'joined']);
  });

  it('spawnLater starts after the delay, ordered by delay', () => {
    const log: string[] = [];
    const late = spawnLater(60, () => log.push('late'));
    const early = spawnLater(20, () => log.push('early'));
    const now = spawn(() => log.push('now'));
    expect(late.started).toBe(true);
    joinall([late, early, now]);
    expect(log).toEqual(['now', 'early', 'late']);
  });

  it('spawnLater waits at least the delay', () => {
    const t0 = performance.now();
    const g = spawnLater(40, () => performance.now());
    expect(g.get() - t0).toBeGreaterThanOrEqual(35);
  });
});

// Ordering tests leave 60 ms or more between deadlines: on a loaded 2-core box
// starting each greenlet (a thread hand-off) can take tens of milliseconds.
describe('sleep', () => {
  it('sleep(0) alternates between greenlets: a0 b0 a1 b1 ...', () => {
    const log: string[] = [];
    const loop = (name: string) => () => {
      for (let i = 0; i < 4; i++) {
        log.push(`${name}${i}`);
        sleep(0);
      }
    };
    joinall([spawn(loop('a')), spawn(loop('b')), spawn(loop('c'))]);
    expect(log).toEqual(['a0', 'b0', 'c0', 'a1', 'b1', 'c1', 'a2', 'b2', 'c2', 'a3', 'b3', 'c3']);
  });

  it('sleep() defaults to sleep(0)', () => {
    const log: string[] = [];
    const a = spawn(() => {
      log.push('a0');
      sleep();
      log.push('a1');
    });
    const b = spawn(() => log.push('b0'));
    joinall([a, b]);
    expect(log).toEqual(['a0', 'b0', 'a1']);
  });

  it('sleep(ms) wakes greenlets in order of their deadlines', () => {
    const log: number[] = [];
    const greenlets = [240, 60, 180, 0, 120].map((ms) =>
      spawn(() => {
        sleep(ms);
        log.push(ms);
      }),
    );
    joinall(greenlets);
    expect(log).toEqual([0, 60, 120, 180, 240]);
  });

  it('sleep(ms) blocks for at least ms, in a greenlet and in the root', () => {
    let t0 = performance.now();
    spawn(() => sleep(30)).join();
    expect(performance.now() - t0).toBeGreaterThanOrEqual(25);
    t0 = performance.now();
    sleep(30);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(25);
  });

  it('a sleeping root lets greenlets, timers and promises progress', async () => {
    const log: string[] = [];
    await onLoop(() => {
      spawn(() => log.push('greenlet'));
      setTimeout(() => log.push('timer'), 5);
      void Promise.resolve().then(() => log.push('microtask'));
      process.nextTick(() => log.push('tick'));
      sleep(40);
    });
    expect(log).toContain('tick');
    expect(log).toContain('greenlet');
    expect(log).toContain('timer');
    expect(log).toContain('microtask');
  });
});

describe('getcurrent', () => {
  it('is the Greenlet inside a greenlet', () => {
    let seen: unknown;
    const g = spawn(() => {
      seen = getcurrent();
      sleep(1);
      return getcurrent();
    });
    expect(g.get()).toBe(g);
    expect(seen).toBe(g);
    expect(g).toBeInstanceOf(Greenlet);
  });

  it('is the RootGreenlet at top level and in plain callbacks', async () => {
    const top = getcurrent();
    expect(top).toBeInstanceOf(RootGreenlet);
    expect(String(top)).toBe('<RootGreenlet>');
    // A timer firing while the root idles, and one firing while the root blocks.
    const idle = await new Promise((resolve) => setTimeout(() => resolve(getcurrent()), 1));
    expect(idle).toBe(top);
    let blocked: unknown;
    setTimeout(() => (blocked = getcurrent()), 1);
    sleep(20);
    expect(blocked).toBe(top);
    // A callback scheduled by a greenlet still runs in the root.
    let fromGreenlet: unknown;
    spawn(() => setTimeout(() => (fromGreenlet = getcurrent()), 1)).join();
    sleep(20);
    expect(fromGreenlet).toBe(top);
  });
});

describe('joinall', () => {
  it('returns every greenlet once all finished', () => {
    const gs = [150, 30, 90].map((ms) => spawn(() => sleep(ms)));
    const done = joinall(gs);
    expect(new Set(done)).toEqual(new Set(gs));
    expect(done).toEqual([gs[1], gs[2], gs[0]]); // completion order
    expect(gs.every((g) => g.dead)).toBe(true);
  });

  it('with timeout returns only those that finished', () => {
    const fast = spawn(() => sleep(1));
    const slow = spawn(() => sleep(10_000));
    const done = joinall([fast, slow], { timeout: 50 });
    expect(done).toEqual([fast]);
    expect(slow.dead).toBe(false);
    slow.kill();
  });

  it('with count stops after that many', () => {
    const gs = [1, 80, 10_000, 10_000].map((ms) => spawn(() => sleep(ms)));
    const done = joinall(gs, { count: 2 });
    expect(done).toEqual([gs[0], gs[1]]);
    killall(gs);
  });

  it('raiseError rethrows the first failure; without it, failures are returned', () => {
    const boom = new Error('boom');
    const failures = collectFailures(() => {
      const ok = spawn(() => sleep(20));
      const bad = spawn(() => {
        sleep(1);
        throw boom;
      });
      expect(() => joinall([ok, bad], { raiseError: true })).toThrow(boom);
      expect(ok.dead).toBe(false);
      ok.join();
      const ok2 = spawn(() => 1);
      const bad2 = spawn(() => {
        throw new Error('quiet');
      });
      const done = joinall([ok2, bad2]);
      expect(done).toEqual([ok2, bad2]);
      expect(bad2.successful()).toBe(false);
    });
    expect(failures).toHaveLength(2);
  });

  it('on an empty list returns at once', () => {
    expect(joinall([])).toEqual([]);
  });

  it('works from inside a greenlet', () => {
    const g = spawn(() => joinall([spawn(() => sleep(5)), spawn(() => 2)]).length);
    expect(g.get()).toBe(2);
  });
});

describe('wait and iwait', () => {
  it('iwait yields greenlets as they finish', () => {
    const gs = [160, 0, 80].map((ms) => spawn(() => sleep(ms)));
    const order: Greenlet<void>[] = [];
    for (const g of iwait(gs)) order.push(g);
    expect(order).toEqual([gs[1], gs[2], gs[0]]);
  });

  it('iwait stops at the timeout and at count', () => {
    const gs = [1, 10_000].map((ms) => spawn(() => sleep(ms)));
    expect(Array.from(iwait(gs, { timeout: 50 }))).toEqual([gs[0]]);
    const more = [1, 80, 160].map((ms) => spawn(() => sleep(ms)));
    expect(Array.from(iwait(more, { count: 1 }))).toEqual([more[0]]);
    killall([...gs, ...more]);
  });

  it('iwait yields already-dead greenlets', () => {
    const g = spawn(() => 1);
    g.join();
    expect(Array.from(iwait([g]))).toEqual([g]);
  });

  it('breaking out of iwait unlinks it from the greenlets', () => {
    const gs = [1, 10_000].map((ms) => spawn(() => sleep(ms)));
    for (const g of iwait(gs)) {
      expect(g).toBe(gs[0]);
      break;
    }
    gs[1].kill(); // no stale iwait link may fire (it would throw: nothing waits)
    expect(gs[1].dead).toBe(true);
  });

  it('wait returns the ready objects, respecting timeout and count', () => {
    const gs = [80, 1, 10_000].map((ms) => spawn(() => sleep(ms)));
    expect(wait(gs, { count: 2 })).toEqual([gs[1], gs[0]]);
    expect(wait([gs[2]], { timeout: 20 })).toEqual([]);
    gs[2].kill();
  });

  it('wait from inside a greenlet', () => {
    const g = spawn(() => {
      const inner = [spawn(() => sleep(5)), spawn(() => 0)];
      return (wait(inner) as Greenlet[]).length;
    });
    expect(g.get()).toBe(2);
  });

  it('wait() with no objects runs the loop until nothing is left', () => {
    const log: string[] = [];
    spawn(() => {
      sleep(10);
      log.push('g');
    });
    setTimeout(() => log.push('t'), 20);
    // The vitest worker keeps its own handles alive, so bound it with a timeout.
    wait(null, { timeout: 100 });
    expect(log).toEqual(['g', 't']);
  });
});

describe('waitFor', () => {
  const later = <T>(ms: number, value: T): Promise<T> => new Promise((resolve) => setTimeout(() => resolve(value), ms));

  // Root waits run from a loop callback (see onLoop); greenlet waits are
  // awaited through `promise` so the root stays free.
  it('returns the value, from the root and from a greenlet', async () => {
    expect(await onLoop(() => waitFor(later(5, 'root')))).toBe('root');
    expect(await onLoop(() => waitFor(Promise.resolve(3)))).toBe(3);
    expect(await spawn(() => waitFor(later(5, 'green'))).promise).toBe('green');
  });

  it('throws the rejection reason, from the root and from a greenlet', async () => {
    const reason = new Error('nope');
    await expect(onLoop(() => waitFor(Promise.reject(reason)))).rejects.toBe(reason);
    const g = spawn(() => {
      try {
        waitFor(new Promise((_, reject) => setTimeout(() => reject(reason), 5)));
      } catch (error) {
        return error;
      }
      return 'not thrown';
    });
    expect(await g.promise).toBe(reason);
  });

  it('throws a Timeout when the timeout passes first, from the root and from a greenlet', async () => {
    const never = new Promise(() => undefined);
    const caught = await onLoop(() => waitFor(never, { timeout: 20 })).catch((error: unknown) => error);
    expect(caught).toBeInstanceOf(Timeout);
    expect((caught as Timeout).ms).toBe(20);
    const g = spawn(() => {
      try {
        waitFor(never, { timeout: 20 });
      } catch (error) {
        return error;
      }
    });
    expect(await g.promise).toBeInstanceOf(Timeout);
  });

  it('lets other greenlets run while it waits', async () => {
    const log: string[] = [];
    const a = spawn(() => {
      log.push(`a:${waitFor(later(200, 'x'))}`);
    });
    const b = spawn(() => {
      for (let i = 0; i < 3; i++) {
        log.push(`b${i}`);
        sleep(1);
      }
    });
    await Promise.all([a.promise, b.promise]);
    expect(log).toEqual(['b0', 'b1', 'b2', 'a:x']);
  });

  it('accepts thenables', async () => {
    const thenable = { then: (resolve: (v: number) => void) => setTimeout(() => resolve(9), 1) };
    expect(waitFor(thenable)).toBe(9); // this then() needs no microtask
    expect(await spawn(() => waitFor(thenable)).promise).toBe(9);
  });

  it('rejects a non-thenable with a TypeError', () => {
    expect(() => waitFor(42 as unknown as Promise<number>)).toThrow(TypeError);
    expect(() => waitFor(null as unknown as Promise<number>)).toThrow(/Promise or thenable/);
    expect(() => waitFor({ then: 1 } as unknown as Promise<number>)).toThrow(TypeError);
  });
});

describe('killall', () => {
  it('kills every greenlet and waits for them', () => {
    const cleaned: number[] = [];
    const gs = [0, 1, 2].map((n) =>
      spawn(() => {
        try {
          sleep(10_000);
        } finally {
          cleaned.push(n);
        }
      }),
    );
    sleep(0);
    killall(gs);
    expect(gs.every((g) => g.dead)).toBe(true);
    expect(cleaned.sort()).toEqual([0, 1, 2]);
    expect(gs.every((g) => g.value instanceof GreenletExit)).toBe(true);
    expect(gs.every((g) => g.successful())).toBe(true);
  });

  it('with block:false returns before they die; with a custom error it fails them', () => {
    const gs = [0, 1].map(() => spawn(() => sleep(10_000)));
    sleep(0);
    const custom = new RangeError('go away');
    const failures = collectFailures(() => {
      killall(gs, custom, { block: false });
      expect(gs.some((g) => g.dead)).toBe(false);
      joinall(gs);
    });
    expect(failures).toEqual([custom, custom]);
    expect(gs.every((g) => g.exception === custom)).toBe(true);
  });

  it('kills greenlets that have not started yet (they never run)', () => {
    let ran = false;
    const gs = [spawn(() => (ran = true)), spawn(() => (ran = true))];
    killall(gs);
    sleep(5);
    expect(ran).toBe(false);
    expect(gs.every((g) => g.dead)).toBe(true);
  });

  it('rejects things that are not greenlets', () => {
    expect(() => killall([{} as Greenlet])).toThrow(TypeError);
    expect(() => killall(5 as unknown as Greenlet[])).toThrow(TypeError);
  });
});
