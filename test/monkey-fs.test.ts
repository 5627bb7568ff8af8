import * as fsp from 'node:fs/promises';
import fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { execFileSync } from 'node:child_process';

import { getOriginal, isPatched, joinall, patchAll, patchFs, sleep, spawn, unpatchAll } from '../src/index';
import { FS_LEFT_ALONE } from '../src/monkey';
import { INLINE_MAX_BYTES, setInlineCalls } from '../src/patches/inline';
import { hasPatchFrames, inGreenlet, onLoop, outcome, thrownInGreenlet } from './monkey-util';

type Fn = (...args: unknown[]) => unknown;
const original = (name: string): Fn => getOriginal('fs', name) as Fn;
const live = (name: string): Fn => (fs as unknown as Record<string, Fn>)[name];

let dir: string;
let n = 0;
const fresh = (): string => {
  const d = path.join(dir, `case-${n++}`);
  fs.mkdirSync(d);
  return d;
};

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tinyevent-fs-'));
  patchFs();
});
afterAll(() => {
  unpatchAll();
  fs.rmSync(dir, { recursive: true, force: true });
});

/**
 * Runs the same call with the original (root, nothing else running) and the
 * patched function (in a greenlet), each on its own copy of the setup, and
 * expects the same result or the same error fields.
 */
function sideBySide(name: string, setup: (d: string) => unknown[], view: (value: unknown, d: string) => unknown = (v) => v): void {
  const run = (fn: Fn, where: 'root' | 'greenlet'): unknown => {
    const d = fresh();
    const args = setup(d);
    const call = (): unknown => view(fn(...args), d);
    const result = where === 'root' ? outcome(call) : inGreenlet(() => outcome(call));
    // Paths differ between the two copies: compare them relative to the copy.
    return JSON.parse(JSON.stringify(result, (_k, v: unknown) => (typeof v === 'string' ? v.split(d).join('<d>') : v)));
  };
  expect(run(live(name), 'greenlet'), name).toEqual(run(original(name), 'root'));
}

describe('fs patch: coverage', () => {
  it('patches every *Sync export or lists why it is left alone', () =>
    onLoop(() => {
      const syncNames = Object.keys(fs).filter((k) => k.endsWith('Sync'));
      expect(syncNames.length).toBeGreaterThan(40);
      for (const name of syncNames) {
        if (name in FS_LEFT_ALONE) continue;
        expect(getOriginal('fs', name), `${name} is neither patched nor listed`).not.toBe(live(name));
      }
      expect(isPatched('fs')).toBe(true);
    }));

  it('keeps name, length and properties (realpathSync.native)', () =>
    onLoop(() => {
      for (const name of Object.keys(fs).filter((k) => k.endsWith('Sync') && !(k in FS_LEFT_ALONE))) {
        expect(live(name).name, name).toBe(original(name).name);
        expect(live(name).length, name).toBe(original(name).length);
      }
      const native = (fs.realpathSync as unknown as { native: Fn }).native;
      expect(typeof native).toBe('function');
      expect(native).not.toBe((original('realpathSync') as unknown as { native: Fn }).native);
      expect(native.name).toBe((original('realpathSync') as unknown as { native: Fn }).native.name);
    }));

  it('leaves fs.promises alone and patching twice is harmless', () =>
    onLoop(() => {
      const before = fs.readFileSync;
      patchFs();
      patchAll({ childProcess: false, timers: false, net: false, deasync: false });
      expect(fs.readFileSync).toBe(before);
      expect(fs.promises.readFile).toBe(fsp.readFile);
    }));
});

describe('fs patch: yields only the calling greenlet', () => {
  const fifo = (): string => {
    const file = path.join(fresh(), 'fifo');
    execFileSync('mkfifo', [file]);
    return file;
  };

  it('lets another greenlet run while one waits on a FIFO', () =>
    onLoop(() => {
      const file = fifo();
      const log: string[] = [];
      const a = spawn(() => {
        log.push('a:start');
        const text = fs.readFileSync(file, 'utf8');
        log.push(`a:end ${text}`);
      });
      const b = spawn(() => {
        log.push('b');
        fs.writeFileSync(file, 'through the pipe');
      });
      joinall([a, b]);
      expect(log).toEqual(['a:start', 'b', 'a:end through the pipe']);
    }));

  it('runs small calls on a local disk inline, as gevent does, and big ones through their twin', () =>
    onLoop(() => {
      const d = fresh();
      const small = path.join(d, 'small');
      const big = path.join(d, 'big');
      fs.writeFileSync(small, 'x'.repeat(1000));
      fs.writeFileSync(big, Buffer.alloc(INLINE_MAX_BYTES + 1));
      const log: string[] = [];
      const a = spawn(() => {
        log.push('a:start');
        fs.statSync(small);
        fs.readdirSync(d);
        fs.writeFileSync(path.join(d, 'w'), 'y');
        log.push(`a:small ${fs.readFileSync(small, 'utf8').length}`);
        log.push(`a:big ${fs.readFileSync(big).length}`);
      });
      const b = spawn(() => log.push('b'));
      joinall([a, b]);
      expect(log).toEqual(['a:start', 'a:small 1000', 'b', `a:big ${INLINE_MAX_BYTES + 1}`]);
    }));

  it('sends a descriptor that is not a regular file through the twin', () =>
    onLoop(() => {
      const file = fifo();
      const log: string[] = [];
      const a = spawn(() => {
        const fd = fs.openSync(file, 'r');
        const buffer = Buffer.alloc(16);
        log.push('a:reading');
        const n = fs.readSync(fd, buffer);
        fs.closeSync(fd);
        log.push(`a:read ${buffer.subarray(0, n).toString()}`);
      });
      const b = spawn(() => {
        const fd = fs.openSync(file, 'w');
        sleep(10); // a is in readSync by now
        log.push('b:writes');
        fs.writeSync(fd, 'fifo bytes');
        fs.closeSync(fd);
      });
      joinall([a, b]);
      expect(log).toEqual(['a:reading', 'b:writes', 'a:read fifo bytes']);
    }));

  it('in the root greenlet, yields only while other greenlets exist', () =>
    onLoop(() => {
      const file = path.join(fresh(), 'f');
      fs.writeFileSync(file, 'abc');
      const pipe = fifo();
      const log: string[] = [];
      log.push(fs.readFileSync(file, 'utf8')); // no greenlet: the original, nothing else runs
      const g = spawn(() => {
        log.push('g');
        fs.writeFileSync(pipe, 'abc');
      });
      log.push(fs.readFileSync(pipe, 'utf8')); // a greenlet is pending: it runs meanwhile
      joinall([g]);
      expect(log).toEqual(['abc', 'g', 'abc']);
    }));

  it('never yields inside require(): a module loads whole', () =>
    onLoop(() => {
      const d = fresh();
      const modFile = path.join(d, 'mod.js');
      fs.writeFileSync(path.join(d, 'data.txt'), 'data');
      fs.writeFileSync(modFile, `const fs = require('fs'); global.__teLog.push('m:start'); fs.readFileSync(${JSON.stringify(path.join(d, 'data.txt'))}); global.__teLog.push('m:end');`);
      const log: string[] = [];
      (globalThis as { __teLog?: string[] }).__teLog = log;
      const a = spawn(() => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        require(modFile);
        log.push('a:done');
      });
      const b = spawn(() => log.push('b'));
      joinall([a, b]);
      expect(log.indexOf('m:end')).toBe(log.indexOf('m:start') + 1);
      delete (globalThis as { __teLog?: string[] }).__teLog;
    }));

  it('inside Hub callbacks (links) uses the original', () =>
    onLoop(() => {
      const file = path.join(fresh(), 'f');
      fs.writeFileSync(file, 'linked');
      let seen = '';
      const g = spawn(() => 1);
      g.link(() => {
        seen = fs.readFileSync(file, 'utf8');
      });
      joinall([g]);
      joinall([spawn(() => 0)]); // let the link run
      expect(seen).toBe('linked');
    }));
});

describe.each([
  ['through the twins', false],
  ['inline', true],
])('fs patch: same results and errors as the originals (%s)', (_how, inline) => {
  beforeAll(() => setInlineCalls(inline));
  afterAll(() => setInlineCalls(true));
  const withFile = (d: string, content = 'hello'): string => {
    const f = path.join(d, 'file.txt');
    fs.writeFileSync(f, content);
    return f;
  };
  const statView = (s: unknown): unknown => {
    if (s === undefined) return 'undefined';
    const st = s as fs.Stats;
    return { size: String(st.size), mode: String(st.mode), file: st.isFile(), dir: st.isDirectory(), link: st.isSymbolicLink(), bigint: typeof st.size === 'bigint' ? 'big' : 'num' };
  };

  it('reads, writes and appends', () =>
    onLoop(() => {
      sideBySide('readFileSync', (d) => [withFile(d)]);
      sideBySide('readFileSync', (d) => [withFile(d), 'utf8']);
      sideBySide('readFileSync', (d) => [withFile(d), { encoding: 'base64', flag: 'r' }]);
      sideBySide('readFileSync', (d) => [path.join(d, 'missing')]);
      sideBySide('readFileSync', (d) => [d]); // EISDIR
      sideBySide('readFileSync', () => [{}]); // the original's own TypeError
      sideBySide('writeFileSync', (d) => [path.join(d, 'w'), 'data', { mode: 0o600 }], (_v, d) => fs.readFileSync(path.join(d, 'w'), 'utf8'));
      sideBySide('writeFileSync', (d) => [path.join(d, 'nope', 'w'), 'data']);
      sideBySide('writeFileSync', (d) => [path.join(d, 'w'), ['not', 'data']]);
      sideBySide('appendFileSync', (d) => [withFile(d), Buffer.from(' more')], (_v, d) => fs.readFileSync(path.join(d, 'file.txt'), 'utf8'));
    }));

  it('stats, lists, checks and resolves', () =>
    onLoop(() => {
      sideBySide('statSync', (d) => [withFile(d)], statView);
      sideBySide('statSync', (d) => [withFile(d), { bigint: true }], statView);
      sideBySide('statSync', (d) => [path.join(d, 'missing')], statView);
      sideBySide('statSync', (d) => [path.join(d, 'missing'), { throwIfNoEntry: false }], statView);
      sideBySide('lstatSync', (d) => {
        fs.symlinkSync(withFile(d), path.join(d, 'ln'));
        return [path.join(d, 'ln')];
      }, statView);
      sideBySide('readdirSync', (d) => {
        withFile(d);
        fs.mkdirSync(path.join(d, 'sub'));
        return [d];
      }, (v) => (v as string[]).sort());
      sideBySide('readdirSync', (d) => {
        withFile(d);
        fs.mkdirSync(path.join(d, 'sub'));
        return [d, { withFileTypes: true }];
      }, (v) => (v as fs.Dirent[]).map((e) => [e.name, e.isDirectory()]).sort());
      sideBySide('readdirSync', (d) => [path.join(d, 'missing')]);
      sideBySide('existsSync', (d) => [withFile(d)]);
      sideBySide('existsSync', (d) => [path.join(d, 'missing')]);
      sideBySide('existsSync', () => [12.5]);
      sideBySide('accessSync', (d) => [withFile(d), fs.constants.R_OK]);
      sideBySide('accessSync', (d) => [path.join(d, 'missing')]);
      sideBySide('realpathSync', (d) => {
        fs.symlinkSync(withFile(d), path.join(d, 'ln'));
        return [path.join(d, 'ln')];
      });
      sideBySide('realpathSync', (d) => [path.join(d, 'missing')]);
      sideBySide('readlinkSync', (d) => {
        fs.symlinkSync('target', path.join(d, 'ln'));
        return [path.join(d, 'ln')];
      });
      sideBySide('readlinkSync', (d) => [withFile(d)]); // EINVAL
      const native = (fs.realpathSync as unknown as { native: Fn }).native;
      const d = fresh();
      expect(inGreenlet(() => outcome(() => native(path.join(d, 'missing'))))).toEqual(
        outcome(() => (original('realpathSync') as unknown as { native: Fn }).native(path.join(d, 'missing'))),
      );
      expect(inGreenlet(() => native(d))).toBe(fs.realpathSync(d));
    }));

  it('creates, moves and removes', () =>
    onLoop(() => {
      sideBySide('mkdirSync', (d) => [path.join(d, 'a', 'b'), { recursive: true }]);
      sideBySide('mkdirSync', (d) => [d]); // EEXIST
      sideBySide('mkdtempSync', (d) => [path.join(d, 'tmp-')], (v) => path.basename(v as string).length);
      sideBySide('renameSync', (d) => [withFile(d), path.join(d, 'moved')], (_v, d) => fs.readdirSync(d));
      sideBySide('renameSync', (d) => [path.join(d, 'missing'), path.join(d, 'moved')]);
      sideBySide('copyFileSync', (d) => [withFile(d), path.join(d, 'copy')], (_v, d) => fs.readFileSync(path.join(d, 'copy'), 'utf8'));
      sideBySide('copyFileSync', (d) => [withFile(d), d, fs.constants.COPYFILE_EXCL]);
      sideBySide('cpSync', (d) => {
        withFile(d);
        return [d, path.join(dir, `cp-${n}-${Math.random()}`), { recursive: true }];
      }, () => 'copied');
      sideBySide('unlinkSync', (d) => [withFile(d)], (_v, d) => fs.readdirSync(d));
      sideBySide('unlinkSync', (d) => [path.join(d, 'missing')]);
      sideBySide('rmSync', (d) => [path.join(d, 'missing')]);
      sideBySide('rmSync', (d) => [path.join(d, 'missing'), { force: true }]);
      sideBySide('rmdirSync', (d) => [d, { recursive: false }], (_v, d) => fs.existsSync(d));
      sideBySide('rmdirSync', (d) => {
        withFile(d);
        return [d];
      }); // ENOTEMPTY
      sideBySide('symlinkSync', (d) => [withFile(d), path.join(d, 'ln')], (_v, d) => fs.readlinkSync(path.join(d, 'ln')));
      sideBySide('linkSync', (d) => [withFile(d), path.join(d, 'hard')], (_v, d) => fs.statSync(path.join(d, 'hard')).nlink);
      sideBySide('truncateSync', (d) => [withFile(d), 2], (_v, d) => fs.readFileSync(path.join(d, 'file.txt'), 'utf8'));
      sideBySide('chmodSync', (d) => [withFile(d), 0o640], (_v, d) => fs.statSync(path.join(d, 'file.txt')).mode & 0o777);
      sideBySide('chownSync', (d) => [withFile(d), process.getuid?.() ?? 0, process.getgid?.() ?? 0]);
      sideBySide('utimesSync', (d) => [withFile(d), 1000, 2000], (_v, d) => fs.statSync(path.join(d, 'file.txt')).mtimeMs);
      sideBySide('lutimesSync', (d) => [withFile(d), 1000, 3000], (_v, d) => fs.statSync(path.join(d, 'file.txt')).mtimeMs);
      sideBySide('lchownSync', (d) => [withFile(d), process.getuid?.() ?? 0, process.getgid?.() ?? 0]);
      sideBySide('statfsSync', (d) => [d], (v) => typeof (v as fs.StatsFs).bsize);
      sideBySide('opendirSync', (d) => [withFile(d)]); // ENOTDIR
      const d = fresh();
      withFile(d);
      const dirHandle = inGreenlet(() => fs.opendirSync(d));
      expect(dirHandle.readSync()?.name).toBe('file.txt');
      dirHandle.closeSync();
    }));

  it('works on file descriptors', () =>
    onLoop(() => {
      const d = fresh();
      const file = withFile(d, 'abcdefgh');
      const viaFd = (fn: (fd: number) => unknown, flags = 'r+'): unknown => {
        const fd = fs.openSync(file, flags);
        try {
          return outcome(() => fn(fd));
        } finally {
          fs.closeSync(fd);
        }
      };
      const cases: [string, (fd: number) => unknown][] = [
        ['read 3 at 2', (fd) => { const b = Buffer.alloc(8); return [fs.readSync(fd, b, 0, 3, 2), b.toString()]; }],
        ['read options', (fd) => { const b = Buffer.alloc(8); return [fs.readSync(fd, b, { position: 1, length: 2 }), b.toString()]; }],
        ['read number as options', (fd) => { const b = Buffer.alloc(4); return [fs.readSync(fd, b, 1), b.toString()]; }],
        ['read default', (fd) => { const b = Buffer.alloc(4); return [fs.readSync(fd, b), b.toString()]; }],
        ['write buffer', (fd) => [fs.writeSync(fd, Buffer.from('XY'), 0, 2, 1), fs.readFileSync(file, 'utf8')]],
        ['write string', (fd) => [fs.writeSync(fd, 'zz', 4), fs.readFileSync(file, 'utf8')]],
        ['readv', (fd) => { const a = Buffer.alloc(2); const b = Buffer.alloc(3); return [fs.readvSync(fd, [a, b], 0), a.toString(), b.toString()]; }],
        ['writev', (fd) => [fs.writevSync(fd, [Buffer.from('1'), Buffer.from('2')], 0), fs.readFileSync(file, 'utf8')]],
        ['fstat', (fd) => fs.fstatSync(fd).size],
        ['fsync', (fd) => fs.fsyncSync(fd)],
        ['fdatasync', (fd) => fs.fdatasyncSync(fd)],
        ['ftruncate', (fd) => [fs.ftruncateSync(fd, 3), fs.readFileSync(file, 'utf8')]],
        ['futimes', (fd) => [fs.futimesSync(fd, 5, 6), fs.statSync(file).mtimeMs]],
        ['fchmod', (fd) => [fs.fchmodSync(fd, 0o600), fs.statSync(file).mode & 0o777]],
        ['bad fd', () => fs.fstatSync(987654)],
        ['bad read length', (fd) => fs.readSync(fd, Buffer.alloc(2), 0, 50, 0)],
      ];
      for (const [label, fn] of cases) {
        fs.writeFileSync(file, 'abcdefgh');
        const patched = inGreenlet(() => viaFd(fn));
        fs.writeFileSync(file, 'abcdefgh');
        unpatchAll();
        const plain = viaFd(fn);
        patchFs();
        expect(patched, label).toEqual(plain);
      }
      const fd = inGreenlet(() => fs.openSync(path.join(d, 'new'), 'w', 0o644));
      expect(typeof fd).toBe('number');
      inGreenlet(() => fs.closeSync(fd));
      expect(inGreenlet(() => outcome(() => fs.openSync(path.join(d, 'missing'))))).toEqual(outcome(() => original('openSync')(path.join(d, 'missing'))));
    }));

  it('gives errors a stack that starts at the caller, not in tinyevent', () =>
    onLoop(() => {
      const error = thrownInGreenlet(() => fs.readFileSync(path.join(dir, 'missing')));
      expect(error).toBeInstanceOf(Error);
      expect((error as Error).stack).toContain('monkey-fs.test.ts');
      expect(hasPatchFrames(error)).toBe(false);
    }));

  it('unpatchAll restores the originals', () =>
    onLoop(() => {
      const saved = original('readFileSync');
      unpatchAll();
      expect(fs.readFileSync).toBe(saved);
      expect(isPatched('fs')).toBe(false);
      patchFs();
      expect(fs.readFileSync).not.toBe(saved);
      expect(getOriginal('fs', 'readFileSync')).toBe(saved);
    }));
});

// Functions newer Node lines added (each checked where it exists), and error details.
describe('fs patch: newer functions, error details', () => {
  const table = fs as unknown as Record<string, Fn | undefined>;
  const tree = (d: string): void => {
    for (const sub of ['a', 'b', path.join('b', 'c')]) fs.mkdirSync(path.join(d, sub), { recursive: true });
    for (const file of ['x.js', 'y.ts', path.join('a', 'z.js'), path.join('b', 'c', 'w.js'), path.join('b', 'v.md')]) {
      fs.writeFileSync(path.join(d, file), file);
    }
  };

  it.runIf(typeof table.globSync === 'function')('globSync (Node 22+): same matches, same order, same errors', () =>
    onLoop(() => {
      sideBySide('globSync', (d) => (tree(d), ['**/*.js', { cwd: d }]));
      sideBySide('globSync', (d) => (tree(d), [[path.join(d, '*.ts'), path.join(d, 'b/**')]]));
      sideBySide('globSync', (d) => (tree(d), ['**', { cwd: d, exclude: (name: string) => name.endsWith('.md') }]));
      sideBySide('globSync', (d) => (tree(d), ['*', { cwd: d, withFileTypes: true }]), (v) =>
        (v as fs.Dirent[]).map((e) => [e.name, e.isDirectory()]),
      );
      sideBySide('globSync', (d) => ['*', { cwd: path.join(d, 'missing') }]);
      sideBySide('globSync', () => [42]); // the original's TypeError
      sideBySide('globSync', () => ['*', 'not options']);
      const matched = inGreenlet(() => {
        const d = fresh();
        tree(d);
        return fs.globSync('**/*.js', { cwd: d });
      });
      expect([...matched].sort()).toEqual(['a/z.js', 'b/c/w.js', 'x.js']);
    }));

  it('mkdtempSync: a failed one names the template, as the original', () =>
    onLoop(() => {
      sideBySide('mkdtempSync', (d) => [path.join(d, 'missing', 'tmp-')]);
      sideBySide('mkdtempSync', (d) => [path.join(d, 'missing', 'tmp-'), 'buffer']);
    }));

  it.runIf(typeof table.mkdtempDisposableSync === 'function')('mkdtempDisposableSync (Node 24+): a directory that removes itself', () =>
    onLoop(() => {
      type Disposable = { path: string; remove(): void; [Symbol.dispose](): void };
      const view = (v: unknown, d: string): unknown => {
        const made = v as Disposable;
        const shape = { keys: Object.keys(made), named: path.basename(made.path).startsWith('tmp-'), exists: fs.existsSync(made.path) };
        fs.writeFileSync(path.join(made.path, 'inside'), 'x');
        made.remove();
        const removed = !fs.existsSync(made.path);
        made.remove(); // already gone: no error
        made[Symbol.dispose]();
        return { ...shape, removed, under: path.dirname(made.path) === d };
      };
      sideBySide('mkdtempDisposableSync', (d) => [path.join(d, 'tmp-')], view);
      sideBySide('mkdtempDisposableSync', (d) => [path.join(d, 'missing', 'tmp-')]);
      sideBySide('mkdtempDisposableSync', () => [42]);
      // Through its twin (inline, a small call on a local disk runs whole) it yields.
      const log: string[] = [];
      setInlineCalls(false);
      try {
        const a = spawn(() => {
          const made = fs.mkdtempDisposableSync(path.join(fresh(), 'tmp-'));
          log.push(`made ${fs.existsSync(made.path)}`);
          made.remove();
        });
        const b = spawn(() => log.push('b'));
        joinall([a, b]);
      } finally {
        setInlineCalls(true);
      }
      expect(log).toEqual(['b', 'made true']);
    }));
});
