#!/usr/bin/env node
// Builds the prebuilt engines the package ships, for every supported Node ABI
// on x64 and arm64, on one x64 machine:
//   prebuilds/linux-<arch>/tinyevent.abi<N>.glibc.node
// Each is compiled against that Node's headers (scripts/nodes.js) and a Debian
// bullseye sysroot (scripts/sysroot.sh), so it needs only old glibc symbol
// versions. libstdc++ stays shared, as Node's own: the engine uses only its
// oldest symbols (a static copy would bring newer glibc needs). arm64 uses the Debian cross
// compiler (g++-aarch64-linux-gnu). An engine whose inputs did not change is
// kept.  Usage: node scripts/prebuild.js [--arch=x64,arm64] [major...]
'use strict';
const { execFileSync, spawn, spawnSync } = require('child_process');
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');

const nodes = require('./nodes');

const root = path.join(__dirname, '..');
const work = path.join(root, '.cache', 'prebuild');
const TARGETS = {
  x64: { debian: 'amd64', triplet: 'x86_64-linux-gnu', cc: 'gcc', cxx: 'g++' },
  arm64: { debian: 'arm64', triplet: 'aarch64-linux-gnu', cc: 'aarch64-linux-gnu-gcc', cxx: 'aarch64-linux-gnu-g++' },
};
const SOURCES = ['binding.gyp', ...fs.readdirSync(path.join(root, 'src', 'native')).map((f) => path.join('src', 'native', f))];

function prebuildPath(arch, abi) {
  return path.join(root, 'prebuilds', `linux-${arch}`, `tinyevent.abi${abi}.glibc.node`);
}

function abiOf(nodeDir) {
  const header = fs.readFileSync(path.join(nodeDir, 'include', 'node', 'node_version.h'), 'utf8');
  return /#define NODE_MODULE_VERSION (\d+)/.exec(header)[1];
}

// The compiler's own C++ and builtin header directories; the C library's come
// from the sysroot (the cross compiler would otherwise read its newer glibc's).
function includeFlags(target, sysroot) {
  const { stderr } = spawnSync(target.cxx, ['-xc++', '-E', '-v', '-'], { input: '', encoding: 'utf8' });
  const list = (stderr ?? '').split('#include <...> search starts here:')[1]?.split('End of search list.')[0];
  if (list === undefined) throw new Error(`prebuild: cannot run ${target.cxx} (apt-get install ${target.cxx === 'g++' ? 'g++' : 'g++-aarch64-linux-gnu'})`);
  const own = list
    .split('\n')
    .map((line) => line.trim())
    .filter((dir) => dir && (/\/c\+\+\//.test(dir) || /\/gcc(-cross)?\/[^/]+\/\d+\/include$/.test(dir)))
    .map((dir) => path.resolve(dir));
  const dirs = [...own, path.join(sysroot, 'usr', 'include', target.triplet), path.join(sysroot, 'usr', 'include')];
  return ['-nostdinc', '-nostdinc++', ...dirs.flatMap((dir) => ['-isystem', dir])];
}

function nodeGyp() {
  const candidates = [path.join(path.dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js')];
  try {
    candidates.unshift(require.resolve('node-gyp/bin/node-gyp.js'));
  } catch {
    // not a devDependency here: npm's own copy
  }
  const found = candidates.find((p) => fs.existsSync(p));
  if (!found) throw new Error('prebuild: node-gyp not found (npm install, or npm i -g node-gyp)');
  return found;
}

function digest(parts) {
  const hash = crypto.createHash('sha256');
  for (const part of parts) hash.update(part).update('\0');
  return hash.digest('hex');
}

function run(command, args, options, log) {
  return new Promise((resolve, reject) => {
    const out = fs.openSync(log, 'w');
    const child = spawn(command, args, { ...options, stdio: ['ignore', out, out] });
    child.on('error', reject);
    child.on('close', (code) => {
      fs.closeSync(out);
      if (code === 0) resolve();
      else reject(new Error(`prebuild: ${path.basename(log, '.log')} failed (exit ${code}):\n${fs.readFileSync(log, 'utf8').split('\n').slice(-25).join('\n')}`));
    });
  });
}

async function build(job) {
  const { arch, major } = job;
  const target = TARGETS[arch];
  const nodeDir = nodes.ensure(arch, major, false).dir;
  const sysroot = execFileSync('bash', [path.join(__dirname, 'sysroot.sh'), target.debian], { encoding: 'utf8' }).trim();
  const abi = abiOf(nodeDir);
  const output = prebuildPath(arch, abi);
  const cflags = [`--sysroot=${sysroot}`, ...includeFlags(target, sysroot)];
  const ldflags = [
    `--sysroot=${sysroot}`,
    `-L${path.join(sysroot, 'lib', target.triplet)}`,
    `-L${path.join(sysroot, 'usr', 'lib', target.triplet)}`,
  ];
  const name = `${arch}-abi${abi}`;
  const stamp = path.join(work, `${name}.stamp`);
  const key = digest([
    fs.readFileSync(path.join(nodeDir, '.version'), 'utf8'),
    ...SOURCES.map((f) => fs.readFileSync(path.join(root, f))),
    fs.readFileSync(__filename),
    cflags.join(' '),
    ldflags.join(' '),
  ]);
  const fileDigest = () => digest([fs.readFileSync(output)]);
  if (fs.existsSync(output) && fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === `${key} ${fileDigest()}`) {
    return `${path.relative(root, output)} (up to date)`;
  }
  // A copy of the sources per target: node-gyp builds into ./build, which is the local engine's.
  const dir = path.join(work, name);
  fs.rmSync(dir, { recursive: true, force: true });
  for (const file of SOURCES) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.copyFileSync(path.join(root, file), path.join(dir, file));
  }
  const env = {
    ...process.env,
    CC: target.cc,
    CXX: target.cxx,
    CFLAGS: cflags.join(' '),
    CXXFLAGS: cflags.join(' '),
    LDFLAGS: ldflags.join(' '),
    npm_config_nodedir: nodeDir,
  };
  const started = Date.now();
  await run(process.execPath, [nodeGyp(), 'rebuild', `--arch=${arch}`, `--nodedir=${nodeDir}`], { cwd: dir, env }, path.join(work, `${name}.log`));
  const log = fs.readFileSync(path.join(work, `${name}.log`), 'utf8');
  const warnings = log.split('\n').filter((line) => /warning:/.test(line));
  if (warnings.length > 0) throw new Error(`prebuild: ${name} compiled with warnings:\n${warnings.join('\n')}`);
  fs.mkdirSync(path.dirname(output), { recursive: true });
  fs.copyFileSync(path.join(dir, 'build', 'Release', 'tinyevent.node'), output);
  fs.writeFileSync(stamp, `${key} ${fileDigest()}`);
  fs.rmSync(dir, { recursive: true, force: true });
  return `${path.relative(root, output)} (Node ${major}, ${((Date.now() - started) / 1000).toFixed(1)} s)`;
}

async function main(argv) {
  let arches = Object.keys(TARGETS);
  const majors = [];
  for (const arg of argv) {
    if (arg.startsWith('--arch=')) arches = arg.slice(7).split(',');
    else majors.push(arg);
  }
  for (const arch of arches) if (!TARGETS[arch]) throw new RangeError(`prebuild: arch must be x64 or arm64, got ${arch}`);
  fs.mkdirSync(work, { recursive: true });
  const jobs = arches.flatMap((arch) => (majors.length ? majors : nodes.supportedMajors()).map((major) => ({ arch, major })));
  // Fetch headers and sysroots first, one at a time; then compile two at once.
  for (const { arch, major } of jobs) nodes.ensure(arch, major, false);
  for (const arch of arches) execFileSync('bash', [path.join(__dirname, 'sysroot.sh'), TARGETS[arch].debian], { stdio: ['ignore', 'ignore', 'inherit'] });
  const queue = [...jobs];
  const worker = async () => {
    for (let job = queue.shift(); job; job = queue.shift()) console.log(`prebuild: ${await build(job)}`);
  };
  await Promise.all([worker(), worker()]);
}

main(process.argv.slice(2)).catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
