// Helpers for the monkey tests: run a function in a greenlet, and compare
// results and errors of a patched call with the original's.
import { Greenlet, joinall, spawn } from '../src/index';

/** Runs `fn` in a spawned greenlet and returns its value (or rethrows its error). */
export function inGreenlet<T>(fn: () => T): T {
  const g = spawn(fn) as Greenlet<T>;
  joinall([g]);
  if (!g.successful()) throw g.exception;
  return g.value as T;
}

export type Outcome = { ok: true; value: unknown } | { ok: false; error: Record<string, unknown> };

/** Everything a caller can observe of an error, stack aside. */
export function errorFields(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { thrown: error };
  const fields: Record<string, unknown> = { class: error.constructor.name, name: error.name, message: error.message };
  for (const key of Object.keys(error)) fields[key] = (error as unknown as Record<string, unknown>)[key];
  return fields;
}

export function outcome(fn: () => unknown): Outcome {
  try {
    return { ok: true, value: fn() };
  } catch (error) {
    return { ok: false, error: errorFields(error) };
  }
}

/** Runs `call` in a greenlet and returns what it threw (undefined if nothing). */
export function thrownInGreenlet(call: () => unknown): unknown {
  return inGreenlet(() => {
    try {
      call();
    } catch (error) {
      return error;
    }
    return undefined;
  });
}

/** True if the stack shows tinyevent's own patch frames. */
export function hasPatchFrames(error: unknown): boolean {
  const stack = error instanceof Error ? (error.stack ?? '') : '';
  return /[/\\](src|dist[/\\]cjs)[/\\]patches[/\\]/.test(stack);
}

// Vitest runs test bodies inside promise jobs: run blocking root code from a loop callback.
export { onLoop } from './core-util';

/** Starts fixtures/http-server.js in a child process; resolves with its base URL and a stop function. */
export function startHttpServer(): Promise<{ url: string; stop: () => void }> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { spawn: spawnChild } = require('node:child_process') as typeof import('node:child_process');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const path = require('node:path') as typeof import('node:path');
  const child = spawnChild(process.execPath, [path.join(__dirname, '../fixtures/http-server.js')], { stdio: ['pipe', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let text = '';
    child.stdout.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      const match = /listening (\d+)/.exec(text);
      if (match) resolve({ url: `http://127.0.0.1:${match[1]}`, stop: () => child.kill() });
    });
    child.on('error', reject);
    child.on('exit', (code) => reject(new Error(`http-server exited with ${code}`)));
  });
}

export const ROOT = require('node:path').join(__dirname, '..') as string;

/**
 * Makes `tinyevent` resolvable from the repository root (node_modules/tinyevent
 * → ..), as it is for an installed package, so `node -r tinyevent/register`
 * works on a fresh clone. Created atomically; harmless if it exists.
 */
export function linkPackage(): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const fs = require('node:fs') as typeof import('node:fs');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const path = require('node:path') as typeof import('node:path');
  const link = path.join(ROOT, 'node_modules', 'tinyevent');
  try {
    if (fs.realpathSync(link) === fs.realpathSync(ROOT)) return;
  } catch {
    // missing: create it
  }
  const temp = `${link}.${process.pid}.tmp`;
  fs.symlinkSync('..', temp);
  fs.renameSync(temp, link);
}

export interface NodeRun {
  code: number | null;
  stdout: string;
  stderr: string;
  lines: string[];
}

/** Runs `node ...args` from the repository root without blocking this process. */
export function runNode(args: string[], env: Record<string, string | undefined> = {}): Promise<NodeRun> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { execFile } = require('node:child_process') as typeof import('node:child_process');
  return new Promise((resolve) => {
    execFile(process.execPath, args, { cwd: ROOT, env: { ...process.env, ...env }, timeout: 15_000 }, (error, stdout, stderr) => {
      const code = error ? ((error as { code?: unknown }).code as number | null) ?? 1 : 0;
      resolve({ code: typeof code === 'number' ? code : 1, stdout, stderr, lines: stdout.split('\n').filter((l) => l !== '') });
    });
  });
}

/** True if every "start" line comes before the first "done" line. */
export function overlapped(lines: string[]): boolean {
  const starts = lines.map((l, i) => (l.startsWith('start') ? i : -1)).filter((i) => i >= 0);
  const dones = lines.map((l, i) => (l.startsWith('done') ? i : -1)).filter((i) => i >= 0);
  return starts.length > 1 && dones.length === starts.length && Math.max(...starts) < Math.min(...dones);
}
