// The engine loader (src/core/addon.ts): the local build, then the prebuilt
// engine for this platform, arch and ABI, else one error that says why. Each
// case runs the built loader in a child process, inside a scratch package
// laid out as an installed tinyevent.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { engineFile } from '../src/core/native';

const LOADER = path.join(__dirname, '..', 'dist', 'cjs', 'core', 'addon.js');
const PREBUILT = path.join('prebuilds', `${process.platform}-${process.arch}`, `tinyevent.abi${process.versions.modules}.glibc.node`);
const scratch: string[] = [];

afterAll(() => {
  for (const dir of scratch) fs.rmSync(dir, { recursive: true, force: true });
});

/** A scratch package: the built loader, and the given files (null: garbage). */
function layout(files: Record<string, string | null>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tinyevent-loader-'));
  scratch.push(root);
  fs.writeFileSync(path.join(root, 'package.json'), JSON.stringify({ name: 'tinyevent', engines: { node: '^20 || ^22 || ^24 || ^26' } }));
  fs.mkdirSync(path.join(root, 'dist', 'cjs', 'core'), { recursive: true });
  fs.copyFileSync(LOADER, path.join(root, 'dist', 'cjs', 'core', 'addon.js'));
  for (const [file, source] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    if (source === null) fs.writeFileSync(path.join(root, file), 'not an engine');
    else fs.copyFileSync(source, path.join(root, file));
  }
  return root;
}

function load(root: string): { file?: string; setup?: string; error?: string } {
  const program = `
    const { loadAddon } = require(${JSON.stringify(path.join(root, 'dist', 'cjs', 'core', 'addon.js'))});
    let out;
    try {
      const { addon, file } = loadAddon();
      out = { file, setup: typeof addon.setup };
    } catch (error) {
      out = { error: error.message };
    }
    console.log(JSON.stringify(out));`;
  const result = spawnSync(process.execPath, ['-e', program], { encoding: 'utf8', timeout: 15_000 });
  expect(result.stderr).toBe('');
  return JSON.parse(result.stdout) as { file?: string; setup?: string; error?: string };
}

describe('engine loader', () => {
  it('loads the local build first', () => {
    const root = layout({ 'build/Release/tinyevent.node': engineFile, [PREBUILT]: null });
    expect(load(root)).toEqual({ file: path.join(root, 'build', 'Release', 'tinyevent.node'), setup: 'function' });
  });

  it('falls back to the prebuilt engine for this platform, arch and ABI', () => {
    const only = layout({ [PREBUILT]: engineFile });
    expect(load(only)).toEqual({ file: path.join(only, PREBUILT), setup: 'function' });
    // a local build that does not load (another ABI, a broken file) is passed over
    const root = layout({ 'build/Release/tinyevent.node': null, [PREBUILT]: engineFile });
    expect(load(root)).toEqual({ file: path.join(root, PREBUILT), setup: 'function' });
  });

  it('when nothing loads, one error names the system, each file tried and why, and the build command', () => {
    const root = layout({ 'build/Release/tinyevent.node': null });
    const { error } = load(root);
    expect(error).toBeDefined();
    const text = error as string;
    expect(text).toContain(`Node ${process.version} (ABI ${process.versions.modules}), ${process.platform}-${process.arch} (glibc `);
    expect(text).toContain('Node 20, 22, 24, 26 on Linux x64 and arm64 with glibc 2.28 or later');
    expect(text).toMatch(new RegExp(`build/Release/tinyevent\\.node: .*(invalid ELF header|file too short)`));
    expect(text).toContain(`${path.join(root, PREBUILT)}: no such file`);
    expect(text).toContain(`node ${JSON.stringify(path.join(root, 'scripts', 'build-native.js'))}`);
    expect(text.split('\n')).toHaveLength(6);
  });

  it('says when the local build is missing and the Node line is outside the supported ones', () => {
    const root = layout({});
    fs.writeFileSync(path.join(root, 'package.json'), JSON.stringify({ name: 'tinyevent', engines: { node: '^18' } }));
    const text = load(root).error as string;
    expect(text).toContain(`${path.join(root, 'build', 'Release', 'tinyevent.node')}: not built`);
    expect(text).toContain(`Node 18 (not Node ${process.versions.node.split('.')[0]})`);
  });
});
