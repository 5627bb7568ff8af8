// tinyevent/fibers: node-fibers' Fiber semantics — run/yield values, restarts,
// exceptions both ways, reset unwinding, errors as node-fibers throws them —
// and fibers and greenlets as one engine.
import { AsyncLocalStorage, AsyncResource } from 'node:async_hooks';

import { describe, expect, it } from 'vitest';

import { Fiber } from '../src/fibers/fiber';
import { greenlet } from '../src/greenlet';
import { engine } from '../src/core/native';
import { GreenletExit, joinall, killall, sleep, spawn, stats } from '../src/index';
import { getOriginal, patchChildProcess, unpatchAll } from '../src/monkey';
import { collectFailures, onLoop } from './core-util';

describe('Fiber: run and yield', () => {
  it('works with and without new; run passes the first value to fn and returns what it yields, then returns', () => {
    const made = [Fiber(() => 1), new Fiber(() => 1)];
    for (const f of made) {
      expect(f).toBeInstanceOf(Fiber);
      expect(Object.prototype.toString.call(f)).toBe('[object Fiber]');
    }
    const seen: unknown[] = [];
    const fiber = Fiber((start: number) => {
      seen.push(start);
      seen.push(Fiber.yield(start + 1));
      return 'done';
    });
    expect(fiber.started).toBe(false);
    expect(fiber.run(10)).toBe(11);
    expect(fiber.started).toBe(true);
    expect(fiber.run('back')).toBe('done');
    expect(seen).toEqual([10, 'back']);
    expect(fiber.started).toBe(false);
  });

  it('fn gets no argument when run() has none, and runs with the global object as this', () => {
    let info: unknown[] = [];
    Fiber(function (this: unknown, ...args: unknown[]) {
      info = [args.length, this === globalThis];
    }).run();
    expect(info).toEqual([0, true]);
  });

  it('a finished fiber is reset to its first state: run() starts fn again', () => {
    let runs = 0;
    const fiber = Fiber(() => {
      runs++;
      Fiber.yield(runs);
      return -runs;
    });
    expect([fiber.run(), fiber.run(), fiber.run(), fiber.run()]).toEqual([1, -1, 2, -2]);
    expect(Fiber.fibersCreated).toBeGreaterThanOrEqual(2);
  });

  it('the incremental generator: each run adds, each yield reports the total', () => {
    const inc = Fiber((start: number) => {
      let total = start;
      for (;;) total += Fiber.yield(total) as number;
    });
    const out: number[] = [];
    for (let ii = inc.run(1) as number; ii <= 10; ii = inc.run(1) as number) out.push(ii);
    expect(out).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('Fibonacci through a bound run', () => {
    const seq = Fiber.prototype.run.bind(
      Fiber(() => {
        Fiber.yield(0);
        let prev = 0;
        let curr = 1;
        for (;;) {
          Fiber.yield(curr);
          [prev, curr] = [curr, prev + curr];
        }
      }),
    );
    const results: unknown[] = [];
    for (let ii = seq() as number; ii <= 1597; ii = seq() as number) results.push(ii);
    expect(results.join(',')).toBe('0,1,1,2,3,5,8,13,21,34,55,89,144,233,377,610,987,1597');
  });

  it('Fiber.current is undefined in the root, the running fiber inside, the outer one again after an inner yields', () => {
    expect(Fiber.current).toBeUndefined();
    const seen: unknown[] = [];
    const outer = Fiber(() => {
      const self = Fiber.current;
      const inner = Fiber(() => {
        seen.push(Fiber.current === inner);
        Fiber.yield();
      });
      inner.run();
      seen.push(Fiber.current === self, self === outer, (self as Fiber).started);
      inner.run();
    });
    outer.run();
    expect(seen).toEqual([true, true, true, true]);
    expect(Fiber.current).toBeUndefined();
  });

  it('nested fibers finishing inside each other all return to their runners', () => {
    const order: string[] = [];
    Fiber(() => {
      Fiber(() => {
        Fiber(() => order.push('c')).run();
        order.push('b');
      }).run();
      order.push('a');
    }).run();
    expect(order).toEqual(['c', 'b', 'a']);
  });

  it('yields go to whoever called run() last', () => {
    const gen = Fiber(() => {
      for (let i = 0; ; i++) Fiber.yield(i);
    });
    const fromFiber = Fiber(() => [gen.run(), gen.run()]);
    expect(gen.run()).toBe(0);
    expect(fromFiber.run()).toEqual([1, 2]);
    expect(gen.run()).toBe(3);
  });

  it('200 fibers suspended at once, ten times over', () => {
    for (let round = 0; round < 10; round++) {
      const fibers = Array.from({ length: 200 }, (_, i) => Fiber(() => Fiber.yield(i) as number * 2));
      expect(fibers.map((f) => f.run())).toEqual(Array.from({ length: 200 }, (_, i) => i));
      expect(fibers.map((f, i) => f.run(i))).toEqual(Array.from({ length: 200 }, (_, i) => i * 2));
    }
  });
});

describe('Fiber: exceptions', () => {
  it('an error thrown in the fiber comes out of run(), and the fiber can start again', () => {
    const log: string[] = [];
    const fn = Fiber(() => {
      log.push('async work here...');
      Fiber.yield();
      log.push('still working...');
      Fiber.yield();
      throw new Error('oh crap!');
    });
    let caught: unknown;
    try {
      for (;;) fn.run();
    } catch (error) {
      caught = error;
    }
    expect((caught as Error).message).toBe('oh crap!');
    expect(log).toEqual(['async work here...', 'still working...']);
    expect(fn.started).toBe(false);
    expect(fn.run()).toBeUndefined(); // started again, yields at once
  });

  it('non-Error values thrown come out as they are', () => {
    const thrown = { code: 42 };
    expect(() => Fiber(() => {
      throw thrown;
    }).run()).toThrow(expect.objectContaining({ code: 42 }) as unknown as Error);
  });

  it('throwInto throws where the fiber yielded; what it yields next comes back', () => {
    const fiber = Fiber(() => {
      try {
        Fiber.yield('first');
      } catch (error) {
        return Fiber.yield(`caught ${(error as Error).message}`);
      }
      return 'not reached';
    });
    fiber.run();
    expect(fiber.throwInto(new Error('stop'))).toBe('caught stop');
    expect(fiber.run('last')).toBe('last');
  });

  it('throwInto an error the fiber does not catch throws it right back', () => {
    const fiber = Fiber(() => {
      Fiber.yield();
    });
    fiber.run();
    const error = new Error('bounce');
    expect(() => fiber.throwInto(error)).toThrow(error);
    expect(fiber.started).toBe(false);
  });

  it('runaway recursion in a fiber is a RangeError out of run(); caught inside, the fiber goes on', () => {
    const runaway = (n: number): number => runaway(n + 1) + 1;
    expect(() => Fiber(() => runaway(0)).run()).toThrow(RangeError);
    const fiber = Fiber(() => {
      try {
        runaway(0);
      } catch (error) {
        Fiber.yield((error as Error).name);
      }
      return 'still fine';
    });
    expect(fiber.run()).toBe('RangeError');
    expect(fiber.run()).toBe('still fine');
  });
});

describe('Fiber: reset', () => {
  it('unwinds a yielded fiber through its finally blocks, and it can start again', () => {
    const log: string[] = [];
    let runs = 0;
    const fiber = Fiber(() => {
      runs++;
      try {
        try {
          Fiber.yield('in');
        } finally {
          log.push('inner finally');
        }
      } finally {
        log.push('outer finally');
      }
      log.push('not reached');
    });
    fiber.run();
    expect(fiber.reset()).toBeUndefined();
    expect(log).toEqual(['inner finally', 'outer finally']);
    expect(fiber.started).toBe(false);
    expect(fiber.run()).toBe('in');
    expect(runs).toBe(2);
  });

  it('every yield throws while it unwinds: a fiber catching them still ends', () => {
    let ii = 0;
    let message = '';
    const fn = Fiber(() => {
      for (ii = 0; ii < 1000; ++ii) {
        try {
          Fiber.yield();
        } catch (error) {
          message = (error as Error).message;
        }
      }
    });
    fn.run();
    fn.reset();
    expect(ii).toBe(1000);
    expect(message).toBe('This Fiber is a zombie');
  });

  it('returns what the fiber returns while unwinding, and throws another error it throws', () => {
    const returns = Fiber(() => {
      try {
        Fiber.yield();
      } catch {
        return 'cleaned up';
      }
      return 'no';
    });
    returns.run();
    expect(returns.reset()).toBe('cleaned up');
    const throws = Fiber(() => {
      try {
        Fiber.yield();
      } finally {
        // eslint-disable-next-line no-unsafe-finally
        throw new TypeError('cleanup failed');
      }
    });
    throws.run();
    expect(() => throws.reset()).toThrow('cleanup failed');
  });

  it('does nothing on a fiber that never started', () => {
    expect(Fiber(() => 1).reset()).toBeUndefined();
  });
});

describe('Fiber: errors as node-fibers throws them', () => {
  it('running a running fiber', () => {
    const self = Fiber(() => (Fiber.current as Fiber).run());
    expect(() => self.run()).toThrow(new Error('This Fiber is already running'));
    // gh-8: a fiber runs a fiber that runs the first one.
    let caught: unknown;
    try {
      Fiber(() => {
        const that = Fiber.current as Fiber;
        Fiber(() => that.run()).run();
      }).run();
    } catch (error) {
      caught = error;
    }
    expect((caught as Error).message).toBe('This Fiber is already running');
  });

  it('yielding with no fiber running', () => {
    expect(() => Fiber.yield()).toThrow(new Error('yield() called with no fiber running'));
  });

  it('throwInto or reset on a fiber that is not yielding', () => {
    expect(() => Fiber(() => 1).throwInto(new Error('x'))).toThrow('This Fiber is not yielding');
    const running = Fiber(() => {
      const me = Fiber.current as Fiber;
      return [() => me.reset(), () => me.throwInto(1)].map((call) => {
        try {
          call();
          return 'no error';
        } catch (error) {
          return (error as Error).message;
        }
      });
    });
    expect(running.run()).toEqual(['This Fiber is not yielding', 'This Fiber is not yielding']);
  });

  it('bad arguments are TypeErrors at the call, naming what was passed', () => {
    const F = Fiber as unknown as (...args: unknown[]) => unknown;
    expect(() => F()).toThrow(new TypeError('Fiber expects 1 argument, got 0'));
    expect(() => F(() => 1, 2)).toThrow(new TypeError('Fiber expects 1 argument, got 2'));
    expect(() => F(42)).toThrow(new TypeError('Fiber expects a function, got 42'));
    const fiber = Fiber(() => Fiber.yield()) as unknown as Record<string, (...args: unknown[]) => unknown>;
    expect(() => fiber.run(1, 2)).toThrow(new TypeError('run() expects 1 or no arguments, got 2'));
    fiber.run();
    expect(() => fiber.throwInto(1, 2)).toThrow(TypeError);
    expect(() => fiber.reset(1)).toThrow(new TypeError('reset() expects no arguments, got 1'));
    fiber.run();
    const yieldTwo = Fiber(() => (Fiber.yield as (...args: unknown[]) => unknown)(1, 2));
    expect(() => yieldTwo.run()).toThrow(new TypeError('yield() expects 1 or no arguments, got 2'));
  });

  it('methods called on something that is not a Fiber', () => {
    expect(() => Fiber.prototype.run.call(null)).toThrow(new TypeError('Fiber.prototype.run called on null, not a Fiber'));
    expect(() => Fiber.prototype.reset.call({})).toThrow(TypeError);
  });

  it('poolSize: 120 by default, settable to a non-negative number', () => {
    expect(Fiber.poolSize).toBe(120);
    Fiber.poolSize = 500;
    expect(Fiber.poolSize).toBe(500);
    expect(() => ((Fiber as { poolSize: unknown }).poolSize = 'big')).toThrow(TypeError);
    expect(() => (Fiber.poolSize = -1)).toThrow(RangeError);
    Fiber.poolSize = 120;
  });
});

describe('fibers and greenlets: one engine', () => {
  it('a fiber that blocks in sleep() lets greenlets run, and its run() waits for it', async () => {
    const log = await onLoop(() => {
      const log: string[] = [];
      const ticker = spawn(() => {
        for (let i = 0; i < 3; i++) {
          log.push(`tick ${i}`);
          sleep(1);
        }
      });
      const fiber = Fiber(() => {
        log.push('fiber sleeps');
        sleep(30);
        log.push('fiber wakes');
        return Fiber.yield('yielded after sleep');
      });
      const first = fiber.run();
      log.push(String(first));
      joinall([ticker]);
      log.push(String(fiber.run('end')));
      return log;
    });
    expect(log.slice(0, 1)).toEqual(['fiber sleeps']);
    expect(log.indexOf('tick 2')).toBeLessThan(log.indexOf('fiber wakes'));
    expect(log.slice(-2)).toEqual(['yielded after sleep', 'end']);
  });

  it("a fiber's run() from a greenlet: yields and the result go back to that greenlet", () => {
    const gen = Fiber((n: number) => {
      sleep(1); // blocking inside the fiber while a greenlet waits in run()
      for (let i = n; ; i++) Fiber.yield(i);
    });
    const g = spawn(() => [gen.run(5), gen.run(), gen.run()]);
    const finisher = Fiber(() => {
      Fiber.yield('once');
      return 'finished';
    });
    const h = spawn(() => [finisher.run(), finisher.run()]);
    joinall([g, h]);
    expect(g.get()).toEqual([5, 6, 7]);
    expect(h.get()).toEqual(['once', 'finished']);
  });

  it('a greenlet spawned from a fiber runs, and the fiber may join it', () => {
    const fiber = Fiber(() => {
      const inner = spawn(() => {
        sleep(2);
        return 'inner done';
      });
      Fiber.yield('spawned');
      inner.join();
      return inner.value;
    });
    const g = spawn(() => [fiber.run(), fiber.run()]);
    expect(g.get()).toEqual(['spawned', 'inner done']);
  });

  it('Fiber.yield inside a greenlet: Fiber.current resumes it, from a callback or another greenlet', async () => {
    const result = await onLoop(() => {
      const seen: unknown[] = [];
      const g = spawn(() => {
        const me = Fiber.current as Fiber;
        seen.push(me.started, Fiber.current === me);
        setTimeout(() => me.run('from a timer'), 2);
        seen.push(Fiber.yield());
        spawn(() => me.run('from a greenlet'));
        seen.push(Fiber.yield());
        return 'greenlet done';
      });
      joinall([g]);
      return { seen, value: g.value };
    });
    expect(result).toEqual({ seen: [true, true, 'from a timer', 'from a greenlet'], value: 'greenlet done' });
  });

  it("a run() that waits when the greenlet finishes gets the greenlet's value or error", () => {
    const fibers: Fiber[] = [];
    const recorder = spawn(() => {
      fibers.push(Fiber.current as Fiber);
      Fiber.yield();
      sleep(1); // finishes while the runner waits in run()
      return 'recorded value';
    });
    const failing = spawn(() => {
      fibers.push(Fiber.current as Fiber);
      Fiber.yield();
      throw new TypeError('recorded failure');
    });
    sleep(0);
    expect(fibers).toHaveLength(2);
    const runner = spawn(() => fibers[0].run());
    expect(runner.get()).toBe('recorded value');
    expect(recorder.value).toBe('recorded value');
    const reports = collectFailures(() => {
      const failingRunner = spawn(() => {
        try {
          fibers[1].run();
          return 'no error';
        } catch (error) {
          return (error as Error).message;
        }
      });
      expect(failingRunner.get()).toBe('recorded failure');
    });
    expect(failing.exception).toBeInstanceOf(TypeError);
    expect(reports).toEqual([failing.exception]); // reported once, as any failed greenlet
    expect(() => fibers[0].run()).toThrow(/has finished/);
  });

  it('a greenlet killed while it waits in run(): run() throws the kill, the fiber goes on and can be run again', () => {
    const log: string[] = [];
    const fiber = Fiber(() => {
      sleep(10); // the runner is killed meanwhile
      log.push('fiber woke');
      log.push(`resumed with ${String(Fiber.yield('nobody takes this'))}`);
      return 'fiber done';
    });
    const runner = spawn(() => {
      try {
        fiber.run();
        return 'returned';
      } catch (error) {
        return error instanceof GreenletExit ? 'killed in run()' : String(error);
      }
    });
    sleep(1);
    runner.kill();
    expect(runner.get()).toBe('killed in run()');
    spawn(() => undefined).join();
    const waiter = spawn(() => {
      while (log.length === 0) sleep(1);
      return fiber.run('second runner');
    });
    expect(waiter.get()).toBe('fiber done');
    expect(log).toEqual(['fiber woke', 'resumed with second runner']);
  });

  it('a raw greenlet used as a fiber: with no run() waiting, Fiber.yield switches to its parent; run() makes the runner its parent', () => {
    const fibers: Fiber[] = [];
    const driver = spawn(() => {
      const raw = greenlet((start: unknown) => {
        fibers.push(Fiber.current as Fiber);
        const again = Fiber.yield(`started with ${String(start)}`);
        return `raw done after ${String(again)}`;
      });
      const first = raw.switch('switch');
      return [first, fibers[0].run('run'), raw.dead];
    });
    expect(driver.get()).toEqual(['started with switch', 'raw done after run', true]);
  });

  it('reset() of a greenlet kills it with GreenletExit: a clean kill, finally blocks run', () => {
    const log: string[] = [];
    const fibers: Fiber[] = [];
    const g = spawn(() => {
      fibers.push(Fiber.current as Fiber);
      try {
        Fiber.yield();
      } finally {
        log.push('finally');
      }
      return 'not reached';
    });
    sleep(0);
    const resetter = spawn(() => fibers[0].reset());
    expect(resetter.get()).toBeUndefined();
    expect(log).toEqual(['finally']);
    expect(g.dead).toBe(true);
    expect(g.successful()).toBe(true);
  });

  it('a patched execSync inside a fiber blocks only the fiber', async () => {
    patchChildProcess();
    try {
      const result = await onLoop(() => {
        const cp = require('node:child_process') as typeof import('node:child_process');
        let ticks = 0;
        const ticker = spawn(() => {
          for (let i = 0; i < 5; i++) {
            ticks++;
            sleep(5);
          }
        });
        const fiber = Fiber(() => String(cp.execSync('sleep 0.2; echo out')).trim());
        const g = spawn(() => fiber.run());
        joinall([g, ticker]);
        return { out: g.get(), ticks, patched: cp.execSync !== getOriginal('child_process', 'execSync') };
      });
      expect(result).toEqual({ out: 'out', ticks: 5, patched: true });
    } finally {
      unpatchAll();
    }
  });
});

describe('fibers: edges of the engine', () => {
  it('fibers run from nested root waits each get their own yields back', async () => {
    const result = await onLoop(() => {
      const order: string[] = [];
      let inner: unknown;
      const outer = Fiber(() => {
        sleep(30); // meanwhile a timer callback runs another fiber from the root
        return 'outer result';
      });
      setTimeout(() => {
        const nested = Fiber(() => {
          sleep(60); // still sleeping when the outer fiber finishes
          return 'inner result';
        });
        inner = nested.run();
        order.push('inner returned');
      }, 5);
      const value = outer.run();
      order.push('outer returned');
      return { value, inner, order };
    });
    // Root waits nest: the timer callback's wait finishes first, but each run()
    // got exactly its own fiber's result.
    expect(result).toEqual({ value: 'outer result', inner: 'inner result', order: ['inner returned', 'outer returned'] });
  });

  it('run() that gets no thread throws, and the fiber starts on the next run()', () => {
    engine.failNextThreadCreate();
    const holders = Array.from({ length: stats().idle }, () => spawn(() => sleep(10_000)));
    sleep(0); // every idle thread is now busy
    const fiber = Fiber((x: number) => x * 2);
    expect(() => fiber.run(2)).toThrow(/could not create a greenlet thread/);
    expect(fiber.started).toBe(false);
    expect(fiber.run(3)).toBe(6);
    killall(holders);
  });

  it('run() inside a Hub callback is refused before anything starts', () => {
    const fiber = Fiber(() => 'ran');
    let error: unknown;
    const g = spawn(() => 1);
    g.link(() => {
      try {
        fiber.run();
      } catch (e) {
        error = e;
      }
    });
    g.join();
    sleep(0);
    expect(String(error)).toMatch(/cannot block in Fiber.run inside a Hub callback/);
    expect(fiber.started).toBe(false);
    expect(fiber.run()).toBe('ran');
  });
});

describe('async hooks inside fibers', () => {
  it('AsyncLocalStorage: a fiber keeps the store it runs in across yields', () => {
    const als = new AsyncLocalStorage<string>();
    const fiber = Fiber(() => {
      const seen = [als.getStore()];
      als.run('inside', () => {
        seen.push(als.getStore());
        Fiber.yield();
        seen.push(als.getStore());
      });
      seen.push(als.getStore());
      return seen;
    });
    als.run('outer', () => fiber.run());
    expect(als.getStore()).toBeUndefined();
    expect(fiber.run()).toEqual(['outer', 'inside', 'inside', 'outer']);
  });

  it('yielding inside AsyncResource.runInAsyncScope and resuming later', async () => {
    const result = await onLoop(() => {
      const resource = new AsyncResource('test.fiber');
      const fiber = Fiber(() =>
        resource.runInAsyncScope(() => {
          Fiber.yield('parked in scope');
          return 'left scope';
        }),
      );
      const first = fiber.run();
      sleep(5);
      return [first, fiber.run()];
    });
    expect(result).toEqual(['parked in scope', 'left scope']);
  });
});
