import childProcess from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { getOriginal, isPatched, joinall, patchChildProcess, spawn, unpatchAll } from '../src/index';
import { errorFields, hasPatchFrames, inGreenlet, onLoop, outcome, thrownInGreenlet } from './monkey-util';

type Fn = (...args: unknown[]) => unknown;
const NAMES = ['execSync', 'execFileSync', 'spawnSync'] as const;
const original = (name: string): Fn => getOriginal('child_process', name) as Fn;
const live = (name: string): Fn => (childProcess as unknown as Record<string, Fn>)[name];

beforeAll(() => patchChildProcess());
afterAll(() => unpatchAll());

/** What the caller sees, with the pid (which differs per run) blanked. */
function view(value: unknown): unknown {
  const seen = new Set<unknown>();
  const blank = (v: unknown): unknown => {
    if (v === null || typeof v !== 'object') return v;
    if (seen.has(v)) return '<cycle>';
    seen.add(v);
    if (Buffer.isBuffer(v)) return `<buffer ${v.toString('latin1')}>`;
    if (v instanceof Error) {
      const fields = errorFields(v);
      for (const [k, inner] of Object.entries(fields)) if (inner === v) fields[k] = '<self>';
      return blank(fields);
    }
    if (Array.isArray(v)) return v.map(blank);
    const out: Record<string, unknown> = {};
    for (const [k, inner] of Object.entries(v)) out[k] = k === 'pid' ? (inner === 0 ? 0 : 'pid') : blank(inner);
    return out;
  };
  return blank(value);
}

function sideBySide(name: string, args: unknown[], tweak: (v: unknown) => unknown = (v) => v): void {
  const plain = tweak(view(outcome(() => original(name)(...args))));
  const patched = tweak(view(inGreenlet(() => outcome(() => live(name)(...args)))));
  expect(patched, `${name}(${JSON.stringify(args)})`).toEqual(plain);
}

describe('child_process patch', () => {
  it('keeps names and lengths, and patching twice is harmless', () =>
    onLoop(() => {
      for (const name of NAMES) {
        expect(live(name)).not.toBe(original(name));
        expect(live(name).name).toBe(original(name).name);
        expect(live(name).length).toBe(original(name).length);
      }
      const before = childProcess.execSync;
      patchChildProcess();
      expect(childProcess.execSync).toBe(before);
      expect(isPatched('child_process')).toBe(true);
    }));

  it('overlaps: greenlets each running execSync("sleep") all start before any ends', () =>
    onLoop(() => {
      const log: string[] = [];
      const gs = [0, 1, 2, 3, 4].map((i) =>
        spawn(() => {
          log.push(`start ${i}`);
          const out = childProcess.execSync(`sleep 0.2; echo ${i}`).toString().trim();
          log.push(`end ${out}`);
        }),
      );
      joinall(gs);
      expect(log.slice(0, 5).every((l) => l.startsWith('start'))).toBe(true);
      expect(log.slice(5).sort()).toEqual(['end 0', 'end 1', 'end 2', 'end 3', 'end 4']);
    }));

  it('spawnSync: same result object for every option', () =>
    onLoop(() => {
      sideBySide('spawnSync', ['sh', ['-c', 'echo out; echo err >&2; exit 2']]);
      sideBySide('spawnSync', ['sh', ['-c', 'echo out'], { encoding: 'utf8' }]);
      sideBySide('spawnSync', ['cat', [], { input: 'from input' }]);
      sideBySide('spawnSync', ['cat', [], { input: Buffer.from('buffer input'), encoding: 'latin1' }]);
      sideBySide('spawnSync', ['cat', { input: new Uint8Array([104, 105]) }]);
      sideBySide('spawnSync', ['sh', ['-c', 'echo $FOO; pwd'], { env: { FOO: 'bar', PATH: process.env.PATH }, cwd: '/tmp' }]);
      sideBySide('spawnSync', ['echo $0', { shell: '/bin/bash' }]);
      sideBySide('spawnSync', ['echo hi', { shell: true, windowsHide: true }]);
      sideBySide('spawnSync', ['true', [], { stdio: 'inherit' }]);
      sideBySide('spawnSync', ['sh', ['-c', 'echo 3 >&3; echo 1'], { stdio: ['pipe', 'ignore', 'pipe', 'pipe'] }]);
      sideBySide('spawnSync', ['sh', ['-c', 'echo x'], { stdio: ['ignore', 'pipe', 2] }]);
      sideBySide('spawnSync', ['no-such-command-tinyevent', ['a']]);
      sideBySide('spawnSync', ['true', [], { cwd: '/no/such/dir' }]);
      sideBySide('spawnSync', ['sh', ['-c', 'kill -9 $$']]);
      sideBySide('spawnSync', ['sh', ['-c', 'echo before; exec sleep 2'], { timeout: 100 }]);
      sideBySide('spawnSync', ['sh', ['-c', 'echo before; exec sleep 2'], { timeout: 100, killSignal: 'SIGKILL' }]);
      sideBySide('spawnSync', ['sh', ['-c', 'exec sleep 2'], { timeout: 100, killSignal: 9 }]);
      // ENOBUFS: how much was read before the kill depends on pipe timing, so compare the rest.
      const dropOutput = (v: unknown): unknown => {
        const r = v as { value?: Record<string, unknown> };
        if (r.value) for (const k of ['output', 'stdout', 'stderr']) delete r.value[k];
        return v;
      };
      sideBySide('spawnSync', ['sh', ['-c', 'head -c 100000 /dev/zero; exec sleep 2'], { maxBuffer: 10 }], dropOutput);
      sideBySide('spawnSync', ['sh', ['-c', 'echo 12345; exec sleep 1'], { maxBuffer: 3, encoding: 'utf8' }], dropOutput);
    }));

  it('spawnSync: argument errors are the original errors', () =>
    onLoop(() => {
      sideBySide('spawnSync', ['true', [], { maxBuffer: -1 }]);
      sideBySide('spawnSync', ['true', [], { timeout: -5 }]);
      sideBySide('spawnSync', ['true', [], { input: 5 }]);
      sideBySide('spawnSync', ['true', [], { killSignal: 'SIGNOPE' }]);
      sideBySide('spawnSync', ['true', [], { cwd: 5 }]);
      sideBySide('spawnSync', [5]);
      sideBySide('spawnSync', ['true', 'notarray']);
      sideBySide('spawnSync', ['true', [], { stdio: 'bogus' }]);
    }));

  it('execSync: same output and same errors', () =>
    onLoop(() => {
      sideBySide('execSync', ['echo hello']);
      sideBySide('execSync', ['echo hello', { encoding: 'utf8' }]);
      sideBySide('execSync', ['cat', { input: 'piped' }]);
      sideBySide('execSync', ['echo out; echo bad >&2; exit 3', { stdio: 'pipe' }]);
      sideBySide('execSync', ['exit 4', { stdio: 'pipe', encoding: 'utf8' }]);
      sideBySide('execSync', ['exec sleep 2', { timeout: 100 }]);
      sideBySide('execSync', ['echo $0', { shell: '/bin/bash' }]);
      sideBySide('execSync', ['pwd', { cwd: '/tmp', encoding: 'utf8' }]);
      sideBySide('execSync', ['kill -TERM $$', { stdio: 'pipe' }]);
      sideBySide('execSync', ['true', { stdio: 'inherit' }]);
      sideBySide('execSync', [42]);
      sideBySide('execSync', ['true', 'notoptions']);
    }));

  it('execFileSync: same output and same errors', () =>
    onLoop(() => {
      sideBySide('execFileSync', ['echo', ['a', 'b']]);
      sideBySide('execFileSync', ['echo', ['a'], { encoding: 'utf8' }]);
      sideBySide('execFileSync', ['cat', { input: 'x' }]);
      sideBySide('execFileSync', ['no-such-command-tinyevent', ['x']]);
      sideBySide('execFileSync', ['sh', ['-c', 'echo err >&2; exit 5'], { stdio: 'pipe' }]);
      sideBySide('execFileSync', ['sh', ['-c', 'exit 5'], { argv0: 'custom', stdio: 'pipe' }]);
      sideBySide('execFileSync', ['sleep', ['2'], { timeout: 100 }]);
      sideBySide('execFileSync', ['sh', ['-c', 'head -c 5000 /dev/zero; exec sleep 1'], { maxBuffer: 100 }], (v) => {
        // The error's own `error` property is the error itself: trim both levels.
        const r = v as { error?: Record<string, unknown> & { error?: Record<string, unknown> } };
        for (const level of [r.error, r.error?.error]) if (level) for (const k of ['output', 'stdout', 'stderr']) delete level[k];
        return v;
      });
      sideBySide('execFileSync', ['true', [], 'bad options']);
      sideBySide('execFileSync', ['true', [], { argv0: 5 }]);
    }));

  it('errors carry the caller stack, not tinyevent frames', () =>
    onLoop(() => {
      for (const call of [() => childProcess.execSync('exit 1', { stdio: 'pipe' }), () => childProcess.execFileSync('no-such-command-tinyevent'), () => childProcess.execSync('exec sleep 1', { timeout: 50 })]) {
        const error = thrownInGreenlet(call);
        expect(error).toBeInstanceOf(Error);
        expect((error as Error).stack).toContain('monkey-child.test.ts');
        expect(hasPatchFrames(error)).toBe(false);
      }
    }));

  it('a greenlet killed while waiting kills its child', () =>
    onLoop(() => {
      let pidFile = '';
      const g = spawn(() => {
        pidFile = `/tmp/tinyevent-kill-${process.pid}`;
        childProcess.execSync(`echo $$ > ${pidFile}; exec sleep 5`);
      });
      const watcher = spawn(() => {
        while (!require('node:fs').existsSync(pidFile) || require('node:fs').readFileSync(pidFile, 'utf8') === '') childProcess.execSync('sleep 0.05');
        g.kill();
      });
      joinall([g, watcher]);
      const pid = Number(require('node:fs').readFileSync(pidFile, 'utf8'));
      require('node:fs').unlinkSync(pidFile);
      // Gone or a zombie waiting to be reaped: either way, killed.
      const state = (): string => childProcess.spawnSync('ps', ['-o', 'stat=', '-p', String(pid)], { encoding: 'utf8' }).stdout.trim();
      let alive = true;
      for (let i = 0; i < 50 && alive; i++) {
        alive = state() !== '' && !state().startsWith('Z');
        if (alive) inGreenlet(() => childProcess.execSync('sleep 0.02'));
      }
      expect(alive).toBe(false);
    }));
});
