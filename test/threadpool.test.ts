import { execFileSync } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';

import { AsyncResult, joinall, sleep, spawn, Timeout } from '../src/index';
import { threadpool, ThreadPool, ThreadPoolClosedError } from '../src/threadpool';
import { onLoop } from './core-util';
import { runNode } from './monkey-util';

const CJS_TASKS = path.join(__dirname, 'threadpool-tasks.cjs');
const ESM_TASKS = path.join(__dirname, 'threadpool-tasks.mjs');

/** Runs `fn` with a fresh pool, closed afterwards. */
function withPool<T>(options: ConstructorParameters<typeof ThreadPool>[0], fn: (pool: ThreadPool) => T): Promise<T> {
  return onLoop(() => {
    const pool = new ThreadPool(options);
    try {
      return fn(pool);
    } finally {
      pool.close({ timeout: 0 });
    }
  });
}

/** A CPU-bound function that spins `ms` milliseconds in the worker. */
function spin(ms: number): number {
  const end = Date.now() + ms;
  let n = 0;
  while (Date.now() < end) n++;
  return n;
}

/** What was thrown by `fn`. */
function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('ThreadPool.apply', () => {
  it('runs the function in a worker and returns a structured clone of the result', () =>
    withPool({ maxThreads: 2 }, (pool) => {
      expect(pool.apply((a: number, b: number) => a + b, [1, 2])).toBe(3);
      expect(pool.apply(() => 'no args')).toBe('no args');
      const main = pool.apply(() => require('node:worker_threads').isMainThread);
      expect(main).toBe(false);
      const value = pool.apply(() => ({ map: new Map([[1, 'a']]), date: new Date(0), big: 10n ** 20n, bytes: new Uint8Array([1, 2]) }));
      expect(value).toEqual({ map: new Map([[1, 'a']]), date: new Date(0), big: 10n ** 20n, bytes: new Uint8Array([1, 2]) });
      expect(pool.apply((m: Map<string, number>) => m.get('x'), [new Map([['x', 7]])])).toBe(7);
    }));

  it('awaits a returned promise, and takes method shorthand', () =>
    withPool({ maxThreads: 1 }, (pool) => {
      expect(pool.apply(async (x: number) => (await Promise.resolve(x)) * 2, [21])).toBe(42);
      const obj = {
        twice(x: number): number {
          return x * 2;
        },
      };
      expect(pool.apply(obj.twice, [4])).toBe(8);
    }));

  it('blocks only the calling greenlet', () =>
    withPool({ maxThreads: 1 }, (pool) => {
      const log: string[] = [];
      const flag = new Int32Array(new SharedArrayBuffer(4));
      const a = spawn(() => {
        log.push('a:start');
        // The worker waits for b: a can only finish after b ran while a waited.
        const waited = pool.apply((f: Int32Array) => Atomics.wait(f, 0, 0, 5000), [flag]);
        log.push(`a:end ${waited !== 'timed-out'}`); // 'ok', or 'not-equal' if b came first
      });
      const b = spawn(() => {
        log.push('b:start');
        sleep(20);
        log.push('b:end');
        Atomics.store(flag, 0, 1);
        Atomics.notify(flag, 0);
      });
      joinall([a, b]);
      expect(log).toEqual(['a:start', 'b:start', 'b:end', 'a:end true']);
    }));

  it('runs at most maxThreads at once, in parallel', () =>
    withPool({ maxThreads: 2 }, (pool) => {
      const ids = new Set<number>();
      const gs = Array.from({ length: 6 }, () => spawn(() => ids.add(pool.apply(() => require('node:worker_threads').threadId as number))));
      joinall(gs);
      expect(gs.every((g) => g.successful())).toBe(true);
      expect(pool.size).toBeLessThanOrEqual(2);
      expect(ids.size).toBeLessThanOrEqual(2);
    }));

  it('the function sees no variable of the caller: ReferenceError', () =>
    withPool({ maxThreads: 1 }, (pool) => {
      const secret = 5;
      const error = thrown(() => pool.apply(() => secret)) as Error;
      expect(error).toBeInstanceOf(ReferenceError);
      expect(error.message).toBe('secret is not defined');
    }));
});

describe('ThreadPool errors', () => {
  it('come back with their built-in class, message, code, own properties and stack', () =>
    withPool({ maxThreads: 1 }, (pool) => {
      for (const cls of ['Error', 'TypeError', 'RangeError', 'SyntaxError', 'ReferenceError', 'EvalError', 'URIError']) {
        const error = thrown(() =>
          pool.apply(
            function raise(name: string) {
              const e = new (globalThis as unknown as Record<string, ErrorConstructor>)[name]('boom ' + name) as Error & { code: string; extra: unknown };
              e.code = 'E_' + name;
              e.extra = { n: 1 };
              throw e;
            },
            [cls],
          ),
        ) as Error & { code: string; extra: unknown };
        expect(error.constructor.name).toBe(cls);
        expect(error).toBeInstanceOf((globalThis as unknown as Record<string, ErrorConstructor>)[cls]);
        expect(error.message).toBe(`boom ${cls}`);
        expect(error.code).toBe(`E_${cls}`);
        expect(error.extra).toEqual({ n: 1 });
        expect(error.stack).toMatch(new RegExp(`^${cls}: boom ${cls}\\n\\s+at raise`));
      }
    }));

  it('a custom class comes back by name, derived from its built-in base', () =>
    withPool({ filename: CJS_TASKS, maxThreads: 1 }, (pool) => {
      const error = thrown(() => pool.apply('failQuota')) as Error & { code: string; limit: number };
      expect(error.constructor.name).toBe('QuotaError');
      expect(error).toBeInstanceOf(RangeError);
      expect(error.name).toBe('QuotaError');
      expect(error.code).toBe('E_QUOTA');
      expect(error.limit).toBe(10);
      const again = thrown(() => pool.apply('failQuota')) as Error;
      expect(again.constructor).toBe(error.constructor);
      const source = thrown(() =>
        pool.apply(() => {
          class ParseFailure extends Error {}
          throw new ParseFailure('no');
        }),
      ) as Error;
      expect(source.constructor.name).toBe('ParseFailure');
      expect(source).toBeInstanceOf(Error);
    }));

  it('system errors, cause, AggregateError and thrown non-errors', () =>
    withPool({ maxThreads: 1 }, (pool) => {
      const sys = thrown(() => pool.apply(() => require('node:fs').readFileSync('/no/such/file'))) as NodeJS.ErrnoException;
      let local: NodeJS.ErrnoException | undefined;
      try {
        require('node:fs').readFileSync('/no/such/file');
      } catch (error) {
        local = error as NodeJS.ErrnoException;
      }
      expect({ cls: sys.constructor.name, message: sys.message, code: sys.code, errno: sys.errno, syscall: sys.syscall, path: sys.path }).toEqual({
        cls: 'Error',
        message: local?.message,
        code: 'ENOENT',
        errno: local?.errno,
        syscall: 'open',
        path: '/no/such/file',
      });
      const caused = thrown(() => pool.apply(() => {
        throw new Error('outer', { cause: new TypeError('inner') });
      })) as Error;
      expect(caused.cause).toBeInstanceOf(TypeError);
      expect((caused.cause as Error).message).toBe('inner');
      const agg = thrown(() => pool.apply(() => {
        throw new AggregateError([new RangeError('r'), 'plain'], 'many');
      })) as AggregateError;
      expect(agg).toBeInstanceOf(AggregateError);
      expect(agg.message).toBe('many');
      expect(agg.errors[0]).toBeInstanceOf(RangeError);
      expect(agg.errors[1]).toBe('plain');
      expect(thrown(() => pool.apply(() => {
        throw 'a string';
      }))).toBe('a string');
      expect(thrown(() => pool.apply(() => {
        throw { reason: 42 };
      }))).toEqual({ reason: 42 });
    }));

  it('a result or argument that cannot be cloned is a DataCloneError', () =>
    withPool({ maxThreads: 1 }, (pool) => {
      const result = thrown(() => pool.apply(() => () => 1)) as DOMException;
      expect(result).toBeInstanceOf(DOMException);
      expect(result.name).toBe('DataCloneError');
      const arg = thrown(() => pool.apply((f: unknown) => f, [() => 1])) as DOMException;
      expect(arg.name).toBe('DataCloneError');
      expect(pool.apply(() => 'still usable')).toBe('still usable');
    }));

  it('a worker that dies (process.exit, an uncaught error) fails its task; the pool stays usable', () =>
    withPool({ maxThreads: 1 }, (pool) => {
      const exited = thrown(() => pool.apply(() => process.exit(3))) as Error;
      expect(exited.message).toMatch(/exited with code 3/);
      const uncaught = thrown(() =>
        pool.apply(() => {
          setTimeout(() => {
            throw new URIError('late');
          });
          return new Promise(() => undefined);
        }),
      ) as Error;
      expect(uncaught).toBeInstanceOf(URIError);
      expect(uncaught.message).toBe('late');
      expect(pool.apply(() => 1 + 1)).toBe(2);
    }));
});

describe('ThreadPool by export name (filename)', () => {
  it('calls exports of a CommonJS module', () =>
    withPool({ filename: CJS_TASKS, maxThreads: 1 }, (pool) => {
      expect(pool.apply('add', [2, 3])).toBe(5);
      expect(typeof pool.apply('threadId')).toBe('number');
      const missing = thrown(() => pool.apply('nope')) as Error;
      expect(missing).toBeInstanceOf(TypeError);
      expect(missing.message).toContain('has no exported function "nope"');
      expect(thrown(() => pool.apply('notAFunction'))).toBeInstanceOf(TypeError);
    }));

  it('calls exports of an ES module, given as a path or a file URL', () =>
    withPool({ filename: new URL(`file://${ESM_TASKS}`), maxThreads: 1 }, (pool) => {
      expect(pool.apply('square', [9])).toBe(81);
      expect(pool.apply('later', ['x'])).toBe('later x');
      expect(pool.filename).toBe(ESM_TASKS);
    }));
});

describe('ThreadPool: kills', () => {
  it('a greenlet killed while it waits gets the kill at once; the pool stays usable', () =>
    withPool({ maxThreads: 1 }, (pool) => {
      const g = spawn(() => pool.apply(spin, [10_000]));
      sleep(50);
      const t = performance.now();
      g.kill();
      expect(performance.now() - t).toBeLessThan(1000);
      expect(g.dead).toBe(true);
      expect(pool.pending).toBe(0);
      expect(pool.apply(() => 'after the kill')).toBe('after the kill');
    }));

  it('a killed greenlet whose task was still queued: the task never runs', () =>
    withPool({ maxThreads: 1 }, (pool) => {
      const flag = new Int32Array(new SharedArrayBuffer(4));
      const first = spawn(() => pool.apply(spin, [200]));
      const second = spawn(() => pool.apply((f: Int32Array) => Atomics.store(f, 0, 1), [flag]));
      sleep(20);
      expect(pool.pending).toBe(2);
      second.kill();
      joinall([first]);
      expect(first.successful()).toBe(true);
      expect(pool.apply((f: Int32Array) => Atomics.load(f, 0), [flag])).toBe(0);
    }));

  it('from the root greenlet, a Timeout ends the wait at once', () =>
    withPool({ maxThreads: 1 }, (pool) => {
      const t = performance.now();
      expect(() => Timeout.run(50, () => pool.apply(spin, [10_000]))).toThrow(Timeout);
      expect(performance.now() - t).toBeLessThan(2000);
      expect(pool.apply(() => 'usable')).toBe('usable');
    }));
});

describe('ThreadPool.spawn and map', () => {
  it('spawn returns an AsyncResult with the value or the error', () =>
    withPool({ maxThreads: 2 }, (pool) => {
      const ok = pool.spawn((a: number, b: number) => a * b, 6, 7);
      const bad = pool.spawn(() => {
        throw new TypeError('spawned');
      });
      expect(ok).toBeInstanceOf(AsyncResult);
      expect(ok.get()).toBe(42);
      expect(() => bad.get()).toThrow(TypeError);
      expect(bad.exception).toBeInstanceOf(TypeError);
    }));

  it('map returns the results in order and throws the first error', () =>
    withPool({ maxThreads: 2 }, (pool) => {
      const items = [30, 1, 20, 2, 10, 3];
      expect(pool.map(function (ms: number) {
        const end = Date.now() + ms;
        while (Date.now() < end);
        return ms * 2;
      }, items)).toEqual(items.map((x) => x * 2));
      expect(pool.map((x: number) => x, new Set([1, 2]))).toEqual([1, 2]);
      expect(pool.map((x: number) => x, [])).toEqual([]);
      const error = thrown(() =>
        pool.map((x: number) => {
          if (x % 2 === 0) throw new RangeError(`even ${x}`);
          return x;
        }, [1, 2, 3, 4]),
      ) as Error;
      expect(error).toBeInstanceOf(RangeError);
      expect(error.message).toBe('even 2');
      expect(pool.pending).toBe(0);
    }));
});

describe('ThreadPool.close', () => {
  it('waits for running tasks, then ends the threads; later calls throw ThreadPoolClosedError', () =>
    onLoop(() => {
      const pool = new ThreadPool({ maxThreads: 2 });
      const r = pool.spawn(spin, 100);
      pool.close();
      expect(r.ready()).toBe(true);
      expect(r.successful()).toBe(true);
      expect(pool.size).toBe(0);
      expect(pool.closed).toBe(true);
      const error = thrown(() => pool.apply(() => 1)) as ThreadPoolClosedError;
      expect(error).toBeInstanceOf(ThreadPoolClosedError);
      expect(error.code).toBe('ERR_THREADPOOL_CLOSED');
      expect(() => pool.spawn(() => 1)).toThrow(ThreadPoolClosedError);
      pool.close(); // twice is harmless
    }));

  it('after its timeout, fails the tasks left and stops their threads', () =>
    onLoop(() => {
      const pool = new ThreadPool({ maxThreads: 1 });
      const running = pool.spawn(spin, 10_000);
      const queued = pool.spawn(() => 'queued');
      const t = performance.now();
      pool.close({ timeout: 50 });
      expect(performance.now() - t).toBeLessThan(5000);
      expect(running.exception).toBeInstanceOf(ThreadPoolClosedError);
      expect(queued.exception).toBeInstanceOf(ThreadPoolClosedError);
      expect(pool.size).toBe(0);
    }));
});

describe('ThreadPool: arguments and the default pool', () => {
  it('bad arguments are TypeError/RangeError at the call, naming the value', () =>
    onLoop(() => {
      expect(() => new ThreadPool({ maxThreads: 0 })).toThrow(new RangeError('maxThreads must be a positive integer, got 0'));
      expect(() => new ThreadPool({ maxThreads: 1.5 })).toThrow(RangeError);
      expect(() => new ThreadPool({ maxThreads: '2' as never })).toThrow(new TypeError('maxThreads must be a number, got "2"'));
      expect(() => new ThreadPool({ filename: 5 as never })).toThrow(new TypeError('filename must be a path or a file URL, got 5'));
      expect(() => new ThreadPool({ filename: '/no/such/tasks.js' })).toThrow(expect.objectContaining({ code: 'ENOENT' }));
      expect(() => new ThreadPool('x' as never)).toThrow(TypeError);
      const pool = new ThreadPool({ maxThreads: 1 });
      expect(() => pool.apply(5 as never)).toThrow(new TypeError('fn must be a function or the name of an export of filename, got 5'));
      expect(() => pool.apply('add')).toThrow(new TypeError('fn "add" names an export, but this ThreadPool has no filename'));
      expect(() => pool.apply(Math.max)).toThrow(/self-contained function .* max is native or bound/);
      expect(() => pool.apply(((x: number) => x).bind(null))).toThrow(/native or bound/);
      expect(() => pool.apply((x: number) => x, 5 as never)).toThrow(new TypeError('args must be an array, got 5'));
      expect(() => pool.map((x: number) => x, 5 as never)).toThrow(new TypeError('iterable must be iterable, got 5'));
      expect(() => pool.close('x' as never)).toThrow(TypeError);
      expect(pool.size).toBe(0); // nothing started
      pool.close();
    }));

  it('threadpool is a default pool sized to the CPUs', () =>
    onLoop(() => {
      expect(threadpool).toBeInstanceOf(ThreadPool);
      // The process's CPUs, as a fresh process sees them (this thread may be pinned to one).
      const cpus = Number(execFileSync(process.execPath, ['-p', 'require("os").availableParallelism()'], { encoding: 'utf8' }));
      expect(threadpool.maxThreads).toBe(cpus);
      expect(threadpool.apply((x: number) => x + 1, [1])).toBe(2);
    }));

  it('at exit: a greenlet waiting on a busy worker keeps the process alive until it is done; process.exit ends the workers', async () => {
    const wait = await runNode(['-e', `const { spawn } = require('tinyevent'); const { threadpool } = require('tinyevent/threadpool'); spawn(() => console.log('result', threadpool.apply(() => { const end = Date.now() + 200; while (Date.now() < end); return 7; }))); process.on('exit', (code) => console.log('exit', code));`]);
    expect(wait.stderr).toBe('');
    expect(wait.lines).toEqual(['result 7', 'exit 0']);
    const exit = await runNode(['-e', `const { threadpool } = require('tinyevent/threadpool'); threadpool.spawn(() => { for (;;); }); setTimeout(() => { console.log('bye'); process.exit(3); }, 100);`]);
    expect(exit.stderr).toBe('');
    expect(exit.stdout.trim()).toBe('bye');
    expect(exit.code).toBe(3);
  });

  it('idle workers do not keep the process alive; CommonJS and ESM entry points', async () => {
    const cjs = await runNode(['-e', `const { threadpool } = require('tinyevent/threadpool'); console.log(threadpool.apply((a) => a * 2, [21]));`]);
    expect(cjs.stderr).toBe('');
    expect(cjs.stdout.trim()).toBe('42');
    expect(cjs.code).toBe(0);
    // A pinned main thread (TINYEVENT_CPU=shared) does not shrink the default pool.
    const sizes = `const { threadpool } = require('tinyevent/threadpool'); console.log(threadpool.maxThreads, require('os').availableParallelism())`;
    const spread = await runNode(['-e', sizes], { TINYEVENT_CPU: 'spread' });
    const shared = await runNode(['-e', sizes], { TINYEVENT_CPU: 'shared' });
    expect(shared.stdout.split(' ')[0]).toBe(spread.stdout.split(' ')[0]);
    const [spreadSize, spreadCpus] = spread.stdout.trim().split(' ');
    expect(spreadSize).toBe(spreadCpus);
    const esm = await runNode(['--input-type=module', '-e', `import { ThreadPool, threadpool } from 'tinyevent/threadpool'; import te from 'tinyevent'; console.log(threadpool instanceof ThreadPool, te.ThreadPool === ThreadPool, new ThreadPool({ maxThreads: 1 }).apply(() => 'esm'));`]);
    expect(esm.stderr).toBe('');
    expect(esm.stdout.trim()).toBe('true true esm');
    expect(esm.code).toBe(0);
    // Under the preload, workers start without it (they run plain functions).
    const preloaded = await runNode(['-r', 'tinyevent/register', '-e', `const { threadpool } = require('tinyevent/threadpool'); console.log(threadpool.apply(() => String(process.execArgv.some((a) => a.includes('register')))));`]);
    expect(preloaded.stderr).toBe('');
    expect(preloaded.stdout.trim()).toBe('false');
    // Per-process flags (which a Worker's explicit execArgv may not hold) still work, with an ESM preload.
    const flags = await runNode(['--expose-gc', '--import', 'tinyevent/register', '--input-type=module', '-e', `import { threadpool } from 'tinyevent/threadpool'; console.log(threadpool.apply(() => typeof gc + ' ' + process.execArgv.length));`]);
    expect(flags.stderr).toBe('');
    expect(flags.stdout.trim()).toBe('function 0');
  });
});
