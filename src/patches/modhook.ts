// Hooks a third-party package's entry file so that `require()` (and ESM
// `import`, which loads CommonJS packages through the same loader) gets a
// cooperative version. A hook matches the entry by path, so every installed
// copy is covered; copies loaded before patching have their require.cache
// entry updated (modules that already hold the old exports keep them, as with
// any monkey patch).
import Module from 'node:module';
import * as path from 'node:path';

export interface PackageHook {
  /** The package's entry, as a path suffix: `${sep}node_modules${sep}sync-fetch${sep}index.js`. */
  readonly suffix: string;
  /** Given the real exports (loaded now) returns the exports to publish. */
  readonly wrap?: (exports: unknown, filename: string) => unknown;
  /** Returns the exports without loading the real module at all (for packages whose load is costly). */
  readonly replace?: (filename: string) => unknown;
}

type CompileHook = (module: Module & { exports: unknown }, filename: string) => void;
interface CacheEntry {
  exports: unknown;
}

const hooks = new Set<PackageHook>();
const cacheRestores = new Map<PackageHook, (() => void)[]>();
let savedJs: CompileHook | undefined;

export function entrySuffix(pkg: string, file: string): string {
  return `${path.sep}node_modules${path.sep}${pkg}${path.sep}${file.split('/').join(path.sep)}`;
}

function hookFor(filename: string): PackageHook | undefined {
  for (const hook of hooks) if (filename.endsWith(hook.suffix)) return hook;
  return undefined;
}

function extensions(): Record<string, CompileHook> {
  return (Module as unknown as { _extensions: Record<string, CompileHook> })._extensions;
}

function install(): void {
  if (savedJs !== undefined) return;
  const original = extensions()['.js'];
  savedJs = original;
  extensions()['.js'] = function (this: unknown, module, filename) {
    const hook = hookFor(filename);
    if (hook?.replace !== undefined) {
      module.exports = hook.replace(filename);
      return;
    }
    original.call(this, module, filename);
    if (hook?.wrap !== undefined) module.exports = hook.wrap(module.exports, filename);
  };
}

function uninstall(): void {
  if (savedJs === undefined || hooks.size > 0) return;
  extensions()['.js'] = savedJs;
  savedJs = undefined;
}

/** Starts hooking a package; copies already loaded are switched over now. */
export function addHook(hook: PackageHook): void {
  hooks.add(hook);
  install();
  const restores: (() => void)[] = [];
  const cache = require.cache as Record<string, CacheEntry | undefined>;
  for (const [filename, entry] of Object.entries(cache)) {
    if (entry === undefined || !filename.endsWith(hook.suffix)) continue;
    const before = entry.exports;
    entry.exports = hook.wrap !== undefined ? hook.wrap(before, filename) : (hook.replace as (f: string) => unknown)(filename);
    restores.push(() => {
      entry.exports = before;
    });
  }
  cacheRestores.set(hook, restores);
}

/** Stops hooking; cached copies loaded while hooked are dropped so the next require loads the real one. */
export function removeHook(hook: PackageHook): void {
  if (!hooks.delete(hook)) return;
  const cache = require.cache as Record<string, CacheEntry | undefined>;
  const restored = cacheRestores.get(hook) ?? [];
  for (const restore of restored) restore();
  cacheRestores.delete(hook);
  for (const filename of Object.keys(cache)) {
    if (filename.endsWith(hook.suffix) && cache[filename] !== undefined && isHookedExports(cache[filename]?.exports)) delete cache[filename];
  }
  uninstall();
}

const HOOKED = Symbol.for('tinyevent.monkey.hooked');

/** Brands exports made by a hook, so unpatching can tell them from real ones. */
export function brand<T extends object>(exports: T, original?: unknown): T {
  Object.defineProperty(exports, HOOKED, { value: original ?? true, enumerable: false, configurable: true });
  return exports;
}

/** The real exports behind a hooked package's exports (loading them if a hook replaced the package). */
export function realExports(value: unknown, filename: string): unknown {
  if (!isHookedExports(value)) return value;
  const original = (value as Record<symbol, unknown>)[HOOKED];
  return original === true ? requireReal(filename) : original;
}

function isHookedExports(value: unknown): boolean {
  return (typeof value === 'function' || (typeof value === 'object' && value !== null)) && HOOKED in (value as object);
}

/** Requires a module's real exports, bypassing the hooks (the fallback of a replaced package). */
export function requireReal(filename: string): unknown {
  const req = Module.createRequire(filename);
  const saved = [...hooks];
  hooks.clear();
  try {
    const cache = require.cache as Record<string, CacheEntry | undefined>;
    const existing = cache[filename];
    if (existing !== undefined && isHookedExports(existing.exports)) {
      delete cache[filename];
      try {
        return req(filename);
      } finally {
        cache[filename] = existing; // keep publishing the cooperative version
      }
    }
    return req(filename);
  } finally {
    for (const hook of saved) hooks.add(hook);
  }
}
