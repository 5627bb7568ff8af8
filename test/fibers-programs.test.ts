// Programs written for node-fibers, run unchanged in child processes with
// `require('fibers')` resolved to compat/fibers (which re-exports
// tinyevent/fibers): node-fibers' README examples, a program on the `sync`
// library, the package entry points, and exit behaviour.
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { beforeAll, describe, expect, it } from 'vitest';

import { readmeExamples } from './fibers-readme';
import { linkPackage, ROOT, runNode } from './monkey-util';

let examples = '';
const fixture = (name: string): string => (name === 'sync-client.js' ? path.join(ROOT, 'fixtures', 'fibers', name) : path.join(examples, name));

beforeAll(() => {
  if (!fs.existsSync(path.join(ROOT, 'dist', 'esm', 'fibers.mjs'))) throw new Error('build first: npm run build');
  linkPackage();
  examples = readmeExamples();
}, 180_000);

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  lines: string[];
}

function runIn(cwd: string, args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, args, { cwd, timeout: 15_000 }, (error, stdout, stderr) => {
      const code = error ? (((error as { code?: unknown }).code as number | null) ?? 1) : 0;
      resolve({ code: typeof code === 'number' ? code : 1, stdout, stderr, lines: stdout.split('\n').filter((l) => l !== '') });
    });
  });
}

const PRELOADS: string[][] = [[], ['-r', 'tinyevent/register'], ['--import', 'tinyevent/register']];
const label = (preload: string[]): string => (preload.length ? preload.join(' ') : 'plain');

describe("node-fibers' README examples, unchanged", () => {
  for (const preload of PRELOADS) {
    it(`sleep.js (${label(preload)}): the main stack goes on while the fiber sleeps`, async () => {
      const run = await runNode([...preload, fixture('sleep.js')]);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(run.lines).toHaveLength(3);
      expect(run.lines[0]).toMatch(/^wait\.\.\. /);
      expect(run.lines[1]).toBe('back in main');
      expect(run.lines[2]).toMatch(/^ok\.\.\. /);
      const waited = Date.parse(run.lines[2].slice(6)) - Date.parse(run.lines[0].slice(8));
      expect(waited).toBeGreaterThanOrEqual(999); // dates have second resolution
    });

    it(`generator.js and fibonacci.js (${label(preload)})`, async () => {
      const gen = await runNode([...preload, fixture('generator.js')]);
      expect([gen.code, gen.stderr]).toEqual([0, '']);
      expect(gen.lines).toEqual(['1', '2', '3', '4', '5', '6', '7', '8', '9', '10']);
      const fib = await runNode([...preload, fixture('fibonacci.js')]);
      expect([fib.code, fib.stderr]).toEqual([0, '']);
      expect(fib.lines.join(',')).toBe('0,1,1,2,3,5,8,13,21,34,55,89,144,233,377,610,987,1597');
    });

    it(`error.js (${label(preload)}): the error crosses out of run()`, async () => {
      const run = await runNode([...preload, fixture('error.js')]);
      expect([run.code, run.stderr]).toEqual([0, '']);
      expect(run.lines.slice(0, 5)).toEqual([
        'async work here...',
        'still working...',
        'just a little bit more...',
        'safely caught that error!',
        'Error: oh crap!',
      ]);
      expect(run.lines[5]).toMatch(/error\.js:10:\d+/);
      expect(run.lines.at(-1)).toBe('done!');
    });
  }

  it('ls.js: Future.wrap(fs) lists and stats a directory', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tinyevent-ls-'));
    try {
      fs.writeFileSync(path.join(dir, 'a.txt'), 'hello');
      fs.writeFileSync(path.join(dir, 'b.bin'), Buffer.alloc(1234));
      fs.mkdirSync(path.join(dir, 'sub'));
      const run = await runIn(dir, [fixture('ls.js')]);
      expect([run.code, run.stderr]).toEqual([0, '']);
      expect(run.lines[0]).toBe('Found 3 files');
      expect(run.lines.slice(1).sort()).toEqual(['a.txt: 5', 'b.bin: 1234', `sub: ${fs.statSync(path.join(dir, 'sub')).size}`]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  for (const preload of [[], ['-r', 'tinyevent/register']]) {
    it(`future-sleep.js (${label(preload)}): a future function waits on a timer future`, async () => {
      const run = await runNode([...preload, fixture('future-sleep.js')]);
      expect([run.code, run.stderr]).toEqual([0, '']);
      expect(run.lines).toHaveLength(1);
      const waited = Number(/^Set timer for 2000ms, waited (\d+)ms$/.exec(run.lines[0])?.[1]);
      expect(waited).toBeGreaterThanOrEqual(1999);
    });
  }
});

describe('a library built on fibers: sync', () => {
  for (const preload of [[], ['-r', 'tinyevent/register']]) {
    it(`sync-client.js (${label(preload)}) runs unchanged`, async () => {
      const run = await runNode([...preload, fixture('sync-client.js')]);
      expect([run.code, run.stderr]).toEqual([0, '']);
      expect(run.lines[0]).toBe('main goes on');
      expect(run.lines.filter((l) => !l.startsWith('async'))).toEqual([
        'main goes on',
        'sum 5',
        'method 105',
        'caught something went wrong',
        'read itself true',
        'futures 2,4,6',
        'slept, loop ran meanwhile true',
        'callback body result',
      ]);
      expect(run.lines).toContain('async 90');
    });
  }
});

describe('under tinyevent/register', () => {
  it('plain callbacks (run on greenlet threads of their own) are still outside any fiber, as node-fibers code expects', async () => {
    const program = `
      const Fiber = require('fibers');
      setTimeout(() => {
        let error = 'none';
        try { Fiber.yield(); } catch (e) { error = e.message; }
        const f = Fiber(() => { const me = Fiber.current; setTimeout(() => console.log('run returned', me.run('later')), 5); return Fiber.yield('first'); });
        console.log(String(Fiber.current), error, f.run());
      }, 1);`;
    for (const preload of [[], ['-r', 'tinyevent/register']]) {
      const run = await runNode([...preload, '-e', program]);
      expect([run.code, run.stderr]).toEqual([0, '']);
      expect(run.lines).toEqual(['undefined yield() called with no fiber running first', 'run returned later']);
    }
  });
});

describe('package entry points', () => {
  it("require: module.exports is Fiber itself / Future itself; the 'fibers' package is the same", async () => {
    const probe = `
      const before = typeof Function.prototype.future;
      const Fiber = require('tinyevent/fibers');
      const afterFibers = typeof Function.prototype.future;
      const Future = require('tinyevent/fibers/future');
      console.log(JSON.stringify([typeof Fiber, Fiber.name, typeof Fiber.yield, Fiber.current, require('fibers') === Fiber,
        typeof Future, Future.name, require('fibers/future') === Future, before, afterFibers, typeof Function.prototype.future,
        Object.keys(Function.prototype).includes('future')]));`;
    const run = await runNode(['-e', probe]);
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toEqual(['function', 'Fiber', 'function', null, true, 'function', 'Future', true, 'undefined', 'undefined', 'function', false]);
  });

  it("import: the default export is the same Fiber / Future as require gives, through the 'fibers' package too", async () => {
    const probe = `
      import Fiber from 'tinyevent/fibers';
      import Future from 'tinyevent/fibers/future';
      import ShimFiber from 'fibers';
      import ShimFuture from 'fibers/future';
      import { createRequire } from 'node:module';
      const require = createRequire(process.cwd() + '/');
      const f = Fiber((x) => Fiber.yield(x * 2));
      console.log(JSON.stringify([Fiber === require('tinyevent/fibers'), Future === require('tinyevent/fibers/future'), f.run(21),
        ShimFiber === Fiber, ShimFuture === Future]));`;
    const run = await runNode(['--input-type=module', '-e', probe]);
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toEqual([true, true, 42, true, true]);
  });

  it('TypeScript declarations: Fiber and Future type-check as node-fibers code uses them', async () => {
    const dir = fs.mkdtempSync(path.join(ROOT, 'node_modules', '.tinyevent-types-'));
    try {
      fs.writeFileSync(
        path.join(dir, 'use.ts'),
        [
          "import Fiber = require('tinyevent/fibers');",
          "import Future = require('tinyevent/fibers/future');",
          'const f: Fiber = Fiber((start: number) => Fiber.yield(start + 1));',
          'const n: unknown = f.run(1);',
          'const started: boolean = f.started;',
          'const fut: Future<number> = new Future<number>();',
          'fut.return(1);',
          'const v: number = fut.get();',
          'const later = function (this: unknown, x: number) { return x; }.future();',
          'const pool: number = Fiber.poolSize;',
          'const wrapped: Future = Future.wrap((cb: (e: unknown, v: number) => void) => cb(null, 1))();',
          "const fsf = Future.wrap({ read(cb: (e: unknown) => void) { cb(null); } });",
          'export { n, started, v, later, pool, wrapped, fsf };',
          '',
        ].join('\n'),
      );
      const tsc = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
      const run = await runIn(dir, [tsc, '--noEmit', '--strict', '--module', 'node16', '--moduleResolution', 'node16', '--types', 'node', '--skipLibCheck', 'use.ts']);
      expect(run.stdout + run.stderr).toBe('');
      expect(run.code).toBe(0);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('exit', () => {
  it('process.exit() inside a fiber ends the process with its code; nothing after runs', async () => {
    const run = await runNode([
      '-e',
      "const Fiber = require('fibers'); process.on('exit', (c) => console.log('exit', c)); setTimeout(() => { Fiber(() => process.exit(3)).run(); console.log('fail'); }, 5);",
    ]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(3);
    expect(run.lines).toEqual(['exit 3']);
  });

  it('exit with fibers still suspended: code 0, no abort, their finally blocks do not run', async () => {
    const program = `
      const Fiber = require('fibers');
      const Future = require('fibers/future');
      const { spawn, sleep } = require('tinyevent');
      const parked = [];
      for (let i = 0; i < 20; i++) {
        const f = Fiber(() => { try { Fiber.yield(i); } finally { console.log('finally ran'); } });
        f.run();
        parked.push(f);
      }
      Fiber(() => { try { new Future().wait(); } finally { console.log('finally ran'); } }).run();
      spawn(() => { try { Fiber.yield(); } finally { console.log('finally ran'); } });
      spawn(() => Fiber(() => { try { Fiber.yield(); } finally { console.log('finally ran'); } }).run());
      spawn(() => { sleep(1); console.log('greenlet done'); });
      process.on('exit', (code) => console.log('exit', code, parked.every((f) => f.started)));`;
    const run = await runNode(['-e', program]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.lines).toEqual(['greenlet done', 'exit 0 true']);
  });

  it("a detached future's failure is thrown to the event loop: uncaughtException sees it", async () => {
    const program = `
      const Fiber = require('fibers');
      const Future = require('fibers/future');
      // The loop goes on after the handler: no wall-clock race with a timer.
      process.on('uncaughtException', (err) => { console.log('caught', err.message); setTimeout(() => console.log('still alive'), 1); });
      Future.task(() => { Future.wrap((cb) => process.nextTick(cb))().wait(); throw new Error('Catch me if you can'); }).detach();`;
    const run = await runNode(['-e', program]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.lines).toEqual(['caught Catch me if you can', 'still alive']);
  });

  it('an uncaught error from a fiber run by a plain callback is an uncaught exception (exit 1)', async () => {
    const run = await runNode(['-e', "const Fiber = require('fibers'); setTimeout(() => Fiber(() => { throw new Error('escaped'); }).run(), 1);"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/Error: escaped/);
  });
});

describe('child processes', () => {
  it('a fiber starts a child process that uses fibers itself, and reads its output through a future', async () => {
    const program = `
      const Fiber = require('fibers');
      const Future = require('fibers/future');
      const { execFile } = require('child_process');
      const child = "const Fiber = require('fibers'); const f = Fiber(() => { Fiber.yield('pa'); return 'ss'; }); console.log(f.run() + f.run());";
      Fiber(() => {
        const out = Future.wrap(execFile, true)(process.execPath, ['-e', child]).wait();
        console.log('child said', out[0].trim());
      }).run();`;
    const run = await runNode(['-e', program]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.lines).toEqual(['child said pass']);
  });
});
