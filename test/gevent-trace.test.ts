// gevent as the judge: every program in test/gevent/ runs under real gevent
// (/usr/bin/python3) and, as its tinyevent translation, under node; the
// printed traces (stdout) and exit codes must be the same, line by line.
// Skipped, saying why, where gevent is not installed.
import { spawn as spawnChild, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

import { describe, expect, it } from 'vitest';

const DIR = path.join(__dirname, 'gevent');
const PYTHON = '/usr/bin/python3';
const DEADLINE_MS = 15_000;

function geventMissing(): string | undefined {
  const probe = spawnSync(PYTHON, ['-c', 'import gevent, greenlet'], { encoding: 'utf8', timeout: 10_000 });
  if (probe.error !== undefined) return `${PYTHON}: ${probe.error.message}`;
  if (probe.status !== 0) return probe.stderr.trim().split('\n').pop() ?? `exit ${probe.status}`;
  return undefined;
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawnChild(command, args, { cwd: DIR, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    const killer = setTimeout(() => child.kill('SIGKILL'), DEADLINE_MS);
    child.stdout.on('data', (chunk: Buffer) => (stdout += String(chunk)));
    child.stderr.on('data', (chunk: Buffer) => (stderr += String(chunk)));
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(killer);
      resolve({ code, stdout, stderr });
    });
  });
}

const lines = (text: string): string[] => text.split('\n').filter((line, i, all) => i < all.length - 1 || line !== '');

const programs = fs
  .readdirSync(DIR)
  .filter((name) => name.endsWith('.py'))
  .map((name) => name.slice(0, -3))
  .sort();

const missing = geventMissing();
if (missing !== undefined) {
  process.stderr.write(`gevent traces skipped: ${PYTHON} cannot import gevent (${missing}); install it with apt-get install python3-gevent\n`);
}

describe('the set of programs', () => {
  it('every Python program has its tinyevent translation, and the other way round', () => {
    const js = fs.readdirSync(DIR).filter((name) => name.endsWith('.js') && !name.startsWith('_')).map((name) => name.slice(0, -3));
    expect(js.sort()).toEqual(programs);
    expect(programs.length).toBeGreaterThanOrEqual(25);
  });
});

describe.skipIf(missing !== undefined)(`gevent traces${missing === undefined ? '' : ` (skipped: ${PYTHON} cannot import gevent: apt-get install python3-gevent)`}`, () => {
  for (const name of programs) {
    it(`${name}: tinyevent prints what gevent prints`, async () => {
      const [gevent, tinyevent] = await Promise.all([
        run(PYTHON, ['-u', `${name}.py`], { PYTHONUNBUFFERED: '1' }),
        run(process.execPath, [`${name}.js`]),
      ]);
      expect(gevent.code, `gevent's own run of ${name}.py failed:\n${gevent.stderr}`).not.toBe(null);
      expect(lines(gevent.stdout).length, `${name}.py prints a trace`).toBeGreaterThan(0);
      expect(lines(tinyevent.stdout), `${name}.js stderr:\n${tinyevent.stderr}`).toEqual(lines(gevent.stdout));
      expect(tinyevent.code, `${name}.js stderr:\n${tinyevent.stderr}`).toBe(gevent.code);
    }, DEADLINE_MS + 5_000);
  }
});
