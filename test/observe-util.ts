// Helpers shared by the observability tests: busy loops, child processes.
import { spawn as spawnChild } from 'node:child_process';
import * as path from 'node:path';
import { expect } from 'vitest';

export const SCRIPTS = path.join(__dirname, 'scripts');

/** Keeps the CPU busy for `ms` without yielding (no greenlet switch, no loop turn). */
export function spinFor(ms: number): number {
  const end = Date.now() + ms;
  let x = 0;
  while (Date.now() < end) x += Math.sqrt(x + 1);
  return x;
}

export interface Outcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface ChildOptions {
  env?: Record<string, string>;
  nodeArgs?: string[];
  timeoutMs?: number;
}

/** Runs test/scripts/<script> in a fresh node against the built package. */
export function runScript(script: string, args: string[] = [], options: ChildOptions = {}): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const child = spawnChild(process.execPath, [...(options.nodeArgs ?? []), path.join(SCRIPTS, script), ...args], {
      cwd: SCRIPTS,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    const killer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 15_000);
    child.stdout.on('data', (chunk: Buffer) => (stdout += String(chunk)));
    child.stderr.on('data', (chunk: Buffer) => (stderr += String(chunk)));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(killer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** No sign of a native crash or of V8 disposing an isolate a thread still uses. */
export function expectNoCrash(outcome: Outcome): void {
  for (const sign of ['Fatal error', 'Disposing the isolate', 'Aborted', 'core dumped', 'Segmentation fault', 'FATAL ERROR']) {
    expect(outcome.stderr).not.toContain(sign);
  }
  expect(outcome.signal).toBeNull();
}
