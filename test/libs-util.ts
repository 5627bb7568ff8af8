// Helpers for the real-library tests: run a fixture under plain Node and under
// tinyevent/register, and compare what each task printed.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { expect } from 'vitest';

import { execFile } from 'node:child_process';

import { linkPackage, NodeRun, ROOT } from './monkey-util';

/** Per-test deadline: plain runs of these programs take seconds on a busy machine. */
export const LIB_TEST_MS = 60_000;

/** Runs `node ...args` from the repository root (killed after 50 s). */
export function runNode(args: string[], env: Record<string, string | undefined> = {}): Promise<NodeRun> {
  return new Promise((resolve) => {
    const merged: Record<string, string | undefined> = { ...process.env, ...env };
    for (const key of Object.keys(merged)) if (merged[key] === undefined) delete merged[key];
    execFile(process.execPath, args, { cwd: ROOT, env: merged, timeout: 50_000 }, (error, stdout, stderr) => {
      const code = error ? ((error as { code?: unknown }).code as number | null) ?? 1 : 0;
      resolve({ code: typeof code === 'number' ? code : 1, stdout, stderr, lines: stdout.split('\n').filter((l) => l !== '') });
    });
  });
}

/** True if a second task started before the first one finished. */
export function overlapped(lines: string[]): boolean {
  const starts = lines.map((l, i) => (l.startsWith('start') ? i : -1)).filter((i) => i >= 0);
  const firstDone = lines.findIndex((l) => l.startsWith('done'));
  return starts.length > 1 && firstDone >= 0 && starts[1] < firstDone;
}

export function ensureBuilt(): void {
  if (!fs.existsSync(path.join(ROOT, 'dist', 'esm', 'register.mjs'))) throw new Error('build first: npm run build');
  linkPackage();
}

export const libFixture = (name: string): string => path.join('fixtures', 'libs', name);

/** The "done <id> ..." lines, by id: what each task returned or threw. */
export function results(run: NodeRun): string[] {
  return run.lines.filter((line) => line.startsWith('done ')).sort();
}

export interface Compared {
  plain: NodeRun;
  patched: NodeRun;
}

/**
 * Runs the fixture plain and under `preload` (default `-r tinyevent/register`):
 * both exit cleanly, every task prints the same result, and (unless
 * `overlap` is false) the tasks overlap under register only.
 */
export interface SameOptions {
  /** The tasks overlap under register (default true). */
  overlap?: boolean;
  /** Plain Node runs the tasks one after another (default true; deasync nests them). */
  plainSerial?: boolean;
  /** Both runs print the same stderr (default true). */
  sameStderr?: boolean;
  preload?: string[];
  env?: Record<string, string>;
}

export async function sameUnderRegister(name: string, opts: SameOptions = {}): Promise<Compared> {
  const [plain, patched] = await Promise.all([
    runNode([libFixture(name)], opts.env),
    runNode([...(opts.preload ?? ['-r', 'tinyevent/register']), libFixture(name)], opts.env),
  ]);
  expect(plain.code, plain.stderr).toBe(0);
  expect(patched.code, patched.stderr).toBe(0);
  if (opts.sameStderr !== false) expect(patched.stderr).toBe(plain.stderr);
  expect(results(plain).length).toBeGreaterThan(0);
  expect(results(patched)).toEqual(results(plain));
  if (opts.plainSerial !== false) expect(overlapped(plain.lines)).toBe(false);
  if (opts.overlap !== false) expect(overlapped(patched.lines)).toBe(true);
  return { plain, patched };
}
