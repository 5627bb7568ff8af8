#!/usr/bin/env node
// The packaging test: installs a packed tinyevent tarball into a fresh project
// with scripts disabled, on each given Node, and runs an unmodified
// synchronous program (fixtures/build-script.js) under `node -r
// tinyevent/register` and `node --import tinyevent/register`: its four build
// steps must overlap and all finish, on the prebuilt engine (no compiler ran).
//   node scripts/package-test.js <tinyevent.tgz> <node-dir>[@npm,pnpm,yarn] ...
// <node-dir> holds bin/node (scripts/nodes.js); the package managers to try
// default to npm (pnpm and yarn run when on PATH).
'use strict';
const { execFileSync, spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const root = path.join(__dirname, '..');
const FIXTURE = path.join(root, 'fixtures', 'build-script.js');
const INSTALL = {
  npm: (tgz) => ['npm', ['install', '--ignore-scripts', '--no-audit', '--no-fund', tgz]],
  pnpm: (tgz) => ['pnpm', ['add', '--ignore-scripts', tgz]],
  yarn: (tgz) => ['yarn', ['add', '--ignore-scripts', '--no-lockfile', `file:${tgz}`]],
};

function onPath(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

function fail(message) {
  throw new Error(`package-test: ${message}`);
}

/** Checks one run of the fixture: exit 0, nothing on stderr, overlapping steps, every step done. */
function checkRun(label, result) {
  const lines = result.stdout.trim().split('\n');
  if (result.status !== 0 || result.stderr !== '') fail(`${label}: exit ${result.status}, stderr:\n${result.stderr}`);
  const firstDone = lines.findIndex((line) => line.startsWith('done '));
  const startsBefore = lines.slice(0, firstDone).filter((line) => line.startsWith('start ')).length;
  if (startsBefore < 2) fail(`${label}: the steps did not overlap:\n${lines.join('\n')}`);
  const done = lines.filter((line) => line.startsWith('done ')).map((line) => line.split(':')[0]).sort();
  if (done.join() !== 'done cli,done core,done docs,done web') fail(`${label}: not every step finished:\n${lines.join('\n')}`);
  if (!lines.some((line) => /^done core: compiled core \(\d+ bytes\)$/.test(line))) fail(`${label}: unexpected output:\n${lines.join('\n')}`);
}

function testOne(tgz, nodeDir, manager) {
  const bin = path.join(nodeDir, 'bin');
  const env = { ...process.env, PATH: `${bin}${path.delimiter}${process.env.PATH}` };
  delete env.npm_config_nodedir; // a compiler must not be needed, nor any headers
  const version = execFileSync(path.join(bin, 'node'), ['--version'], { encoding: 'utf8' }).trim();
  const project = fs.mkdtempSync(path.join(os.tmpdir(), 'tinyevent-package-'));
  const started = Date.now();
  try {
    fs.writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'package-test', version: '1.0.0', private: true }));
    const [command, args] = INSTALL[manager](tgz);
    const install = spawnSync(command, args, { cwd: project, env, encoding: 'utf8' });
    if (install.status !== 0) fail(`${manager} install on Node ${version} failed:\n${install.stdout}\n${install.stderr}`);
    const installed = path.join(project, 'node_modules', 'tinyevent');
    const manifest = JSON.parse(fs.readFileSync(path.join(installed, 'package.json'), 'utf8'));
    if (manifest.scripts?.install || manifest.scripts?.postinstall || manifest.gypfile !== false) fail('the package has an install step');
    if (fs.existsSync(path.join(installed, 'build'))) fail('the installed package has a build/ folder: the engine must come from prebuilds/');
    fs.copyFileSync(FIXTURE, path.join(project, 'build-script.js'));
    for (const preload of [['-r', 'tinyevent/register'], ['--import', 'tinyevent/register']]) {
      const result = spawnSync(path.join(bin, 'node'), [...preload, 'build-script.js'], { cwd: project, env, encoding: 'utf8', timeout: 60_000 });
      checkRun(`Node ${version}, ${manager}, ${preload.join(' ')}`, result);
    }
    const probe = "const p = require('path'); const main = require.resolve('tinyevent'); console.log(require(p.join(p.dirname(main), 'core', 'native.js')).engineFile)";
    const used = execFileSync(path.join(bin, 'node'), ['-e', probe], { cwd: project, env, encoding: 'utf8' }).trim();
    if (!/prebuilds[/\\]linux-(x64|arm64)[/\\]tinyevent\.abi\d+\.glibc\.node$/.test(used)) fail(`Node ${version}: the engine came from ${used}, not a prebuild`);
    console.log(`package-test: Node ${version}, ${manager}: -r and --import ok, engine ${path.relative(installed, used)} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  } finally {
    fs.rmSync(project, { recursive: true, force: true });
  }
}

function main(argv) {
  const [tarball, ...targets] = argv;
  if (!tarball || targets.length === 0) fail('usage: package-test.js <tinyevent.tgz> <node-dir>[@npm,pnpm,yarn] ...');
  const tgz = path.resolve(tarball);
  if (!fs.existsSync(tgz)) fail(`no such tarball: ${tgz}`);
  for (const target of targets) {
    const [dir, list] = target.split('@');
    const managers = list ? list.split(',') : ['npm'];
    for (const manager of managers) {
      if (!INSTALL[manager]) fail(`unknown package manager ${manager}`);
      if (manager !== 'npm' && !onPath(manager)) {
        console.log(`package-test: ${manager} is not installed; skipped`);
        continue;
      }
      testOne(tgz, path.resolve(dir), manager);
    }
  }
}

try {
  main(process.argv.slice(2));
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}
