// tinyevent/monkey: make Node's blocking APIs block only the calling greenlet.
//
// Targets: fs (every *Sync function with an async twin), child_process
// (execSync, execFileSync, spawnSync), timers (Atomics.wait), net (sync-fetch,
// sync-request), deasync, zlib (every *Sync function), crypto (every function
// with an async form on libuv's thread pool), and callbacks (plain timer callbacks run in greenlets
// of their own; register turns it on, patchAll() only when asked).
//
// A patched call yields in a spawned greenlet; in the root greenlet only while
// other greenlets exist; never inside Hub callbacks, while a module loads
// (require() reads files with fs.readFileSync), or while the process exits:
// there it calls the original. Results, errors and options are the originals'.
import nodeFs = require('node:fs');
import { createRequire, isBuiltin } from 'node:module';
import * as path from 'node:path';

import { checkOptions, describeValue } from './core/errors';
import { warnCapturedFs } from './patches/captured';
import { patchCallbacksModule } from './patches/callbacks';
import { patchChildProcessModule } from './patches/child_process';
import { CRYPTO_LEFT_ALONE, patchCryptoModule } from './patches/crypto';
import { patchDeasyncModule } from './patches/deasync';
import { FS_LEFT_ALONE, patchFsModule } from './patches/fs';
import { realExports } from './patches/modhook';
export { greenletLocal, serialize } from './patches/modulestate';
import { patchNetModule } from './patches/net';
import { isTargetPatched, savedOriginal, Target, unmark } from './patches/registry';
import { patchTimersModule } from './patches/timers';
import { patchZlibModule, ZLIB_LEFT_ALONE } from './patches/zlib';

export type { Target } from './patches/registry';
export { FS_LEFT_ALONE };
export { CRYPTO_LEFT_ALONE, ZLIB_LEFT_ALONE };

export interface PatchAllOptions {
  fs?: boolean;
  childProcess?: boolean;
  timers?: boolean;
  net?: boolean;
  deasync?: boolean;
  zlib?: boolean;
  crypto?: boolean;
  /** Run plain setTimeout/setImmediate/setInterval callbacks in greenlets of their own (default false). */
  callbacks?: boolean;
}

const OPTION_OF: Record<Target, keyof PatchAllOptions> = {
  fs: 'fs',
  child_process: 'childProcess',
  timers: 'timers',
  net: 'net',
  deasync: 'deasync',
  callbacks: 'callbacks',
  zlib: 'zlib',
  crypto: 'crypto',
};

const PATCHERS: Record<Target, () => void> = {
  fs: patchFsModule,
  child_process: patchChildProcessModule,
  timers: patchTimersModule,
  net: patchNetModule,
  deasync: patchDeasyncModule,
  callbacks: patchCallbacksModule,
  zlib: patchZlibModule,
  crypto: patchCryptoModule,
};

/** Every target name, in the order patchAll applies them. */
export const TARGETS: readonly Target[] = ['fs', 'child_process', 'timers', 'net', 'deasync', 'zlib', 'crypto', 'callbacks'];

function checkTarget(target: unknown): Target {
  if (typeof target !== 'string' || !(TARGETS as readonly string[]).includes(target)) {
    throw new TypeError(`unknown patch target ${JSON.stringify(target)}; known targets: ${TARGETS.join(', ')}`);
  }
  return target as Target;
}

export function patchFs(): void {
  const before = isTargetPatched('fs');
  patchFsModule();
  warnIfCaptured(before);
}

/** fs functions patching replaced, by function (what a library that copied them still holds). */
function fsOriginals(): Map<unknown, string> {
  const originals = new Map<unknown, string>();
  for (const name of Object.keys(nodeFs)) {
    const original = savedOriginal('fs', name);
    if (typeof original === 'function' && original !== (nodeFs as unknown as Record<string, unknown>)[name]) originals.set(original, name);
  }
  return originals;
}

/** After the call that patched fs: modules loaded before it may hold the originals. */
function warnIfCaptured(fsWasPatched: boolean): void {
  if (!fsWasPatched && isTargetPatched('fs')) warnCapturedFs(fsOriginals());
}
export function patchChildProcess(): void {
  patchChildProcessModule();
}
/** Atomics.wait (the sleep idiom, synckit). */
export function patchTimers(): void {
  patchTimersModule();
}
/** sync-fetch and sync-request, in-process. */
export function patchNet(): void {
  patchNetModule();
}
export function patchDeasync(): void {
  patchDeasyncModule();
}
/** Every zlib.*Sync function, on libuv's thread pool. */
export function patchZlib(): void {
  patchZlibModule();
}
/** pbkdf2Sync, scryptSync, generateKeyPairSync, ... and randomBytes(size) without a callback, on libuv's thread pool. */
export function patchCrypto(): void {
  patchCryptoModule();
}
/** Plain timer callbacks run in greenlets of their own (register does this). */
export function patchCallbacks(): void {
  patchCallbacksModule();
}

/**
 * Patches every target whose option is not false (`callbacks` only when true).
 * Patching twice is harmless; fs.promises is never touched.
 */
export function patchAll(options: PatchAllOptions = {}): void {
  const opts = checkOptions(options, 'options') as PatchAllOptions;
  for (const key of Object.keys(opts)) {
    if (!(Object.values(OPTION_OF) as string[]).includes(key)) {
      throw new TypeError(`patchAll(): unknown option ${JSON.stringify(key)}; known options: ${Object.values(OPTION_OF).join(', ')}`);
    }
  }
  const fsWasPatched = isTargetPatched('fs');
  for (const target of TARGETS) {
    const enabled = opts[OPTION_OF[target]];
    if (target === 'callbacks' ? enabled === true : enabled !== false) PATCHERS[target]();
  }
  warnIfCaptured(fsWasPatched);
}
export { patchAll as patch_all };

/** Patches the named targets (register's TINYEVENT_PATCH). */
export function patchTargets(targets: readonly string[]): void {
  if (!Array.isArray(targets)) throw new TypeError(`patchTargets() takes an array of target names, got ${describeValue(targets)}`);
  const checked = targets.map(checkTarget);
  for (const target of TARGETS) if (checked.includes(target)) PATCHERS[target]();
}

export function isPatched(target: Target): boolean {
  return isTargetPatched(checkTarget(target));
}

/**
 * The original of `moduleName.name` saved by a patch ('fs', 'child_process', 'zlib', 'crypto',
 * 'Atomics', 'timers', 'globalThis'), or of a hooked package ('deasync',
 * 'sync-fetch', 'sync-request', resolved from the working directory; name
 * 'default' is the package's export itself). Unpatched items: the live value.
 */
export function getOriginal(moduleName: string, name: string): unknown {
  const saved = savedOriginal(moduleName, name);
  if (saved !== undefined) return saved;
  if (moduleName === 'Atomics') return (Atomics as unknown as Record<string, unknown>)[name];
  if (moduleName === 'globalThis') return (globalThis as unknown as Record<string, unknown>)[name];
  const from = createRequire(path.join(process.cwd(), 'index.js'));
  const live = from(moduleName) as Record<string, unknown>;
  if (isBuiltin(moduleName)) return live[name];
  const real = realExports(live, from.resolve(moduleName)) as Record<string, unknown>;
  return name === 'default' ? real : real[name];
}

/** Undoes every patch. */
export function unpatchAll(): void {
  for (const target of [...TARGETS].reverse()) unmark(target);
}
