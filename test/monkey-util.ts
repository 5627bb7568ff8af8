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

/** True if the stack shows tinyevent's own patch frames. */
export function hasPatchFrames(error: unknown): boolean {
  const stack = error instanceof Error ? (error.stack ?? '') : '';
  return /[/\\](src|dist[/\\]cjs)[/\\]patches[/\\]/.test(stack);
}

/**
 * Runs `fn` in a plain loop callback and settles with its result. Vitest calls
 * test bodies from promise callbacks, where a root greenlet that blocks can
 * never see a promise settle (no nested microtask checkpoint).
 */
export function onLoop<T>(fn: () => T): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    setImmediate(() => {
      try {
        resolve(fn());
      } catch (error) {
        reject(error);
      }
    });
  });
}

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
