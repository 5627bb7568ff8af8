// gevent's `saved`: every original a patch replaces, kept once (the first save
// wins, so patching twice never saves a patched function as the "original").
// getOriginal() and unpatching read it.

export type Target = 'fs' | 'child_process' | 'timers' | 'net' | 'deasync' | 'callbacks' | 'zlib' | 'crypto';

interface Saved {
  readonly owner: object;
  readonly value: unknown;
  readonly existed: boolean;
}

const SAVED = Symbol.for('tinyevent.monkey.saved.v1');
type Holder = { [SAVED]?: { modules: Map<string, Map<string, Saved>>; patched: Set<Target>; undo: Map<Target, (() => void)[]> } };
const holder = globalThis as Holder;
// One registry per process, even if tinyevent is loaded twice (CommonJS and ESM copies).
const saved = (holder[SAVED] ??= { modules: new Map(), patched: new Set(), undo: new Map() });

/** Remembers `owner[name]` as the original of `moduleName.name` unless one is already saved. */
export function saveOriginal(moduleName: string, name: string, owner: object): void {
  let names = saved.modules.get(moduleName);
  if (names === undefined) saved.modules.set(moduleName, (names = new Map()));
  if (names.has(name)) return;
  const existed = Object.prototype.hasOwnProperty.call(owner, name);
  names.set(name, { owner, value: (owner as Record<string, unknown>)[name], existed });
}

/** The saved original, or undefined if that item was never patched. */
export function savedOriginal(moduleName: string, name: string): unknown {
  return saved.modules.get(moduleName)?.get(name)?.value;
}

/** Replaces `owner[name]` with `value`, saving the original first. */
export function patchItem(moduleName: string, owner: object, name: string, value: unknown): void {
  saveOriginal(moduleName, name, owner);
  const descriptor = Object.getOwnPropertyDescriptor(owner, name);
  Object.defineProperty(owner, name, {
    value,
    writable: descriptor?.writable ?? true,
    enumerable: descriptor?.enumerable ?? true,
    configurable: true,
  });
}

/** Puts every saved item of `moduleName` back and forgets it. */
export function restoreModule(moduleName: string): void {
  const names = saved.modules.get(moduleName);
  if (names === undefined) return;
  for (const [name, item] of names) {
    if (item.existed) {
      const descriptor = Object.getOwnPropertyDescriptor(item.owner, name);
      Object.defineProperty(item.owner, name, {
        value: item.value,
        writable: descriptor?.writable ?? true,
        enumerable: descriptor?.enumerable ?? true,
        configurable: true,
      });
    } else {
      delete (item.owner as Record<string, unknown>)[name];
    }
  }
  saved.modules.delete(moduleName);
}

export function isTargetPatched(target: Target): boolean {
  return saved.patched.has(target);
}

/** Marks `target` patched; `undo` (if any) runs when it is unpatched. */
export function markPatched(target: Target, undo?: () => void): void {
  saved.patched.add(target);
  if (undo !== undefined) {
    const list = saved.undo.get(target) ?? [];
    list.push(undo);
    saved.undo.set(target, list);
  }
}

/** Runs the undo steps of `target` (newest first) and marks it unpatched. */
export function unmark(target: Target): void {
  const list = saved.undo.get(target) ?? [];
  saved.undo.delete(target);
  saved.patched.delete(target);
  for (const undo of list.reverse()) undo();
}

/**
 * Gives `replacement` the original's `name`, `length` and own properties (such
 * as realpathSync.native), so code that inspects the function sees no change.
 */
export function dressAs<F extends object>(replacement: F, original: object, skip: readonly string[] = []): F {
  for (const key of Reflect.ownKeys(original)) {
    if (key === 'prototype' || key === 'arguments' || key === 'caller' || skip.includes(key as string)) continue;
    const descriptor = Object.getOwnPropertyDescriptor(original, key);
    if (descriptor === undefined) continue;
    if (key === 'name' || key === 'length') {
      Object.defineProperty(replacement, key, { ...descriptor, configurable: true });
    } else if (!Object.prototype.hasOwnProperty.call(replacement, key)) {
      Object.defineProperty(replacement, key, descriptor);
    }
  }
  return replacement;
}
