// zlib: every *Sync function runs its asynchronous form (the same engine, fed
// through libuv's thread pool) and blocks only the calling greenlet. The
// sync and async forms share lib/zlib.js's engine and error paths
// (zlibOnError), so results, `info: true` and errors match; an input the
// async form would reject late (a number, null) goes to the original.
import zlib = require('node:zlib');
import { syncBuiltinESMExports } from 'node:module';

import { dressAs, isTargetPatched, markPatched, patchItem, restoreModule } from './registry';
import { cooperativeVersion, Fn, Plan, positional } from './twin';

const zlibTable = zlib as unknown as Record<string, Fn | undefined>;

/** *Sync exports deliberately left alone, with the reason (the completeness test reads this). */
export const ZLIB_LEFT_ALONE: Readonly<Record<string, string>> = {
  createZipArchiveSync: "Node 26's experimental ZIP archive API: it takes entries, not one buffer, and its asynchronous form is another call",
};

/** What zlibBufferSync accepts; anything else gets the original's TypeError. */
function isInput(value: unknown): boolean {
  return typeof value === 'string' || ArrayBuffer.isView(value) || value instanceof ArrayBuffer || value instanceof SharedArrayBuffer;
}

function inputBytes(value: unknown): number {
  if (typeof value === 'string') return Buffer.byteLength(value);
  return (value as ArrayBufferView | ArrayBuffer).byteLength;
}

// zstdCompressSync knows the whole input and writes its size in the frame
// header; the streaming form writes it only when told (pledgedSrcSize).
function withPledgedSize(args: unknown[]): unknown[] {
  const options = args[1];
  const given = options !== null && typeof options === 'object' ? options : undefined; // zlib ignores other values
  if (given !== undefined && 'pledgedSrcSize' in given) return args;
  return [args[0], { ...given, pledgedSrcSize: inputBytes(args[0]) }, ...args.slice(2)];
}

function planFor(twinName: string): Plan {
  return (args) => {
    if (!isInput(args[0]) || typeof args[1] === 'function') return undefined;
    const given = twinName === 'zstdCompress' ? withPledgedSize(args) : args;
    return (callback) => void (zlibTable[twinName] as Fn)(...positional(given, 2), callback);
  };
}

/** The *Sync exports whose asynchronous form exists in this Node. */
export function zlibSyncNames(): string[] {
  return Object.keys(zlib).filter((name) => name.endsWith('Sync') && typeof zlibTable[name.slice(0, -4)] === 'function');
}

/** Patches the zlib module; harmless if it is already patched. */
export function patchZlibModule(): void {
  if (isTargetPatched('zlib')) return;
  for (const name of zlibSyncNames()) {
    if (name in ZLIB_LEFT_ALONE) continue;
    const original = zlibTable[name] as Fn;
    patchItem('zlib', zlib, name, dressAs(cooperativeVersion(`zlib.${name}()`, original, planFor(name.slice(0, -4))), original));
  }
  syncBuiltinESMExports();
  markPatched('zlib', () => {
    restoreModule('zlib');
    syncBuiltinESMExports();
  });
}
