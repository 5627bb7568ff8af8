// Which patched fs calls run inline (the original, on the calling greenlet).
//
// gevent leaves file I/O blocking. A small call on a local disk costs 1–2 µs
// inline but ~25 µs through libuv's pool and two switches, so a file-heavy
// script would get slower by being "cooperative". A call runs inline unless:
// - its target can block for as long as another process likes: a FIFO, a
//   socket, a device (one stat of the path or descriptor tells);
// - it lives on a network or FUSE file system (/proc/self/mountinfo);
// - it moves more than INLINE_MAX_BYTES;
// - its kind is by nature slow (fsync, recursive copy and removal);
// - or its kind turned slow on that device: a second inline call over SLOW_MS
//   (or one over VERY_SLOW_MS) sends the kind through its twin for a while,
//   longer each time it happens again.
import fs = require('node:fs');
import path = require('node:path');
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

import { savedOriginal } from './registry';

export const INLINE_MAX_BYTES = 1 << 20;
export const SLOW_MS = 20;
// A call this slow is no preemption: its kind is sent through its twin at once.
export const VERY_SLOW_MS = 100;
// Slow calls (before the kind is forgiven) that earn a penalty.
const STRIKES = 2;
const FIRST_PENALTY_MS = 500;
const MAX_PENALTY_MS = 30_000;
// Fast inline calls in a row after which a kind's penalty is forgiven.
const FORGIVE_AFTER = 256;

// ---------------------------------------------------------------- slowness, learned

/** What is learned about one call kind (on one device). */
export class Kind {
  /** Sent through its twin until then (the clock's time). */
  until = 0;
  penalty = 0;
  /** Fast calls since the last slow one. */
  fastRun = 0;
  /** Slow calls, not yet forgiven, that earned no penalty yet. */
  strikes = 0;
  constructor(readonly key: string) {}
}

/**
 * Learns, per call kind (and device), whether running inline stays fast. One
 * slow call is as likely a thread the kernel preempted as a slow device, so it
 * is only a strike: the second before the kind is forgiven earns the penalty
 * (a call over VERY_SLOW_MS earns it at once).
 */
export class SlowCalls {
  private readonly kinds = new Map<string, Kind>();
  // (performance from perf_hooks: the global one is an accessor, slow to look up per call)
  constructor(private readonly clock: () => number = () => performance.now()) {}

  /** The state of `key`, made on first use (callers may keep it). */
  kind(key: string): Kind {
    let kind = this.kinds.get(key);
    if (kind === undefined) this.kinds.set(key, (kind = new Kind(key)));
    return kind;
  }

  /** False while `kind` is sitting out a penalty. */
  allows(kind: string | Kind, now = this.clock()): boolean {
    const state = typeof kind === 'string' ? this.kinds.get(kind) : kind;
    return state === undefined || state.until <= now;
  }

  /** Records an inline call of `kind` that took `ms`. */
  note(kind: string | Kind, ms: number): void {
    if (ms <= SLOW_MS) {
      const state = typeof kind === 'string' ? this.kinds.get(kind) : kind;
      if (state !== undefined && (state.penalty !== 0 || state.strikes !== 0) && ++state.fastRun >= FORGIVE_AFTER) {
        state.penalty = 0;
        state.strikes = 0;
      }
      return;
    }
    const state = typeof kind === 'string' ? this.kind(kind) : kind;
    state.fastRun = 0;
    if (++state.strikes < STRIKES && ms <= VERY_SLOW_MS) return;
    state.strikes = 0;
    state.penalty = Math.min(state.penalty === 0 ? FIRST_PENALTY_MS : state.penalty * 2, MAX_PENALTY_MS);
    state.until = this.clock() + state.penalty;
  }

  now(): number {
    return this.clock();
  }
}

// ---------------------------------------------------------------- network file systems

const NETWORK_FS = /^(nfs4?|cifs|smb3?|smbfs|9p|ceph|glusterfs|lustre|afs|gpfs|beegfs|ncpfs|coda|davfs|fuse|fuse\..+)$/;
const MOUNTS_TTL_MS = 2000;

export interface NetworkMounts {
  /** Their mount points, for calls that name a path. */
  readonly points: string[];
  /** Their device numbers as `stats.dev` gives them, for calls on a descriptor. */
  readonly devs: Set<number>;
}

/** Linux's encoding of a device number (new_encode_dev), as stat reports it. */
export function deviceNumber(major: number, minor: number): number {
  return (minor & 0xff) + (major & 0xfff) * 0x100 + (minor >>> 8) * 0x100000 + Math.floor(major / 0x1000) * 0x100000000000;
}

/** The network and FUSE file systems in a /proc/self/mountinfo text. */
export function networkMounts(mountinfo: string): NetworkMounts {
  const points: string[] = [];
  const devs = new Set<number>();
  for (const line of mountinfo.split('\n')) {
    const sep = line.indexOf(' - ');
    if (sep < 0) continue;
    const type = line.slice(sep + 3).split(' ')[0];
    if (!NETWORK_FS.test(type)) continue;
    const fields = line.slice(0, sep).split(' ');
    const [major, minor] = (fields[2] ?? '').split(':').map(Number);
    if (Number.isInteger(major) && Number.isInteger(minor)) devs.add(deviceNumber(major, minor));
    const point = fields[4];
    if (point !== undefined) points.push(point.replace(/\\([0-7]{3})/g, (_m, oct: string) => String.fromCharCode(parseInt(oct, 8))));
  }
  return { points, devs };
}

/** True if `file` (absolute) is at or under one of `points`. */
export function underAny(file: string, points: readonly string[]): boolean {
  for (const point of points) {
    if (point === '/' || file === point || file.startsWith(point + '/')) return true;
  }
  return false;
}

type Stat = (p: fs.PathLike, o: fs.StatSyncOptions) => fs.Stats | undefined;
type FStat = (fd: number) => fs.Stats;
const raw = <T>(name: string): T => (savedOriginal('fs', name) ?? (fs as unknown as Record<string, unknown>)[name]) as T;
const readText = (file: string): string => raw<(f: string, e: string) => string>('readFileSync')(file, 'utf8');

const NONE: NetworkMounts = { points: [], devs: new Set() };
let mounts: { known: NetworkMounts; at: number } | undefined;

function network(now: number): NetworkMounts {
  if (mounts === undefined || now - mounts.at > MOUNTS_TTL_MS) {
    let known = NONE;
    try {
      known = networkMounts(readText('/proc/self/mountinfo'));
    } catch {
      // no /proc: nothing known to be remote
    }
    mounts = { known, at: now };
  }
  return mounts.known;
}

function absolute(target: unknown): string | undefined {
  if (typeof target === 'string') return path.resolve(target);
  if (Buffer.isBuffer(target)) return path.resolve(target.toString());
  if (target instanceof URL) {
    try {
      return fileURLToPath(target);
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** True if `target` (a path argument) may be on one of the network mounts at `points`. */
function remoteTarget(target: unknown, points: readonly string[]): boolean {
  const file = absolute(target);
  return file === undefined || underAny(file, points);
}

function remote(targets: readonly unknown[], now: number): boolean {
  const { points } = network(now);
  return points.length > 0 && targets.some((t) => remoteTarget(t, points));
}

// ---------------------------------------------------------------- what a call touches

const STAT_OPTIONS: fs.StatSyncOptions = { throwIfNoEntry: false };
const NOT_FOUND = 'missing';

/** The file type of a path (following links) or descriptor, or `missing`; undefined if it cannot be told. */
function kindOf(target: unknown): fs.Stats | typeof NOT_FOUND | undefined {
  try {
    if (typeof target === 'number') return raw<FStat>('fstatSync')(target);
    return raw<Stat>('statSync')(target as fs.PathLike, STAT_OPTIONS) ?? NOT_FOUND;
  } catch {
    return undefined; // a bad argument: let the cooperative path report it exactly
  }
}

function byteLength(data: unknown): number {
  if (typeof data === 'string') return data.length;
  if (ArrayBuffer.isView(data)) return data.byteLength;
  if (Array.isArray(data)) return data.reduce((sum: number, b: unknown) => sum + byteLength(b), 0);
  return Infinity;
}

/** How a call kind decides: the kind (and device) it runs inline as, or undefined: through its twin. */
export type Rule = (args: ArrayLike<unknown>, now: number) => Kind | undefined;

const slow = new SlowCalls();

/** Calls that touch only metadata on the paths in `pathArgs`: never an unbounded wait on a local disk. */
const meta = (name: string, ...pathArgs: number[]): Rule => {
  const kind = slow.kind(name);
  return (args, now) => {
    const { points } = network(now);
    if (points.length === 0) return kind; // the common case, kept free of allocation
    for (const i of pathArgs) if (remoteTarget(args[i], points)) return undefined;
    return kind;
  };
};

/** Calls on a descriptor's metadata: fstat, fchmod, close, ... */
const fdMeta = (name: string): Rule => {
  const kind = slow.kind(name);
  return () => kind;
};

/** Reads or writes of `bytes(args)` on the file at args[0]; `creates`: a missing path is fine. */
const data =
  (name: string, bytes: (args: ArrayLike<unknown>) => number, creates: boolean): Rule =>
  (args, now) => {
    if (bytes(args) > INLINE_MAX_BYTES) return undefined;
    const target = args[0];
    if (typeof target !== 'number' && remote([target], now)) return undefined;
    const stats = kindOf(target);
    if (stats === NOT_FOUND) return creates ? slow.kind(name) : undefined;
    if (stats === undefined || !(stats.isFile() || stats.isDirectory())) return undefined;
    if (network(now).devs.has(stats.dev)) return undefined;
    if (!creates && stats.isFile() && stats.size > INLINE_MAX_BYTES) return undefined;
    return slow.kind(`${name}:${stats.dev}`);
  };

const never: Rule = () => undefined;
const sizeOfFile = (): number => 0; // checked from the stat instead
const viewBytes = (i: number) => (args: ArrayLike<unknown>) => {
  const view = args[i];
  return ArrayBuffer.isView(view) ? view.byteLength : typeof view === 'string' ? view.length : Infinity;
};

const copyFileData = data('copyFile', sizeOfFile, false);

const RULES: Record<string, Rule> = {
  accessSync: meta('access', 0),
  existsSync: meta('exists', 0),
  statSync: meta('stat', 0),
  lstatSync: meta('lstat', 0),
  readdirSync: meta('readdir', 0),
  readlinkSync: meta('readlink', 0),
  realpathSync: meta('realpath', 0),
  'realpathSync.native': meta('realpath', 0),
  opendirSync: meta('opendir', 0),
  statfsSync: meta('statfs', 0),
  mkdirSync: meta('mkdir', 0),
  mkdtempSync: meta('mkdtemp', 0),
  mkdtempDisposableSync: meta('mkdtemp', 0),
  rmdirSync: meta('rmdir', 0),
  unlinkSync: meta('unlink', 0),
  renameSync: meta('rename', 0, 1),
  linkSync: meta('link', 0, 1),
  symlinkSync: meta('symlink', 1),
  chmodSync: meta('chmod', 0),
  chownSync: meta('chown', 0),
  lchownSync: meta('lchown', 0),
  utimesSync: meta('utimes', 0),
  lutimesSync: meta('lutimes', 0),
  truncateSync: meta('truncate', 0),
  rmSync: (args, now) => {
    const options = args[1] as { recursive?: unknown } | undefined;
    return options !== null && typeof options === 'object' && options.recursive ? undefined : meta('rm', 0)(args, now);
  },
  closeSync: fdMeta('close'),
  fstatSync: fdMeta('fstat'),
  fchmodSync: fdMeta('fchmod'),
  fchownSync: fdMeta('fchown'),
  futimesSync: fdMeta('futimes'),
  ftruncateSync: fdMeta('ftruncate'),
  openSync: data('open', sizeOfFile, true),
  readFileSync: data('readFile', sizeOfFile, false),
  writeFileSync: data('writeFile', viewBytes(1), true),
  appendFileSync: data('appendFile', viewBytes(1), true),
  copyFileSync: (args, now) => (remote([args[1]], now) ? undefined : copyFileData(args, now)),
  readSync: data('read', viewBytes(1), false),
  writeSync: data('write', viewBytes(1), false),
  readvSync: data('readv', (args) => byteLength(args[1]), false),
  writevSync: data('writev', (args) => byteLength(args[1]), false),
  fsyncSync: never,
  fdatasyncSync: never,
  cpSync: never,
  globSync: never, // a walk of any size
};

let enabled = true;

/** @internal Turns inline calls off (tests of the cooperative path use it). */
export function setInlineCalls(on: boolean): void {
  enabled = on;
}

/** The rule for the patched call `name`, or undefined if it never runs inline. */
export function inlineRule(name: string): Rule | undefined {
  return Object.prototype.hasOwnProperty.call(RULES, name) ? RULES[name] : undefined;
}

/** The clock inline calls are timed by (start one with it, end it with noteInline). */
export function inlineClock(): number {
  return slow.now();
}

/**
 * The kind under which a call `rule` decides may run inline now (`now` from
 * inlineClock), or undefined if it must go through its twin.
 */
export function inlineDecision(rule: Rule, args: ArrayLike<unknown>, now: number): Kind | undefined {
  if (!enabled) return undefined;
  const kind = rule(args, now);
  return kind !== undefined && kind.until <= now ? kind : undefined;
}

/** Learns from an inline call of `kind` that started at `start` (inlineClock) and has just ended. */
export function noteInline(kind: Kind, start: number): void {
  slow.note(kind, slow.now() - start);
}

/** The kinds that have a rule (for the completeness test). */
export function inlineRuleNames(): string[] {
  return Object.keys(RULES);
}
