#!/usr/bin/env node
// Fetches the supported Node lines (bin/node and include/node) from the npm
// registry's node-linux-<arch> packages into .cache/nodes/<arch>-<major>/.
// Idempotent: an unpacked line is kept until --refresh.
//   node scripts/nodes.js [--arch=x64,arm64] [--refresh] [major...]
//     fetches and prints "<arch>-<major> <version> <dir>" per line
//   node scripts/nodes.js --dir <arch> <major>
//     prints only the directory (fetching it first if needed)
'use strict';
const { execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const root = path.join(__dirname, '..');
const cache = process.env.TINYEVENT_NODES || path.join(root, '.cache', 'nodes');
const ARCHES = ['x64', 'arm64'];

/** The majors package.json's engines field names ("^20 || ^22 ..."). */
function supportedMajors() {
  const { engines } = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  return [...engines.node.matchAll(/\^(\d+)/g)].map((m) => m[1]);
}

function ensure(arch, major, refresh) {
  if (!ARCHES.includes(arch)) throw new RangeError(`nodes: arch must be one of ${ARCHES.join(', ')}, got ${arch}`);
  if (!/^\d+$/.test(major)) throw new RangeError(`nodes: major must be a number, got ${major}`);
  const dir = path.join(cache, `${arch}-${major}`);
  const marker = path.join(dir, '.version');
  if (!refresh && fs.existsSync(marker)) return { dir, version: fs.readFileSync(marker, 'utf8').trim() };
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tinyevent-node-'));
  try {
    const out = execFileSync('npm', ['pack', `node-linux-${arch}@${major}`, '--json', '--pack-destination', tmp], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const [{ filename, version }] = JSON.parse(out);
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    execFileSync('tar', ['xzf', path.join(tmp, filename), '-C', dir, '--strip-components=1']);
    if (!fs.existsSync(path.join(dir, 'bin', 'node')) || !fs.existsSync(path.join(dir, 'include', 'node', 'node.h'))) {
      throw new Error(`nodes: node-linux-${arch}@${version} has no bin/node or include/node`);
    }
    fs.writeFileSync(marker, `${version}\n`);
    return { dir, version };
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

function main(argv) {
  if (argv[0] === '--dir') {
    const [, arch, major] = argv;
    process.stdout.write(`${ensure(arch, major, false).dir}\n`);
    return;
  }
  let arches = ARCHES;
  let refresh = false;
  const majors = [];
  for (const arg of argv) {
    if (arg.startsWith('--arch=')) arches = arg.slice(7).split(',');
    else if (arg === '--refresh') refresh = true;
    else majors.push(arg);
  }
  for (const arch of arches) {
    for (const major of majors.length ? majors : supportedMajors()) {
      const { dir, version } = ensure(arch, major, refresh);
      process.stdout.write(`${arch}-${major} ${version} ${path.relative(process.cwd(), dir) || '.'}\n`);
    }
  }
}

module.exports = { ensure, supportedMajors };
if (require.main === module) {
  try {
    main(process.argv.slice(2));
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  }
}
