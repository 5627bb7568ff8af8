// fs: every *Sync function with an asynchronous twin runs the twin and blocks
// only the calling greenlet. Arguments go to the twin unchanged (with the
// callback appended); an argument the twin rejects while starting falls back
// to the original, so validation errors are exactly the original's.
import fs = require('node:fs');
import path = require('node:path');
import { syncBuiltinESMExports } from 'node:module';

import { Lock } from '../primitives/semaphore';

import { callOriginal, cooperative, guardLoader, NodeCallback, viaTwin } from './cooperate';
import { inlineClock, inlineDecision, inlineRule, noteInline } from './inline';
import { dressAs, isTargetPatched, markPatched, patchItem, restoreModule, savedOriginal } from './registry';

type Fn = (...args: unknown[]) => unknown;
type Twin = (...args: unknown[]) => void;
const fsTable = fs as unknown as Record<string, Fn | undefined>;

/** *Sync exports deliberately left alone, with the reason (the completeness test reads this). */
export const FS_LEFT_ALONE: Readonly<Record<string, string>> = {
  lchmodSync: 'not available on Linux (fs.lchmodSync is undefined there)',
  openAsBlobSync: 'does no I/O to wait for: it only validates and makes a lazy Blob, as its twin openAsBlob does before resolving (Node 26)',
};

/** How a sync call maps onto its twin; `undefined` means "call the original". */
type Plan = (args: unknown[]) => { twin: Twin; args: unknown[]; map?: (value: unknown) => unknown } | undefined;

const isStdioFd = (value: unknown): boolean => typeof value === 'number' && value >= 0 && value <= 2;

function trimmed(args: unknown[]): unknown[] {
  let end = args.length;
  while (end > 0 && args[end - 1] === undefined) end--;
  return args.slice(0, end);
}

function twinOf(name: string): Twin {
  return fsTable[name] as Twin;
}

/** The plain mapping: same arguments, the callback's first value is the result. */
function plain(twinName: string, fdFirst = false): Plan {
  return (args) => {
    if (fdFirst && isStdioFd(args[0])) return undefined; // stdin/out/err stay synchronous
    return { twin: twinOf(twinName), args: trimmed(args) };
  };
}

// Options the synchronous functions ignore but the twins honour.
function withoutSignal(options: unknown): unknown {
  if (options === null || typeof options !== 'object' || !('signal' in options)) return options;
  const { signal: _ignored, ...rest } = options as Record<string, unknown>;
  return rest;
}

const writeData = (twinName: string): Plan => (args) => {
  const data = args[1];
  // writeFile also takes iterables and streams, which the sync versions reject.
  if (typeof data !== 'string' && !ArrayBuffer.isView(data)) return undefined;
  if (isStdioFd(args[0])) return undefined;
  return { twin: twinOf(twinName), args: trimmed([args[0], data, withoutSignal(args[2])]) };
};

const readSyncPlan: Plan = (args) => {
  const [fd, buffer, offsetOrOptions, length, position] = args;
  if (isStdioFd(fd) || !ArrayBuffer.isView(buffer)) return undefined;
  if (args.length <= 3 || typeof offsetOrOptions === 'object') {
    if (offsetOrOptions !== undefined && (typeof offsetOrOptions !== 'object' || offsetOrOptions === null)) return undefined; // the original's TypeError
    const byteLength = (buffer as ArrayBufferView).byteLength;
    const options = (offsetOrOptions ?? {}) as { offset?: number; length?: number; position?: number | bigint | null };
    const offset = options.offset ?? 0;
    return { twin: twinOf('read'), args: [fd, buffer, offset, options.length ?? byteLength - offset, options.position ?? null] };
  }
  return { twin: twinOf('read'), args: [fd, buffer, offsetOrOptions, length, position ?? null] };
};

// globSync (Node 22+): the twin validates inside its promise, so arguments it
// might reject go to the original, which throws them at the call.
const globPlan: Plan = (args) => {
  const [pattern, options] = args;
  const patterns = Array.isArray(pattern) ? pattern : [pattern];
  if (!patterns.every((p) => typeof p === 'string')) return undefined;
  if (options !== undefined && (options === null || typeof options !== 'object')) return undefined;
  return { twin: twinOf('glob'), args: trimmed(args) };
};

const statPlan = (twinName: string): Plan => (args) => ({ twin: twinOf(twinName), args: trimmed(args) });

const realpathPlan = (twin: () => Twin): Plan => (args) => {
  const options = args[1];
  // The module loader passes a private cache under a symbol key: only the original knows it.
  if (options !== null && typeof options === 'object' && Object.getOwnPropertySymbols(options).length > 0) return undefined;
  return { twin: twin(), args: trimmed(args) };
};

const PLANS: Record<string, Plan> = {
  accessSync: plain('access'),
  appendFileSync: writeData('appendFile'),
  chmodSync: plain('chmod'),
  chownSync: plain('chown'),
  closeSync: plain('close', true),
  copyFileSync: plain('copyFile'),
  cpSync: plain('cp'),
  fchmodSync: plain('fchmod', true),
  fchownSync: plain('fchown', true),
  fdatasyncSync: plain('fdatasync', true),
  fstatSync: plain('fstat', true),
  fsyncSync: plain('fsync', true),
  ftruncateSync: plain('ftruncate', true),
  futimesSync: plain('futimes', true),
  globSync: globPlan,
  lchownSync: plain('lchown'),
  linkSync: plain('link'),
  lstatSync: statPlan('lstat'),
  lutimesSync: plain('lutimes'),
  mkdirSync: plain('mkdir'),
  mkdtempSync: plain('mkdtemp'),
  mkdtempDisposableSync: plain('mkdtemp'),
  openSync: plain('open'),
  opendirSync: plain('opendir'),
  readFileSync: (args) => (isStdioFd(args[0]) ? undefined : { twin: twinOf('readFile'), args: trimmed([args[0], withoutSignal(args[1])]) }),
  readSync: readSyncPlan,
  readdirSync: plain('readdir'),
  readlinkSync: plain('readlink'),
  readvSync: plain('readv', true),
  realpathSync: realpathPlan(() => twinOf('realpath')),
  renameSync: plain('rename'),
  rmSync: plain('rm'),
  rmdirSync: plain('rmdir'),
  statSync: statPlan('stat'),
  statfsSync: plain('statfs'),
  symlinkSync: plain('symlink'),
  truncateSync: plain('truncate'),
  unlinkSync: plain('unlink'),
  utimesSync: plain('utimes'),
  writeFileSync: writeData('writeFile'),
  writeSync: plain('write', true),
  writevSync: plain('writev', true),
};

// statSync(path, { throwIfNoEntry: false }) returns undefined for a missing entry.
function missingAllowed(name: string, args: unknown[], error: unknown): boolean {
  if (name !== 'statSync' && name !== 'lstatSync') return false;
  const options = args[1] as { throwIfNoEntry?: boolean } | undefined;
  const code = (error as { code?: string } | null)?.code;
  return options?.throwIfNoEntry === false && (code === 'ENOENT' || code === 'ENOTDIR');
}

// What a call that created a resource must undo when its greenlet is no longer
// there to take it (killed or timed out while the twin ran).
const RELEASE: Record<string, (value: unknown) => void> = {
  openSync: (fd) => fs.close(fd as number, () => undefined),
  opendirSync: (dir) => void (dir as fs.Dir).close(() => undefined),
  mkdtempSync: (dir) => fs.rmdir(dir as string, () => undefined),
  mkdtempDisposableSync: (dir) => fs.rmdir(dir as string, () => undefined),
};

// Unpatched, writeFileSync and appendFileSync on one path never interleave with
// other JavaScript; their twins write in pieces. Calls on the same path take turns.
const SERIALIZED = new Set(['writeFileSync', 'appendFileSync']);
const pathLocks = new Map<string, { lock: Lock; users: number }>();

function pathKey(target: unknown): string | undefined {
  if (typeof target === 'string') return path.resolve(target);
  if (Buffer.isBuffer(target)) return path.resolve(target.toString());
  if (target instanceof URL && target.protocol === 'file:') return path.resolve(decodeURIComponent(target.pathname));
  return undefined; // a file descriptor: the caller owns its ordering
}

/** True while a cooperative call holds (or waits for) the turn of `target`'s path. */
function pathBusy(target: unknown): boolean {
  if (pathLocks.size === 0) return false;
  const key = pathKey(target);
  return key !== undefined && pathLocks.has(key);
}

function onePathAtATime<T>(target: unknown, fn: () => T): T {
  const key = pathKey(target);
  if (key === undefined) return fn();
  let entry = pathLocks.get(key);
  if (entry === undefined) pathLocks.set(key, (entry = { lock: new Lock(), users: 0 }));
  entry.users++;
  try {
    entry.lock.acquire();
    try {
      return fn();
    } finally {
      entry.lock.release();
    }
  } finally {
    if (--entry.users === 0) pathLocks.delete(key);
  }
}

/** Runs the twin; a resource it creates after its caller left is released, not leaked. */
function runTwin(name: string, patched: Fn, step: NonNullable<ReturnType<Plan>>, fallback: () => unknown): unknown {
  const release = RELEASE[name];
  let settled: { error: unknown; value: unknown } | undefined;
  let abandoned = false;
  try {
    return viaTwin(
      `fs.${name}()`,
      patched,
      (callback: NodeCallback<unknown>) =>
        step.twin.apply(fs, [
          ...step.args,
          (error: unknown, value: unknown) => {
            if (abandoned) {
              if (!error && release !== undefined) release(value);
              return;
            }
            settled = { error, value };
            callback(error, value);
          },
        ]),
      fallback,
    );
  } catch (error) {
    if (settled === undefined) abandoned = true;
    // Finished, but a kill or Timeout got to the greenlet first: nobody has the resource.
    else if (!settled.error && release !== undefined) release(settled.value);
    throw error;
  }
}

function makePatched(name: string, original: Fn, plan: Plan): Fn {
  const settlesPromises = name === 'cpSync'; // fs.cp's callback API runs on promises inside
  const rule = inlineRule(name);
  const serialized = SERIALIZED.has(name);
  const patched = function (this: unknown): unknown {
    // `arguments`, not a rest parameter: the plain path stays as cheap as a direct call.
    // eslint-disable-next-line prefer-rest-params
    if (!cooperative(settlesPromises)) return original.apply(this, arguments as unknown as unknown[]);
    // A write inline while a cooperative one holds the path's turn would land in its middle.
    // eslint-disable-next-line prefer-rest-params
    if (rule !== undefined && !(serialized && pathBusy(arguments[0]))) {
      // Inline, written out here: this path is taken by the thousand (a walk, a glob).
      // The clock starts before the decision: a data call's stat counts as part of it.
      const start = inlineClock();
      // eslint-disable-next-line prefer-rest-params
      const kind = inlineDecision(rule, arguments, start);
      if (kind !== undefined) {
        try {
          // eslint-disable-next-line prefer-rest-params
          return original.apply(this, arguments as unknown as unknown[]);
        } catch (error) {
          if (error instanceof Error) Error.captureStackTrace(error, patched);
          throw error;
        } finally {
          noteInline(kind, start);
        }
      }
    }
    // eslint-disable-next-line prefer-rest-params
    const args = Array.prototype.slice.call(arguments) as unknown[];
    const step = plan(args);
    if (step === undefined) return callOriginal(original, this, args, patched);
    let result: unknown;
    try {
      const run = (): unknown => runTwin(name, patched, step, () => callOriginal(original, this, args, patched));
      result = serialized ? onePathAtATime(args[0], run) : run();
    } catch (error) {
      if (missingAllowed(name, args, error)) return undefined;
      if (name === 'mkdtempSync' || name === 'mkdtempDisposableSync') asTemplate(error, patched);
      if (name === 'opendirSync' || (name === 'readFileSync' && (error as NodeJS.ErrnoException | null)?.syscall === 'read')) {
        withoutPath(error, patched);
      }
      throw error;
    }
    return name === 'mkdtempDisposableSync' && step.twin === fs.mkdtemp ? disposableDir(result as string) : result;
  };
  return patched;
}

// What mkdtempDisposableSync (Node 24+) returns around the directory made:
// remove() deletes the tree (already gone is no error), also on dispose.
function disposableDir(dir: string): { path: string; remove(): void; [Symbol.dispose](): void } {
  const fullPath = path.resolve(process.cwd(), dir);
  const remove = (): void => {
    fs.rmSync(fullPath, { recursive: true, force: true, maxRetries: 0, retryDelay: 100 });
  };
  return {
    path: dir,
    remove,
    [Symbol.dispose](): void {
      remove();
    },
  };
}

// A failed mkdtempSync names the template (prefix + XXXXXX); the async
// mkdtemp's error names the random name it tried.
function asTemplate(error: unknown, caller: Fn): void {
  const e = error as NodeJS.ErrnoException;
  if (!(e instanceof Error) || e.syscall !== 'mkdtemp' || typeof e.path !== 'string' || e.path.length < 6) return;
  const template = `${e.path.slice(0, -6)}XXXXXX`;
  e.message = e.message.split(`'${e.path}'`).join(`'${template}'`);
  e.path = template;
  Error.captureStackTrace(e, caller);
}

// opendirSync's error names no path, nor does readFileSync's for a failed read
// (EISDIR); the async twins' do (readFile's since Node 26).

function withoutPath(error: unknown, caller: Fn): void {
  const e = error as NodeJS.ErrnoException;
  if (!(e instanceof Error) || e.path === undefined) return;
  e.message = e.message.replace(/ '[^]*'$/, '');
  delete e.path;
  Error.captureStackTrace(e, caller);
}

function makeExists(original: Fn): Fn {
  const rule = inlineRule('existsSync');
  const patched = function existsSync(this: unknown): unknown {
    // eslint-disable-next-line prefer-rest-params
    if (!cooperative()) return original.apply(this, arguments as unknown as unknown[]);
    // eslint-disable-next-line prefer-rest-params
    const args = Array.prototype.slice.call(arguments) as unknown[];
    const start = inlineClock();
    const kind = rule === undefined ? undefined : inlineDecision(rule, args, start);
    if (kind !== undefined) {
      try {
        return original.apply(this, args);
      } finally {
        noteInline(kind, start);
      }
    }
    try {
      return viaTwin(
        'fs.existsSync()',
        patched,
        (callback: NodeCallback<boolean>) => fs.access(args[0] as fs.PathLike, (error) => callback(null, error === null)),
        () => callOriginal<boolean>(original, this, args, patched),
      );
    } catch {
      return false; // existsSync never throws
    }
  };
  return patched;
}

let releaseLoader: (() => void) | undefined;

/** Patches the fs module; harmless if it is already patched. */
export function patchFsModule(): void {
  if (isTargetPatched('fs')) return;
  for (const [name, plan] of Object.entries(PLANS)) {
    const original = fsTable[name];
    if (typeof original !== 'function') continue;
    const replacement = dressAs(makePatched(name, original, plan), original, ['native']);
    if (name === 'realpathSync') {
      const nativeOriginal = (original as unknown as { native: Fn }).native;
      const nativeTwin = (): Twin => (fs.realpath as unknown as { native: Twin }).native;
      const nativePatched = dressAs(makePatched('realpathSync.native', nativeOriginal, realpathPlan(nativeTwin)), nativeOriginal);
      Object.defineProperty(replacement, 'native', { value: nativePatched, writable: true, enumerable: true, configurable: true });
    }
    patchItem('fs', fs, name, replacement);
  }
  const existsOriginal = fsTable.existsSync as Fn;
  patchItem('fs', fs, 'existsSync', dressAs(makeExists(existsOriginal), existsOriginal));
  releaseLoader = guardLoader();
  syncBuiltinESMExports();
  markPatched('fs', () => {
    restoreModule('fs');
    releaseLoader?.();
    releaseLoader = undefined;
    syncBuiltinESMExports();
  });
}

/** The names patchFs replaces (for tests and docs). */
export function patchedFsNames(): string[] {
  return [...Object.keys(PLANS), 'existsSync'].filter((name) => typeof savedOriginal('fs', name) === 'function' || typeof fsTable[name] === 'function');
}
