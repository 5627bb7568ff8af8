// patchAll() after a library has copied fs functions into its own objects
// (fast-glob's and fs-extra's adapters, path-scurry's — glob's and rimraf's —
// file system) leaves that library blocking: its copies are the originals.
// patchAll() says so once, naming what it found, and points to register.
// Found by scanning the loaded modules' exports (two levels deep) for the
// very functions patching replaced; path-scurry keeps its copies private, so
// it is known by name.
import * as path from 'node:path';

type Dict = Record<string, unknown>;

// Libraries that copy fs functions into module-private state at load (path-scurry's
// file system; glob bundles it).
const PRIVATE_CAPTURES: Record<string, string> = {
  glob: 'lstatSync, readdirSync, readlinkSync, realpathSync',
  'path-scurry': 'lstatSync, readdirSync, readlinkSync, realpathSync',
};

let warned = false;

function packageOf(filename: string): string | undefined {
  const marker = `${path.sep}node_modules${path.sep}`;
  const at = filename.lastIndexOf(marker);
  if (at < 0) return undefined;
  const parts = filename.slice(at + marker.length).split(path.sep);
  return parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
}

function scan(value: unknown, originals: Map<unknown, string>, found: Set<string>, seen: Set<unknown>, depth: number): void {
  if (depth > 2 || value === null || (typeof value !== 'object' && typeof value !== 'function') || seen.has(value)) return;
  seen.add(value);
  let keys: string[];
  try {
    keys = Object.keys(value as object);
  } catch {
    return; // a Proxy that refuses
  }
  for (const key of keys) {
    let descriptor: PropertyDescriptor | undefined;
    try {
      descriptor = Object.getOwnPropertyDescriptor(value as object, key);
    } catch {
      continue;
    }
    if (descriptor === undefined || !('value' in descriptor)) continue; // never run getters
    const name = originals.get(descriptor.value);
    if (name !== undefined) found.add(name);
    else scan(descriptor.value, originals, found, seen, depth + 1);
  }
}

/** Which loaded packages hold copies of `originals` (function → its fs name). */
export function findCapturedFs(originals: Map<unknown, string>): Map<string, string[]> {
  const byPackage = new Map<string, Set<string>>();
  const cache = require.cache as Record<string, { exports?: unknown } | undefined>;
  const seen = new Set<unknown>();
  for (const [filename, entry] of Object.entries(cache)) {
    const pkg = packageOf(filename);
    if (pkg === undefined || pkg === 'tinyevent' || entry === undefined) continue;
    if (PRIVATE_CAPTURES[pkg] !== undefined) {
      byPackage.set(pkg, new Set(PRIVATE_CAPTURES[pkg].split(', ')));
      continue;
    }
    const found = new Set<string>();
    scan(entry.exports as Dict, originals, found, seen, 0);
    if (found.size === 0) continue;
    const names = byPackage.get(pkg) ?? new Set<string>();
    for (const name of found) names.add(name);
    byPackage.set(pkg, names);
  }
  return new Map([...byPackage].map(([pkg, names]) => [pkg, [...names].sort()]));
}

/** Warns (once per process) when loaded packages kept fs functions patching replaced. */
export function warnCapturedFs(originals: Map<unknown, string>): void {
  if (warned) return;
  const captured = findCapturedFs(originals);
  if (captured.size === 0) return;
  warned = true;
  const list = [...captured]
    .map(([pkg, names]) => `${pkg} (${names.length > 4 ? `${names.slice(0, 4).join(', ')} and ${names.length - 4} more` : names.join(', ')})`)
    .join(', ');
  process.emitWarning(
    `patchAll() ran after these modules copied fs functions, and their copies stay blocking: ${list}. ` +
      'Patch before they load: node -r tinyevent/register app.js (or --import tinyevent/register), or call patchAll() first.',
    { code: 'TINYEVENT_CAPTURED_FS' },
  );
}
