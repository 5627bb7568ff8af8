// Finds and loads the native engine: the local build first (a clone, or an
// engine built from source), then the prebuilt engine shipped for this
// platform, arch and Node ABI. When none loads, one error says what this
// system is, what was tried and why each failed, and how to build from source.
import * as fs from 'node:fs';
import * as path from 'node:path';

interface Manifest {
  name?: string;
  engines?: { node?: string };
}

interface Tried {
  file: string;
  why: string;
}

function findPackage(): { root: string; manifest: Manifest } {
  let dir = __dirname;
  for (;;) {
    const file = path.join(dir, 'package.json');
    if (fs.existsSync(file)) {
      try {
        const manifest = JSON.parse(fs.readFileSync(file, 'utf8')) as Manifest;
        if (manifest.name === 'tinyevent') return { root: dir, manifest };
      } catch {
        // not ours; keep looking upwards
      }
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('tinyevent: cannot find its own package.json');
    dir = parent;
  }
}

/** The prebuilt engine's file for this process: prebuilds/<platform>-<arch>/tinyevent.abi<N>.glibc.node. */
export function prebuiltName(): string {
  return path.join('prebuilds', `${process.platform}-${process.arch}`, `tinyevent.abi${process.versions.modules}.glibc.node`);
}

/** 'glibc 2.36', 'musl', or 'not Linux'. Costs ~10 ms: only for the error. */
function libc(): string {
  if (process.platform !== 'linux') return 'not Linux';
  const header = (process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined)?.header;
  return header?.glibcVersionRuntime ? `glibc ${header.glibcVersionRuntime}` : 'musl';
}

/** Why `file` did not load, in one line ("was compiled against ... NODE_MODULE_VERSION 115 ..."). */
function reason(error: unknown, file: string): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split(`The module '${file}'`).join('').split(`${file}: `).join('').replace(/\s+/g, ' ').replace(/ Please try re-compiling.*$/, '').trim();
}

function supportedLines(manifest: Manifest): string {
  const majors = [...(manifest.engines?.node ?? '').matchAll(/\^(\d+)/g)].map((m) => m[1]);
  if (majors.length === 0) return 'the Node lines package.json names';
  const outside = majors.includes(process.versions.node.split('.')[0]) ? '' : ` (not Node ${process.versions.node.split('.')[0]})`;
  return `Node ${majors.join(', ')}${outside}`;
}

function noEngine(root: string, manifest: Manifest, tried: Tried[]): Error {
  const system = libc();
  const notes = tried.map(({ file, why }) => {
    const glibcBuild = file.endsWith('.glibc.node') && system === 'musl' ? ' (built for glibc; this system uses musl)' : '';
    return `  ${file}: ${why}${glibcBuild}`;
  });
  return new Error(
    [
      `tinyevent: no native engine loads on Node ${process.version} (ABI ${process.versions.modules}), ` +
        `${process.platform}-${process.arch} (${system}).`,
      `Prebuilt engines ship for ${supportedLines(manifest)} on Linux x64 and arm64 with glibc 2.28 or later. Tried:`,
      ...notes,
      `Build the engine from source (${process.platform === 'linux' ? 'needs' : 'Linux only; needs'} python3, make and a C++ compiler):`,
      `  node ${JSON.stringify(path.join(root, 'scripts', 'build-native.js'))}`,
    ].join('\n'),
  );
}

/** Loads the engine: the first candidate that loads, with the file it came from. */
export function loadAddon<T>(): { addon: T; file: string } {
  const { root, manifest } = findPackage();
  const candidates = [path.join(root, 'build', 'Release', 'tinyevent.node'), path.join(root, 'build', 'Debug', 'tinyevent.node'), path.join(root, prebuiltName())];
  const tried: Tried[] = [];
  for (const file of candidates) {
    if (!fs.existsSync(file)) {
      if (!file.includes(`${path.sep}Debug${path.sep}`)) tried.push({ file, why: file.includes('prebuilds') ? 'no such file' : 'not built' });
      continue;
    }
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      return { addon: require(file) as T, file };
    } catch (error) {
      tried.push({ file, why: reason(error, file) });
    }
  }
  throw noEngine(root, manifest, tried);
}
