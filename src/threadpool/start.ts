// Starting a pool worker: the worker's code goes by its source (Worker `eval`,
// so it needs no file of its own, from src/ or dist/), with the main script's
// flags minus those a pool worker must not take.
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker, WorkerOptions } from 'node:worker_threads';

import { workerMain } from './worker';

const WORKER_SOURCE = `(${workerMain.toString()})();`;
// Flags of the main script a pool worker must not take: how `-e` code is read,
// and tinyevent/register (a pool worker runs plain functions, no greenlets).
const DROPPED = new Set(['-e', '--eval', '-p', '--print', '--input-type']);
const PRELOADS = new Set(['-r', '--require', '--import']);

// This copy's register entry: dist/cjs/register.js, its ESM twin dist/esm/register.mjs (or src/register.ts).
const OWN_REGISTER = [path.join(__dirname, '..', 'register'), path.join(__dirname, '..', '..', 'esm', 'register')];

/** `tinyevent/register`, by package name or by the path of this copy's file. */
function isOwnRegister(value: string): boolean {
  if (/tinyevent[\\/]register/.test(value)) return true;
  const file = value.startsWith('file:') ? fileURLToPath(value) : path.resolve(value);
  return OWN_REGISTER.includes(file.replace(/\.(c|m)?(js|ts)$/, ''));
}

/** process.execArgv without those flags, or undefined if it has none (the worker then inherits it). */
function filteredExecArgv(): string[] | undefined {
  const out: string[] = [];
  const argv = process.execArgv;
  let dropped = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const eq = arg.indexOf('=');
    const flag = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg;
    const joined = flag !== arg;
    if (!DROPPED.has(flag) && !PRELOADS.has(flag)) {
      out.push(arg);
      continue;
    }
    const value = joined ? arg.slice(eq + 1) : (argv[i + 1] ?? '');
    if (!joined) i++;
    if (PRELOADS.has(flag) && !isOwnRegister(value)) out.push(flag, value);
    else dropped = true;
  }
  return dropped ? out : undefined;
}

let execArgv: string[] | undefined | null = null; // null: not worked out yet

/**
 * Starts a worker with the filtered flags. An explicit execArgv may not hold
 * per-process flags (--expose-gc, V8 flags), which an inherited one may: Node
 * names those it rejects, and they are left out from then on.
 */
export function startWorker(options: WorkerOptions): Worker {
  if (execArgv === null) execArgv = filteredExecArgv();
  for (let attempt = 0; ; attempt++) {
    try {
      return new Worker(WORKER_SOURCE, { ...options, eval: true, execArgv });
    } catch (error) {
      if ((error as { code?: string }).code !== 'ERR_WORKER_INVALID_EXEC_ARGV' || execArgv === undefined || attempt > 2) throw error;
      const invalid = new Set(String((error as Error).message).replace(/^[^:]*: /, '').split(', '));
      const kept: string[] = execArgv.filter((arg) => !invalid.has(arg));
      execArgv = kept.length < execArgv.length ? kept : [];
    }
  }
}
