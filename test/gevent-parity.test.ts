// Behaviours where tinyevent follows gevent 22.10 to the letter (each checked
// against gevent itself; test/gevent/ holds the side-by-side programs).
import { describe, expect, it } from 'vitest';

import { AsyncResult, Channel, Event, getcurrent, Greenlet, GreenletExit, killall, Pool, sleep, spawn, Timeout } from '../src/index';
import { onLoop } from './core-util';
import { spinFor } from './observe-util';
import { activeTimers, quietly, thrown } from './primitives-util';

describe('Greenlet', () => {
  it('started is true from start() until it dies (bool(greenlet))', () => {
    const g = new Greenlet(() => 1);
    expect(g.started).toBe(false);
    g.start();
    expect(g.started).toBe(true);
    g.join();
    expect([g.dead, g.started]).toEqual([true, false]);
    const never = new Greenlet(() => 1);
    never.start();
    never.kill();
    expect([never.dead, never.started]).toEqual([true, false]);
  });

  it('a link callback that unlinks a later one while links are notified stops it', () => {
    const g = spawn(() => 1);
    const log: string[] = [];
    const b = (): void => void log.push('b');
    const c = (): void => void log.push('c');
    g.link(() => {
      log.push('a');
      g.unlink(b);
    });
    g.link(b);
    g.link(c);
    g.join();
    sleep(0);
    expect(log).toEqual(['a', 'c']);
  });

  it('unlink() after death, before the scheduled call, cancels a link added to a dead greenlet', () => {
    const g = spawn(() => 1);
    g.join();
    const log: string[] = [];
    const cb = (): void => void log.push('late');
    g.link(cb);
    g.unlink(cb);
    g.link(() => log.push('kept'));
    sleep(0);
    expect(log).toEqual(['kept']);
  });

  it('link(asyncResult): the AsyncResult receives the value or the error', () => {
    const ok = new AsyncResult<number>();
    const bad = new AsyncResult<number>();
    const boom = new Error('boom');
    quietly(() => {
      spawn(() => 42).link(ok);
      spawn((): number => {
        throw boom;
      }).link(bad);
      expect(ok.get()).toBe(42);
      expect(thrown(() => bad.get())).toBe(boom);
    });
    // linkValue/linkException with an AsyncResult only fire on their outcome; unlink takes it back.
    const onlyValue = new AsyncResult();
    const onlyError = new AsyncResult();
    const removed = new AsyncResult();
    const g = spawn(() => 'v');
    g.linkValue(onlyValue);
    g.linkException(onlyError);
    g.link(removed);
    g.unlink(removed);
    g.join();
    sleep(0);
    expect([onlyValue.ready(), onlyValue.value, onlyError.ready(), removed.ready()]).toEqual([true, 'v', false, false]);
  });

  it('a link that is neither a function nor an AsyncResult is a TypeError', () => {
    expect(() => spawn(() => 1).link({} as never)).toThrow(TypeError);
    expect(() => spawn(() => 1).link(new Event() as never)).toThrow(/callback must be a function/);
  });
});

describe('killall', () => {
  it('throws Timeout when the greenlets are not all dead within the timeout', () => {
    const before = activeTimers();
    const stubborn = spawn(() => {
      try {
        sleep(10_000);
      } catch (error) {
        if (!(error instanceof GreenletExit)) throw error;
        sleep(100);
        return 'ignored the exit';
      }
      return 'slept';
    });
    sleep(0);
    const error = thrown(() => killall([stubborn], undefined, { timeout: 10 }));
    expect(error).toBeInstanceOf(Timeout);
    expect(stubborn.dead).toBe(false);
    expect(stubborn.get()).toBe('ignored the exit');
    expect(activeTimers()).toBe(before);
    // In time: no Timeout.
    const quick = spawn(() => sleep(10_000));
    sleep(0);
    killall([quick], undefined, { timeout: 1000 });
    expect(quick.dead).toBe(true);
  });
});

describe('Event', () => {
  it('a waiter arriving while earlier waiters are notified waits its turn (gevent issue 1520)', () => {
    const e = new Event();
    const log: string[] = [];
    const waiters = [0, 1, 2].map((n) =>
      spawn(() => {
        e.wait();
        log.push(`waiter ${n}`);
        if (n === 0) {
          e.wait(); // set, but waiters 1 and 2 came first
          log.push('waiter 0 again');
        }
      }),
    );
    sleep(0);
    e.set();
    for (const g of waiters) g.join();
    expect(log).toEqual(['waiter 0', 'waiter 1', 'waiter 2', 'waiter 0 again']);
  });

  it('an arrival returns true after its turn even if the flag was cleared meanwhile', () => {
    const e = new Event();
    const log: unknown[] = [];
    const gs = [0, 1, 2].map((n) =>
      spawn(() => {
        e.wait();
        log.push(`waiter ${n}`);
        if (n === 0) log.push(['again', e.wait()]);
        if (n === 1) {
          e.clear();
          log.push('cleared');
        }
      }),
    );
    sleep(0);
    e.set();
    for (const g of gs) g.join();
    expect(log).toEqual(['waiter 0', 'waiter 1', 'cleared', 'waiter 2', ['again', true]]);
    expect(e.isSet()).toBe(false);
  });

  it('an AsyncResult waiter arriving during the notification goes last too', () => {
    const r = new AsyncResult<string>();
    const log: string[] = [];
    const gs = [0, 1].map((n) =>
      spawn(() => {
        r.wait();
        log.push(`w${n}`);
        if (n === 0) {
          r.wait();
          log.push('w0 again');
        }
      }),
    );
    sleep(0);
    r.set('x');
    for (const g of gs) g.join();
    expect(log).toEqual(['w0', 'w1', 'w0 again']);
  });
});

describe('Pool.applyAsync and its siblings', () => {
  it('applyAsync never blocks, even when the pool is full; the callback gets the result', () => {
    const pool = new Pool(1);
    const log: string[] = [];
    const f = (x: number): number => {
      sleep(5);
      log.push(`f${x}`);
      return x;
    };
    const a = pool.applyAsync(f, [1]);
    const b = pool.applyAsync(f, [2]); // full: returns at once all the same
    const c = pool.applyAsync(f, [3], (v) => log.push(`cb${v}`));
    expect(log).toEqual([]);
    expect(pool.has(a)).toBe(true);
    expect(pool.has(b)).toBe(false); // the stand-in greenlet is not a member
    expect([a.get(), b.get(), c.get()]).toEqual([1, 2, 3]);
    sleep(0);
    expect(log).toEqual(['f1', 'f2', 'f3', 'cb3']);
  });

  it('applyAsync on a pool with room spawns a member; the callback runs in its own greenlet, not after a failure', () => {
    const pool = new Pool(2);
    let ranIn: unknown;
    let got: unknown;
    const g = pool.applyAsync((a: number, b: number) => a + b, [1, 2], (v) => {
      sleep(1); // a callback may block
      ranIn = getcurrent();
      got = v;
    });
    expect(pool.has(g)).toBe(true);
    expect(g.get()).toBe(3);
    sleep(10);
    expect(got).toBe(3);
    expect(ranIn).toBeInstanceOf(Greenlet);
    expect(ranIn).not.toBe(g);
    let called = false;
    quietly(() => {
      const bad = pool.applyAsync(() => {
        throw new Error('no');
      }, [], () => (called = true));
      bad.join();
      sleep(0);
    });
    expect(called).toBe(false);
  });

  it('applyCb returns the result and spawns the callback; mapCb and mapAsync call theirs with the array', () => {
    const pool = new Pool(2);
    const log: unknown[] = [];
    expect(pool.applyCb((x: number) => x * 2, [4], (v) => log.push(['applyCb', v]))).toBe(8);
    expect(log).toEqual([]); // its callback runs in a greenlet of its own, later
    expect(pool.mapCb((x: number) => x + 1, [1, 2], (v) => log.push(['mapCb', v]))).toEqual([2, 3]);
    const m = pool.mapAsync((x: number) => x * 10, [1, 2], (v) => log.push(['mapAsync', v]));
    expect(pool.has(m)).toBe(false);
    expect(m.get()).toEqual([10, 20]);
    sleep(0);
    expect(log).toEqual([['applyCb', 8], ['mapCb', [2, 3]], ['mapAsync', [10, 20]]]);
  });

  it('bad arguments are TypeErrors at the call', () => {
    const pool = new Pool(1);
    expect(() => pool.applyAsync(5 as never)).toThrow(/fn must be a function/);
    expect(() => pool.applyAsync(() => 1, 3 as never)).toThrow(/args must be an array/);
    expect(() => pool.applyAsync(() => 1, [], 'x' as never)).toThrow(/callback must be a function/);
    expect(() => pool.applyCb(() => 1, [], 7 as never)).toThrow(/callback must be a function/);
    expect(() => pool.mapAsync((x) => x, [1], {} as never)).toThrow(/callback must be a function/);
    expect(() => pool.mapCb((x) => x, [1], {} as never)).toThrow(/callback must be a function/);
  });
});

describe('the root greenlet as a waiter', () => {
  // gevent switches to the main greenlet as soon as its turn comes; the rest
  // of the notification goes on once it blocks again.
  it('a root waiting first on an Event runs before greenlets that waited after it', async () => {
    const log = await onLoop(() => {
      const e = new Event();
      const out: string[] = [];
      spawn(() => {
        sleep(5);
        e.set();
        out.push('set');
      });
      const g = spawn(() => {
        e.wait();
        out.push('greenlet');
      });
      e.wait();
      out.push('root');
      g.join();
      return out;
    });
    expect(log).toEqual(['set', 'root', 'greenlet']);
  });

  it('a root joining first runs before greenlets that joined after it', async () => {
    const log = await onLoop(() => {
      const out: string[] = [];
      const target = spawn(() => sleep(5));
      const g = spawn(() => {
        target.join();
        out.push('greenlet');
      });
      target.join();
      out.push('root');
      g.join();
      return out;
    });
    expect(log).toEqual(['root', 'greenlet']);
  });

  it('a root getter on a Channel runs before its putter resumes (test__queue test_wait)', async () => {
    const events = await onLoop(() => {
      const channel = new Channel<string>();
      const out: string[] = [];
      const g = spawn(() => {
        out.push('sending hello');
        channel.put('hello');
        out.push('sending world');
        channel.put('world');
        out.push('sent world');
      });
      out.push('waiting');
      out.push(channel.get());
      out.push(channel.get());
      out.push('|');
      sleep(0);
      g.get();
      return out;
    });
    expect(events).toEqual(['waiting', 'sending hello', 'hello', 'sending world', 'world', '|', 'sent world']);
  });
});

describe('waiting its turn where waiting is impossible', () => {
  it('a Hub callback waiting on an Event that is set while it is being notified returns true at once', () => {
    const e = new Event();
    const other = new Event();
    let got: unknown;
    spawn(() => e.wait());
    sleep(0);
    other.rawlink(() => {
      got = e.wait(); // in a Hub callback: cannot wait its turn, and need not
    });
    other.set();
    e.set(); // its notification pass is due when other's link runs
    sleep(0);
    sleep(0);
    expect(got).toBe(true);
  });
});

describe('the order of one loop turn', () => {
  // gevent runs the callbacks already queued (libev's prepare phase) before the
  // timers that came due meanwhile; libuv would fire the timers first.
  it('a greenlet queued before a deadline passed runs before that Timeout fires', () => {
    const order: string[] = [];
    const sleeper = spawn(() => {
      try {
        Timeout.run(1, () => sleep(1000));
      } catch (error) {
        if (!(error instanceof Timeout)) throw error;
        order.push('timeout');
      }
    });
    sleep(0); // the sleeper parks, its 1 ms Timeout armed
    const queued = spawn(() => order.push('queued'));
    spinFor(5); // the deadline passes before the main greenlet yields
    queued.join();
    sleeper.join(2000);
    expect(order).toEqual(['queued', 'timeout']);
  });

  it("a kill queued before a Timeout's deadline passed lands first, and the Timeout never fires in the dead greenlet", () => {
    let caught = 0;
    const victim = spawn(() => {
      try {
        Timeout.run(1, () => sleep(1000));
      } catch (error) {
        if (error instanceof Timeout) caught++;
        throw error;
      }
    });
    sleep(0);
    victim.kill(new GreenletExit(), { block: false });
    spinFor(5);
    victim.join(2000);
    expect(victim.dead).toBe(true);
    expect(victim.value).toBeInstanceOf(GreenletExit);
    expect(caught).toBe(0);
  });
});
