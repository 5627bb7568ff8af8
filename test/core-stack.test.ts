// Greenlet stacks: deep recursion works, runaway recursion is a RangeError;
// AsyncLocalStorage context follows each greenlet across blocks and resumes.
import { AsyncLocalStorage, AsyncResource, executionAsyncId } from 'node:async_hooks';
import * as path from 'node:path';
import { inspect } from 'node:util';
import { Worker } from 'node:worker_threads';
import { deflateSync } from 'node:zlib';

import { describe, expect, it } from 'vitest';

import { asyncDepth } from '../src/core/asyncstack';
import { greenlet } from '../src/greenlet';
import { joinall, sleep, spawn } from '../src/index';
import { collectFailures } from './core-util';

function depth(n: number): number {
  return n === 0 ? 0 : 1 + depth(n - 1);
}

function runaway(n: number): number {
  return runaway(n + 1) + 1;
}

describe('recursion in a greenlet', () => {
  it('5,000+ frames deep works, across a block', () => {
    const g = spawn(() => {
      const before = depth(6000);
      const nested = (n: number): number => {
        if (n === 0) {
          sleep(1); // park with a deep stack, then resume it
          return 0;
        }
        return 1 + nested(n - 1);
      };
      return [before, nested(5000)];
    });
    expect(g.get()).toEqual([6000, 5000]);
  });

  it('runaway recursion is a RangeError that the greenlet can catch', () => {
    const g = spawn(() => {
      try {
        runaway(0);
      } catch (error) {
        sleep(1); // the greenlet is still usable afterwards
        return [error instanceof RangeError, (error as Error).message, depth(1000)];
      }
      return 'no overflow';
    });
    expect(g.get()).toEqual([true, 'Maximum call stack size exceeded', 1000]);
  });

  it('an uncaught RangeError from runaway recursion fails only that greenlet', () => {
    const failures = collectFailures(() => {
      const g = spawn(() => runaway(0));
      const other = spawn(() => (sleep(5), 'fine'));
      joinall([g, other]);
      expect(g.exception).toBeInstanceOf(RangeError);
      expect(other.value).toBe('fine');
    });
    expect(failures).toHaveLength(1);
  });

  it('runaway recursion in a raw greenlet comes back to the parent as a RangeError', () => {
    const g = greenlet(() => runaway(0));
    expect(() => g.switch()).toThrow(RangeError);
  });

  it('native code called right at the stack limit works or throws RangeError, never crashes', () => {
    const big = Buffer.alloc(1 << 16, 7);
    const heavy = [(): unknown => deflateSync(big), (): unknown => inspect(process.versions), (): unknown => JSON.stringify(process.config)];
    const g = spawn(() => {
      let deepest = -1;
      let worked = 0;
      const dive = (n: number): number => {
        try {
          return dive(n + 1) + 1;
        } catch (error) {
          if (deepest < 0) deepest = n;
          // Each frame on the way up calls into native code with less and less
          // stack pressure: the first ones sit right at V8's limit.
          for (const fn of heavy) {
            try {
              fn();
              worked++;
            } catch (inner) {
              if (!(inner instanceof RangeError)) throw inner;
            }
          }
          if (n > deepest - 800) throw error;
          return 0;
        }
      };
      dive(0);
      return worked;
    });
    expect(g.get()).toBeGreaterThan(0);
  });

  it('many greenlets overflowing one after the other, on reused threads', () => {
    const gs = Array.from({ length: 20 }, () =>
      spawn(() => {
        try {
          runaway(0);
        } catch (error) {
          return error instanceof RangeError;
        }
        return false;
      }),
    );
    joinall(gs);
    expect(gs.every((g) => g.value === true)).toBe(true);
  });
});

describe('AsyncLocalStorage', () => {
  it('each greenlet keeps the store it was spawned in across every block and resume', () => {
    const als = new AsyncLocalStorage<string>();
    const log: string[] = [];
    const body = (name: string) => (): void => {
      for (let i = 0; i < 4; i++) {
        log.push(`${name}:${als.getStore() ?? 'none'}`);
        sleep(i % 2 === 0 ? 0 : 2);
      }
      log.push(`${name}:${als.getStore() ?? 'none'}`);
    };
    const a = als.run('store-a', () => spawn(body('a')));
    const b = als.run('store-b', () => spawn(body('b')));
    const c = spawn(body('c'));
    joinall([a, b, c]);
    expect(log.filter((l) => l.startsWith('a:'))).toEqual(Array(5).fill('a:store-a'));
    expect(log.filter((l) => l.startsWith('b:'))).toEqual(Array(5).fill('b:store-b'));
    expect(log.filter((l) => l.startsWith('c:'))).toEqual(Array(5).fill('c:none'));
    expect(als.getStore()).toBeUndefined();
  });

  it('the root keeps its own store while greenlets with others run, start and finish', () => {
    const als = new AsyncLocalStorage<string>();
    const seen = als.run('root', () => {
      const log: (string | undefined)[] = [];
      const gs = ['x', 'y'].map((name) => als.run(name, () => spawn(() => (sleep(1), sleep(0), als.getStore()))));
      // Spawned outside any store: starts on a thread another greenlet has just left.
      const bare = als.exit(() => spawn(() => (sleep(2), als.getStore())));
      log.push(als.getStore());
      sleep(0);
      log.push(als.getStore());
      joinall([...gs, bare]);
      log.push(als.getStore(), ...gs.map((g) => g.value as string), bare.value as string | undefined);
      return log;
    });
    expect(seen).toEqual(['root', 'root', 'root', 'x', 'y', undefined]);
    expect(als.getStore()).toBeUndefined();
  });

  it('als.run inside a greenlet holds across a sleep, and ends with run', () => {
    const als = new AsyncLocalStorage<number>();
    const g = spawn(() => {
      const seen: (number | undefined)[] = [];
      als.run(1, () => {
        seen.push(als.getStore());
        sleep(2);
        seen.push(als.getStore());
        als.run(2, () => {
          sleep(0);
          seen.push(als.getStore());
        });
        seen.push(als.getStore());
      });
      sleep(1);
      seen.push(als.getStore());
      return seen;
    });
    const h = als.run(99, () => spawn(() => (sleep(1), als.getStore())));
    expect(g.get()).toEqual([1, 1, 2, 1, undefined]);
    expect(h.get()).toBe(99);
  });

  it('enterWith inside a greenlet does not leak into the root or other greenlets', () => {
    const als = new AsyncLocalStorage<string>();
    const g = spawn(() => {
      als.enterWith('inside');
      sleep(2);
      return als.getStore();
    });
    const other = spawn(() => {
      sleep(1);
      return als.getStore();
    });
    expect(g.get()).toBe('inside');
    expect(other.get()).toBeUndefined();
    expect(als.getStore()).toBeUndefined();
  });

  it('callbacks a greenlet registers run in its context', () => {
    const als = new AsyncLocalStorage<string>();
    let inTimer: string | undefined;
    als.run('ctx', () =>
      spawn(() => {
        setTimeout(() => (inTimer = als.getStore()), 1);
        sleep(10);
      }),
    ).join();
    expect(inTimer).toBe('ctx');
  });

  it('raw greenlets keep their context across switches', () => {
    const als = new AsyncLocalStorage<string>();
    const g = als.run('raw', () =>
      greenlet(() => {
        const first = als.getStore();
        (g.parent as { switch(v: unknown): unknown }).switch(first);
        return als.getStore();
      }),
    );
    expect(g.switch()).toBe('raw');
    expect(als.getStore()).toBeUndefined();
    expect(g.switch()).toBe('raw');
  });

  it('in a worker thread too, each greenlet keeps the store it was spawned in', async () => {
    const entry = path.join(__dirname, '..', 'dist', 'cjs', 'index.js');
    const worker = new Worker(
      `const { spawn, sleep, joinall } = require(${JSON.stringify(entry)});
       const { AsyncLocalStorage } = require('node:async_hooks');
       const als = new AsyncLocalStorage();
       const gs = ['a', 'b'].map((n) => als.run(n, () => spawn(() => {
         const seen = [];
         for (let i = 0; i < 3; i++) { seen.push(als.getStore()); sleep(1); }
         return seen.join('');
       })));
       const bare = spawn(() => (sleep(2), String(als.getStore())));
       joinall([...gs, bare]);
       require('node:worker_threads').parentPort.postMessage([...gs.map((g) => g.value), bare.value]);`,
      { eval: true },
    );
    const seen = await new Promise((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    await worker.terminate();
    expect(seen).toEqual(['aaa', 'bbb', 'undefined']);
  }, 20_000);

  it('in a worker thread, a greenlet may block inside runInAsyncScope too', async () => {
    const entry = path.join(__dirname, '..', 'dist', 'cjs', 'index.js');
    const worker = new Worker(
      `const { spawn, sleep, joinall } = require(${JSON.stringify(entry)});
       const { AsyncResource, executionAsyncId } = require('node:async_hooks');
       const body = () => { const r = new AsyncResource('test.worker'); return r.runInAsyncScope(() => { sleep(2); sleep(0); return executionAsyncId() === r.asyncId(); }); };
       const gs = [spawn(body), spawn(body)];
       joinall(gs);
       require('node:worker_threads').parentPort.postMessage(gs.map((g) => g.value));`,
      { eval: true },
    );
    const seen = await new Promise((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    await worker.terminate();
    expect(seen).toEqual([true, true]);
  }, 20_000);

  it("the async-context stack is within reach on this Node line (a greenlet's frames can leave with it)", () => {
    const before = asyncDepth();
    const inside = new AsyncResource('test.depth').runInAsyncScope(() => asyncDepth());
    expect(inside).toBe(before + 1);
  });

  it('a greenlet may block inside runInAsyncScope: its frames leave with it and come back', () => {
    const als = new AsyncLocalStorage<string>();
    const body = (name: string) => (): unknown[] =>
      als.run(name, () => {
        const resource = new AsyncResource(`test.${name}`);
        return resource.runInAsyncScope(() => {
          const id = executionAsyncId();
          sleep(2);
          const afterSleep = [executionAsyncId() === id, als.getStore()];
          sleep(0);
          return [...afterSleep, executionAsyncId() === resource.asyncId(), als.getStore()];
        });
      });
    const a = spawn(body('a'));
    const b = spawn(body('b'));
    joinall([a, b]);
    expect(a.get()).toEqual([true, 'a', true, 'a']);
    expect(b.get()).toEqual([true, 'b', true, 'b']);
    expect(als.getStore()).toBeUndefined();
  });
});
