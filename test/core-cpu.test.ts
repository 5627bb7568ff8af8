// TINYEVENT_CPU: greenlet threads may share the main thread's CPU (always, never,
// or as measured: auto); child processes and worker threads must not inherit
// that pin; an unknown mode is a RangeError.
import { spawnSync } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';

import { describe, expect, it } from 'vitest';

const SCRIPT = path.join(__dirname, 'scripts', 'cpu-mode.js');

function run(mode: string | undefined): { status: number | null; stdout: string; stderr: string } {
  const env = { ...process.env, TINYEVENT_CPU: mode };
  if (mode === undefined) delete env.TINYEVENT_CPU;
  return spawnSync(process.execPath, [SCRIPT], { encoding: 'utf8', timeout: 30_000, env });
}

describe('TINYEVENT_CPU', () => {
  it('shared: greenlets run, the main thread is pinned, child processes and workers are not', () => {
    const result = run('shared');
    expect(result.stderr).toBe('');
    const out = JSON.parse(result.stdout) as { cpu: string; done: number; main: string; child: string; fromGreenlet: string; worker: string; before: string };
    expect(out.cpu).toBe('shared');
    expect(out.done).toBe(200);
    if (os.availableParallelism() > 1) expect(out.main).not.toBe(out.before);
    expect(out.child).toBe(out.before);
    expect(out.fromGreenlet).toBe(out.before);
    expect(out.worker).toBe(out.before);
  });

  it('auto: greenlets run wherever it puts them; child processes and workers are never pinned', () => {
    const result = run('auto');
    expect(result.stderr).toBe('');
    const out = JSON.parse(result.stdout) as { cpu: string; done: number; main: string; child: string; fromGreenlet: string; worker: string; before: string };
    expect(['shared', 'spread']).toContain(out.cpu);
    expect(out.done).toBe(200);
    expect(out.main).toBe(out.cpu === 'shared' ? out.main : out.before);
    expect(out.child).toBe(out.before);
    expect(out.fromGreenlet).toBe(out.before);
    expect(out.worker).toBe(out.before);
  });

  it('auto is the default: the same guarantees without the variable', () => {
    const result = run(undefined);
    expect(result.stderr).toBe('');
    const out = JSON.parse(result.stdout) as { cpu: string; done: number; main: string; child: string; fromGreenlet: string; worker: string; before: string };
    expect(['shared', 'spread']).toContain(out.cpu);
    expect(out.done).toBe(200);
    expect(out.child).toBe(out.before);
    expect(out.fromGreenlet).toBe(out.before);
    expect(out.worker).toBe(out.before);
  });

  it('spread: nothing is pinned', () => {
    const out = JSON.parse(run('spread').stdout) as { cpu: string; done: number; main: string; before: string };
    expect(out.cpu).toBe('spread');
    expect(out.done).toBe(200);
    expect(out.main).toBe(out.before);
  });

  it('in a worker thread tinyevent leaves the placement alone (it is one per process)', () => {
    const result = spawnSync(process.execPath, [path.join(__dirname, 'scripts', 'cpu-worker.js')], {
      encoding: 'utf8',
      timeout: 30_000,
      env: { ...process.env, TINYEVENT_CPU: 'shared' },
    });
    expect(result.stderr).toBe('');
    const out = JSON.parse(result.stdout) as { cpu: string; done: number; worker: string; main: string; before: string };
    expect(out).toEqual({ cpu: 'spread', done: 50, worker: out.before, main: out.before, before: out.before });
  });

  it('an unknown mode is a RangeError at load', () => {
    const result = run('fastest');
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/RangeError: TINYEVENT_CPU must be 'auto', 'shared' or 'spread', got "fastest"/);
  });
});
