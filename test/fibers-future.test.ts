// tinyevent/fibers/future: node-fibers' Future — resolving, waiting on
// several, wrapped callback functions, future functions, tasks, promises.
import { describe, expect, it } from 'vitest';

import { Fiber } from '../src/fibers/fiber';
import { FiberFuture, Future, installFunctionFuture } from '../src/fibers/future';
import { sleep, spawn } from '../src/index';
import { onLoop } from './core-util';

installFunctionFuture();

/** A future that resolves after `ms` (on the next tick for 0), as node-fibers' tests build them. */
function timer(ms: number, value?: unknown): Future {
  const future = new Future();
  const done = (): void => future.return(value);
  if (ms > 0) setTimeout(done, ms);
  else process.nextTick(done);
  return future;
}

/** Runs `fn` in a fiber started from a loop callback; resolves with what it returns. */
function inFiber<T>(fn: () => T): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    setImmediate(() => {
      Fiber(() => {
        try {
          resolve(fn());
        } catch (error) {
          reject(error);
        }
      }).run();
    });
  });
}

describe('Future: resolving', () => {
  it('return, get, isResolved; a second resolve is an error', () => {
    const future = new Future<number>();
    expect(future.isResolved()).toBe(false);
    expect(() => future.get()).toThrow(new Error('Future must resolve before value is ready'));
    future.return(5);
    expect(future.isResolved()).toBe(true);
    expect(future.get()).toBe(5);
    expect(() => future.return(6)).toThrow(new Error('Future resolved more than once'));
    expect(() => future.throw(new Error('late'))).toThrow('Future resolved more than once');
  });

  it('throw: get rethrows the same error object; an empty error is refused', () => {
    const future = new Future();
    const error = new RangeError('broken');
    future.throw(error);
    expect(() => future.get()).toThrow(error);
    expect(() => new Future().throw(undefined)).toThrow(new Error('Must throw non-empty error'));
  });

  it('resolve(errback) now or later, resolve(future, callback) passing errors on', () => {
    const calls: unknown[] = [];
    const later = new Future<string>();
    expect(later.resolve((err, val) => calls.push(['later', err, val]))).toBe(later);
    const now = new Future<string>();
    now.return('v');
    now.resolve((err, val) => calls.push(['now', err, val]));
    expect(calls).toEqual([['now', undefined, 'v']]);
    later.return('w');
    expect(calls).toEqual([['now', undefined, 'v'], ['later', undefined, 'w']]);

    const sink = new Future();
    const failing = new Future();
    failing.resolve(sink, () => calls.push('not called'));
    failing.throw(new Error('passed on'));
    expect(() => sink.get()).toThrow('passed on');
    const succeeding = new Future<number>();
    succeeding.resolve(sink, (value) => calls.push(['value', value]));
    succeeding.return(7);
    expect(calls.at(-1)).toEqual(['value', 7]);
    expect(() => new Future().resolve(42 as never)).toThrow(TypeError);
  });

  it('resolver, proxy, proxyErrors, resolveSuccess', () => {
    const a = new Future<number>();
    const b = new Future<number>();
    a.proxy(b);
    a.resolver()(null, 3);
    expect(b.get()).toBe(3);

    const c = new Future();
    const d = new Future();
    const e = new Future();
    c.proxyErrors([d, e]);
    c.resolver()(new Error('to both'));
    expect(() => d.get()).toThrow('to both');
    expect(() => e.get()).toThrow('to both');

    const seen: unknown[] = [];
    const f = new Future<string>();
    f.resolveSuccess((v) => seen.push(v));
    f.return('ok');
    const g = new Future<string>();
    g.resolveSuccess((v) => seen.push(v));
    g.throw(new Error('skipped'));
    expect(seen).toEqual(['ok']);
  });

  it('promise() and Future.fromPromise', async () => {
    const f = new Future<number>();
    const p = f.promise();
    f.return(9);
    await expect(p).resolves.toBe(9);
    const g = new Future();
    const q = g.promise();
    g.throw(new Error('rejected'));
    await expect(q).rejects.toThrow('rejected');
    const fromOk = Future.fromPromise(Promise.resolve('yes'));
    const fromBad = Future.fromPromise(Promise.reject(new Error('no')));
    await new Promise((resolve) => setImmediate(resolve));
    expect(fromOk.get()).toBe('yes');
    expect(() => fromBad.get()).toThrow('no');
    expect(() => Future.fromPromise(5 as never)).toThrow(TypeError);
  });
});

describe('Future: waiting', () => {
  it('Future.wait on several (and arrays of them) returns when all have resolved; failures stay in get()', async () => {
    const result = await inFiber(() => {
      const slow = timer(20, 'slow');
      const tick = timer(0, 'tick');
      const failing = new Future();
      setTimeout(() => failing.throw(new Error('failed one')), 5);
      const done = new Future();
      done.return('already');
      const start = Date.now();
      Future.wait(slow, [tick, failing], done);
      return {
        values: [slow.get(), tick.get(), done.get()],
        error: (() => {
          try {
            failing.get();
          } catch (error) {
            return (error as Error).message;
          }
          return 'none';
        })(),
        waited: Date.now() - start >= 15,
      };
    });
    expect(result).toEqual({ values: ['slow', 'tick', 'already'], error: 'failed one', waited: true });
  });

  it('wait() returns the value or throws the error', async () => {
    const result = await inFiber(() => {
      const ok = timer(1, 'value');
      const bad = new Future();
      setTimeout(() => bad.throw(new TypeError('wait threw')), 1);
      let thrown: unknown;
      try {
        bad.wait();
      } catch (error) {
        thrown = error;
      }
      return [ok.wait(), thrown instanceof TypeError, (thrown as Error).message];
    });
    expect(result).toEqual(['value', true, 'wait threw']);
  });

  it('waiting outside a fiber, and on something that is not a future', () => {
    expect(() => Future.wait(new Future())).toThrow(new Error("Can't wait without a fiber"));
    expect(() => new Future().wait()).toThrow("Can't wait without a fiber");
    expect(() => Future.wait(42)).toThrow(new TypeError('42 is not a future'));
    expect(() => Future.wait([new Future(), 'x'])).toThrow(new TypeError('"x" is not a future'));
  });

  it('wait() inside a greenlet: every greenlet is a fiber', () => {
    const g = spawn(() => {
      const f = timer(5, 'in greenlet');
      return f.wait();
    });
    expect(g.get()).toBe('in greenlet');
  });

  it('a future resolved from another greenlet wakes the waiting one', () => {
    const f = new Future<string>();
    const waiter = spawn(() => f.wait());
    const resolver = spawn(() => {
      sleep(2);
      f.return('from a greenlet');
    });
    expect(waiter.get()).toBe('from a greenlet');
    resolver.join();
  });
  it("a future resolved inside a greenlet's link callback (on the Hub) still wakes its waiter", () => {
    const f = new Future<string>();
    const source = spawn(() => 'source done');
    source.link(() => f.return('from a link'));
    const waiter = spawn(() => f.wait());
    const rootWaiter = new Future<string>();
    source.link(() => rootWaiter.return('second link'));
    const inFiberFromRoot = Fiber(() => rootWaiter.wait());
    expect(inFiberFromRoot.run()).toBeUndefined(); // it waits: Future.wait yielded
    expect(waiter.get()).toBe('from a link');
    sleep(1);
    expect(inFiberFromRoot.started).toBe(false); // resumed after the link returned, and finished
  });
});

describe('Future.wrap', () => {
  function add(a: number, b: number, callback: (err: unknown, sum?: number) => void): string {
    setTimeout(() => (a < 0 ? callback(new Error('negative')) : callback(null, a + b)), 1);
    return 'returned now';
  }

  it('wraps a callback function: a future of its result; its return value is on `_`', async () => {
    const result = await inFiber(() => {
      const addFuture = Future.wrap(add);
      const future = addFuture(2, 3) as unknown as Future<number>;
      let error = '';
      try {
        (addFuture(-1, 0) as unknown as Future).wait();
      } catch (e) {
        error = (e as Error).message;
      }
      return [future.wait(), future._, error];
    });
    expect(result).toEqual([5, 'returned now', 'negative']);
  });

  it('multi: the values after err come as an array', async () => {
    const two = (cb: (err: unknown, a: number, b: string) => void): void => void setTimeout(() => cb(null, 1, 'two'), 1);
    const result = await inFiber(() => (Future.wrap(two, true)() as unknown as Future).wait());
    expect(result).toEqual([1, 'two']);
  });

  it('wraps an object: each method gets a Future twin, other members stay reachable', async () => {
    const api = {
      base: 10,
      plus(this: { base: number }, n: number, cb: (err: unknown, v?: number) => void): void {
        setTimeout(() => cb(null, this.base + n), 1);
      },
    };
    const wrapped = Future.wrap(api) as typeof api & { plusFuture(n: number): Future<number> };
    const custom = Future.wrap(api, false, 'Async') as typeof api & { plusAsync(n: number): Future<number> };
    const result = await inFiber(() => [wrapped.plusFuture(5).wait(), custom.plusAsync(1).wait(), wrapped.base]);
    expect(result).toEqual([15, 11, 10]);
    expect(Object.getPrototypeOf(wrapped)).toBe(api);
  });

  it("a wrapped function keeps its own methods, wrapped too (like `request`'s)", async () => {
    const request = Object.assign((cb: (err: unknown, v?: string) => void) => setImmediate(() => cb(null, 'call')), {
      get: (cb: (err: unknown, v?: string) => void) => setImmediate(() => cb(null, 'get')),
    });
    const wrapped = Future.wrap(request) as unknown as (() => Future<string>) & { getFuture(): Future<string> };
    const result = await inFiber(() => [wrapped().wait(), wrapped.getFuture().wait()]);
    expect(result).toEqual(['call', 'get']);
    expect(() => Future.wrap(7 as never)).toThrow(TypeError);
  });
});

describe('future functions and tasks', () => {
  it('fn.future() runs fn in a fiber of its own on a later tick, with this and arguments', async () => {
    const result = await onLoop(() => {
      const order: string[] = [];
      const calc = function (this: { k: number }, n: number): number {
        order.push('running');
        timer(1).wait(); // may wait: it is a fiber
        return this.k * n;
      }.future();
      const future = calc.call({ k: 3 }, 7) as Future<number>;
      order.push('returned');
      expect(future).toBeInstanceOf(FiberFuture);
      expect(String(calc)).toMatch(/^<<Future function/);
      return { future, order, before: [...order] };
    });
    expect(result.before).toEqual(['returned']);
    await new Promise<void>((resolve) => result.future.resolve(() => resolve()));
    expect(result.future.get()).toBe(21);
    expect(result.order).toEqual(['returned', 'running']);
  });

  it('Future.wait on an unstarted future function runs it in the waiting fiber', async () => {
    const result = await inFiber(() => {
      const here = Fiber.current;
      let ranIn: unknown;
      const f = (() => {
        ranIn = Fiber.current;
        return 'ran inline';
      }).future()();
      const v = (f as Future).wait();
      return [v, ranIn === here];
    });
    expect(result).toEqual(['ran inline', true]);
  });

  it('Future.task: one function, or several into an array; the first error wins', async () => {
    const one = Future.task(() => 'single');
    const many = Future.task(
      () => 1,
      () => (timer(2).wait(), 2),
    );
    const failing = Future.task(
      () => 1,
      () => {
        throw new Error('task failed');
      },
    );
    const result = await inFiber(() => {
      Future.wait(one, many, failing);
      return [one.get(), many.get()];
    });
    expect(result).toEqual(['single', [1, 2]]);
    expect(() => failing.get()).toThrow('task failed');
    expect(() => Future.task(5 as never)).toThrow(TypeError);
  });
});
