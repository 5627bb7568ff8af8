// Helpers for the real-library tests: run a fixture under plain Node and under
// tinyevent/register, and compare what each task printed.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { expect } from 'vitest';

import { linkPackage, NodeRun, overlapped, ROOT, runNode } from './monkey-util';

export { overlapped };

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
export async function sameUnderRegister(name: string, opts: { overlap?: boolean; preload?: string[]; env?: Record<string, string> } = {}): Promise<Compared> {
  const [plain, patched] = await Promise.all([
    runNode([libFixture(name)], opts.env),
    runNode([...(opts.preload ?? ['-r', 'tinyevent/register']), libFixture(name)], opts.env),
  ]);
  expect(plain.code, plain.stderr).toBe(0);
  expect(patched.code, patched.stderr).toBe(0);
  expect(patched.stderr).toBe(plain.stderr);
  expect(results(plain).length).toBeGreaterThan(0);
  expect(results(patched)).toEqual(results(plain));
  expect(overlapped(plain.lines)).toBe(false);
  if (opts.overlap !== false) expect(overlapped(patched.lines)).toBe(true);
  return { plain, patched };
}
