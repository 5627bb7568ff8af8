// child_process: execSync, execFileSync and spawnSync start the child with
// child_process.spawn and block only the calling greenlet. The result object,
// the thrown errors and every option follow Node's own spawnSync (lib/child_process.js
// and lib/internal/child_process.js): anything this module does not model (ipc,
// streams in stdio, odd input placements) goes to the original.
import childProcess = require('node:child_process');
import { constants } from 'node:os';
import { syncBuiltinESMExports } from 'node:module';
import type { Readable, Writable } from 'node:stream';

import { awaitCallback, callOriginal, cooperative } from './cooperate';
import { patchModuleState } from './modulestate';
import { dressAs, isTargetPatched, markPatched, patchItem, restoreModule } from './registry';

type Fn = (...args: unknown[]) => unknown;
type Options = Record<string, unknown>;
const MAX_BUFFER = 1024 * 1024;

/** The shape spawnSync returns. */
export interface SpawnSyncResult {
  error?: Error;
  status: number | null;
  signal: NodeJS.Signals | null;
  output: (Buffer | string | null)[] | null;
  pid: number;
  stdout: Buffer | string | null | undefined;
  stderr: Buffer | string | null | undefined;
}

// A spawn that failed has no output: spawnSync's stdout and stderr are then
// `output && output[1]` (null) up to Node 20, `output?.[1]` (undefined) since 22.
const NO_OUTPUT = Number(process.versions.node.split('.')[0]) >= 22 ? undefined : null;

const SIMPLE_STDIO = new Set(['pipe', 'overlapped', 'inherit', 'ignore']);

/** stdio as spawnSync sees it, or undefined if it holds something only the original handles. */
function stdioList(stdio: unknown): string[] | undefined {
  const raw = stdio === undefined || stdio === null ? 'pipe' : stdio;
  const list: unknown[] = typeof raw === 'string' ? [raw, raw, raw] : Array.isArray(raw) ? [...raw] : [];
  if (typeof raw !== 'string' && !Array.isArray(raw)) return undefined;
  while (list.length < 3) list.push(undefined);
  const out: string[] = [];
  for (let i = 0; i < list.length; i++) {
    const entry = list[i] ?? (i < 3 ? 'pipe' : 'ignore');
    if (typeof entry === 'number' && Number.isInteger(entry) && entry >= 0) out.push('fd');
    else if (typeof entry === 'string' && SIMPLE_STDIO.has(entry)) out.push(entry === 'overlapped' ? 'pipe' : entry);
    else return undefined;
  }
  return out;
}

function errnoError(code: string, file: string, spawnargs: string[]): Error {
  const errno = -(constants.errno as Record<string, number>)[code];
  const error = new Error(`spawnSync ${file} ${code}`) as Error & Record<string, unknown>;
  error.errno = errno;
  error.code = code;
  error.syscall = `spawnSync ${file}`;
  error.path = file;
  error.spawnargs = spawnargs;
  return error;
}

interface Prepared {
  file: string;
  args: unknown[];
  spawnOptions: Options;
  stdio: string[];
  input: Buffer | undefined;
  timeout: number;
  maxBuffer: number;
  killSignal: NodeJS.Signals | number;
  encoding: unknown;
}

/** Mirrors spawnSync's argument handling; undefined means "let the original handle it". */
function prepare(file: unknown, argsIn: unknown, optionsIn: unknown): Prepared | undefined {
  let args = argsIn;
  let options = optionsIn;
  if (!Array.isArray(args)) {
    if (args !== undefined && args !== null && typeof args !== 'object') return undefined;
    options = args;
    args = [];
  }
  if (typeof file !== 'string') return undefined;
  if (options === undefined || options === null) options = {};
  if (typeof options !== 'object') return undefined;
  const opts = options as Options;
  const timeout = opts.timeout;
  if (timeout !== undefined && timeout !== null && !(Number.isInteger(timeout) && (timeout as number) >= 0)) return undefined;
  const maxBuffer = 'maxBuffer' in opts ? opts.maxBuffer : MAX_BUFFER;
  if (maxBuffer !== undefined && maxBuffer !== null && !(typeof maxBuffer === 'number' && maxBuffer >= 0)) return undefined;
  const stdio = stdioList(opts.stdio);
  if (stdio === undefined) return undefined;
  let input: Buffer | undefined;
  if (opts.input) {
    if (stdio[0] !== 'pipe') return undefined;
    if (typeof opts.input === 'string') {
      if (opts.encoding !== undefined && opts.encoding !== null && !Buffer.isEncoding(opts.encoding as string)) return undefined;
      input = Buffer.from(opts.input, (opts.encoding ?? 'utf8') as BufferEncoding);
    } else if (ArrayBuffer.isView(opts.input)) {
      input = Buffer.from(opts.input.buffer, opts.input.byteOffset, opts.input.byteLength);
    } else {
      return undefined;
    }
  }
  const { input: _input, timeout: _timeout, maxBuffer: _maxBuffer, encoding: _encoding, ...spawnOptions } = opts;
  spawnOptions.stdio = stdio.map((kind, i) => (kind === 'fd' ? (Array.isArray(opts.stdio) ? opts.stdio[i] : undefined) : kind));
  return {
    file,
    args: args as unknown[],
    spawnOptions,
    stdio,
    input,
    timeout: typeof timeout === 'number' ? timeout : 0,
    maxBuffer: typeof maxBuffer === 'number' && maxBuffer > 0 ? maxBuffer : Infinity,
    killSignal: (opts.killSignal ?? 'SIGTERM') as NodeJS.Signals | number,
    encoding: opts.encoding,
  };
}

/** Runs the child and calls back once with spawnSync's result object (never an error). */
function runChild(p: Prepared, child: childProcess.ChildProcess, done: (result: SpawnSyncResult) => void): void {
  const chunks: Buffer[][] = p.stdio.map(() => []);
  let buffered = 0;
  let errorCode: string | undefined;
  let spawned = false;
  let finished = false;
  let timer: NodeJS.Timeout | undefined;
  const spawnargs = child.spawnargs.slice(1);
  const finish = (result: SpawnSyncResult): void => {
    if (finished) return;
    finished = true;
    if (timer !== undefined) clearTimeout(timer);
    done(result);
  };
  const fail = (code: string): void => {
    if (errorCode !== undefined) return;
    errorCode = code;
    child.kill(p.killSignal);
  };
  child.once('spawn', () => (spawned = true));
  child.on('error', (error: NodeJS.ErrnoException) => {
    if (spawned || child.pid !== undefined) return; // a failed kill after the child started: spawnSync ignores it too
    finish({
      error: errnoError(error.code ?? 'UNKNOWN', child.spawnfile, spawnargs),
      status: null,
      signal: null,
      output: null,
      pid: 0,
      stdout: NO_OUTPUT,
      stderr: NO_OUTPUT,
    });
  });
  p.stdio.forEach((kind, i) => {
    if (i === 0 || kind !== 'pipe') return;
    const stream = child.stdio[i] as Readable | null;
    stream?.on('data', (chunk: Buffer) => {
      chunks[i].push(chunk);
      buffered += chunk.length;
      if (buffered > p.maxBuffer) fail('ENOBUFS');
    });
  });
  const stdin = child.stdio[0] as Writable | null;
  if (stdin !== null && p.stdio[0] === 'pipe') {
    stdin.on('error', () => {}); // EPIPE: the child did not read its input; spawnSync does not report it either
    stdin.end(p.input);
  }
  if (p.timeout > 0) timer = setTimeout(() => fail('ETIMEDOUT'), p.timeout);
  child.on('close', (status: number | null, signal: NodeJS.Signals | null) => {
    const decode = p.encoding !== undefined && p.encoding !== null && p.encoding !== 'buffer';
    const output = p.stdio.map((kind, i) => {
      if (i === 0 || kind !== 'pipe') return null;
      const buffer = Buffer.concat(chunks[i]);
      return decode ? buffer.toString(p.encoding as BufferEncoding) : buffer;
    });
    const base = { status, signal, output, pid: child.pid ?? 0, stdout: output[1] ?? null, stderr: output[2] ?? null };
    finish(errorCode === undefined ? base : { error: errnoError(errorCode, child.spawnfile, spawnargs), ...base });
  });
}

// Children of patched calls still running: a process that exits (process.exit()
// from another greenlet) takes them with it, as a synchronous call would have.
const running = new Set<childProcess.ChildProcess>();
let exitHookInstalled = false;

function track(child: childProcess.ChildProcess): () => void {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on('exit', () => {
      for (const child_ of running) child_.kill('SIGKILL');
    });
  }
  running.add(child);
  return () => running.delete(child);
}

/** spawnSync's work, blocking only the current greenlet; undefined if the original must do it. */
function spawnCooperative(caller: Fn, file: unknown, args: unknown, options: unknown): SpawnSyncResult | undefined {
  const p = prepare(file, args, options);
  if (p === undefined) return undefined;
  let child: childProcess.ChildProcess;
  try {
    child = childProcess.spawn(p.file, p.args as string[], p.spawnOptions as childProcess.SpawnOptions);
  } catch {
    return undefined; // an option spawn rejects: the original throws the same check's error
  }
  const untrack = track(child);
  try {
    const result = awaitCallback<SpawnSyncResult>(`child_process.${caller.name}()`, caller, (callback) => runChild(p, child, (result) => callback(null, result)));
    if (result.error !== undefined) Error.captureStackTrace(result.error, caller);
    return result;
  } catch (error) {
    // Killed or timed out while waiting: the child must not outlive the call.
    if (child.exitCode === null && child.signalCode === null) child.kill(p.killSignal);
    throw error;
  } finally {
    untrack();
  }
}

// lib/child_process.js checkExecSyncError.
function checkExecSyncError(ret: SpawnSyncResult, args: unknown[] | undefined, cmd: string | undefined): Error | undefined {
  if (ret.error) return Object.assign(ret.error, ret);
  if (ret.status !== 0) {
    let message = `Command failed: ${cmd || (args as unknown[]).join(' ')}`;
    if (ret.stderr && ret.stderr.length > 0) message += `\n${ret.stderr.toString()}`;
    return Object.assign(new Error(message), ret);
  }
  return undefined;
}

// The common tail of execSync and execFileSync: echo stderr, throw or return stdout.
function execResult(ret: SpawnSyncResult, inheritStderr: boolean, args: unknown[] | undefined, cmd: string | undefined, caller: Fn): unknown {
  if (inheritStderr && ret.stderr) process.stderr.write(ret.stderr);
  const error = checkExecSyncError(ret, args, cmd);
  if (error) {
    if (ret.error === undefined) Error.captureStackTrace(error, caller);
    throw error;
  }
  return ret.stdout;
}

function makeSpawnSync(original: Fn): Fn {
  const spawnSync = function spawnSync(this: unknown, ...args: unknown[]): unknown {
    if (!cooperative()) return original.apply(this, args);
    return spawnCooperative(spawnSync, args[0], args[1], args[2]) ?? callOriginal(original, this, args, spawnSync);
  };
  return spawnSync;
}

function makeExecSync(original: Fn): Fn {
  const execSync = function execSync(this: unknown, ...args: unknown[]): unknown {
    const [command, options] = args;
    if (!cooperative()) return original.apply(this, args);
    if (typeof command !== 'string' || command.includes('\u0000')) return callOriginal(original, this, args, execSync);
    if (options !== undefined && options !== null && typeof options !== 'object') return callOriginal(original, this, args, execSync);
    const opts: Options = { ...(options as Options | undefined) };
    opts.shell = typeof opts.shell === 'string' ? opts.shell : true;
    const inheritStderr = !opts.stdio;
    const ret = spawnCooperative(execSync, command, opts, undefined);
    if (ret === undefined) return callOriginal(original, this, args, execSync);
    return execResult(ret, inheritStderr, undefined, command, execSync);
  };
  return execSync;
}

function makeExecFileSync(original: Fn): Fn {
  const execFileSync = function execFileSync(this: unknown, ...all: unknown[]): unknown {
    if (!cooperative()) return original.apply(this, all);
    const file = all[0];
    let args = all[1];
    let options = all[2];
    // lib/child_process.js normalizeExecFileArgs
    if (Array.isArray(args)) args = args.slice();
    else if (args !== null && typeof args === 'object') {
      options = args;
      args = null;
    } else if (typeof args === 'function') return callOriginal(original, this, all, execFileSync);
    if (args === null || args === undefined) args = [];
    if (typeof options === 'function') return callOriginal(original, this, all, execFileSync);
    if (options !== null && options !== undefined && (typeof options !== 'object' || Array.isArray(options))) return callOriginal(original, this, all, execFileSync);
    const opts = (options ?? {}) as Options;
    if (opts.argv0 !== undefined && opts.argv0 !== null && (typeof opts.argv0 !== 'string' || opts.argv0.includes('\u0000'))) {
      return callOriginal(original, this, all, execFileSync);
    }
    const inheritStderr = !opts.stdio;
    const ret = spawnCooperative(execFileSync, file, args, opts);
    if (ret === undefined) return callOriginal(original, this, all, execFileSync);
    return execResult(ret, inheritStderr, [(opts.argv0 as string | undefined) || file, ...(args as unknown[])], undefined, execFileSync);
  };
  return execFileSync;
}

/** Patches child_process; harmless if it is already patched. */
export function patchChildProcessModule(): void {
  if (isTargetPatched('child_process')) return;
  const table = childProcess as unknown as Record<string, Fn>;
  const makers: Record<string, (original: Fn) => Fn> = { spawnSync: makeSpawnSync, execSync: makeExecSync, execFileSync: makeExecFileSync };
  for (const [name, make] of Object.entries(makers)) {
    const original = table[name];
    patchItem('child_process', childProcess, name, dressAs(make(original), original));
  }
  syncBuiltinESMExports();
  // Commands now overlap: shelljs's per-command state becomes greenlet-local.
  const unhookState = patchModuleState();
  markPatched('child_process', () => {
    unhookState();
    restoreModule('child_process');
    syncBuiltinESMExports();
  });
}
