#!/usr/bin/env node
// Builds the native engine from source into build/Release with node-gyp (the
// copy that ships with npm), against the headers of the Node that runs this
// script: those installed beside it, or npm's nodedir when its ABI matches,
// else the headers node-gyp fetches for this version.
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const root = path.join(__dirname, '..');

function headersAbi(dir) {
  try {
    const header = fs.readFileSync(path.join(dir, 'include', 'node', 'node_version.h'), 'utf8');
    return /#define NODE_MODULE_VERSION (\d+)/.exec(header)?.[1];
  } catch {
    return undefined;
  }
}

function findNodeGyp() {
  const candidates = [];
  if (process.env.npm_config_node_gyp) candidates.push(process.env.npm_config_node_gyp);
  try {
    candidates.push(require.resolve('node-gyp/bin/node-gyp.js'));
  } catch {
    // not installed locally
  }
  const npmDirs = [path.join(path.dirname(process.execPath), '..', 'lib', 'node_modules', 'npm')];
  // A node without npm beside it (a bare Node binary) runs npm from PATH.
  for (const dir of (process.env.PATH || '').split(path.delimiter)) npmDirs.push(path.join(dir, '..', 'lib', 'node_modules', 'npm'));
  for (const dir of npmDirs) candidates.push(path.join(dir, 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'));
  return candidates.find((p) => fs.existsSync(p));
}

const gyp = findNodeGyp();
if (!gyp) {
  console.error('tinyevent: node-gyp not found; install it (npm i -g node-gyp) and run this again.');
  process.exit(1);
}
const abi = process.versions.modules;
const nodedir = [process.env.TINYEVENT_NODEDIR, path.join(path.dirname(process.execPath), '..'), process.env.npm_config_nodedir]
  .filter(Boolean)
  .find((dir) => headersAbi(dir) === abi);
const env = { ...process.env };
// npm's nodedir (a global npmrc may set one) is another Node's when its ABI differs.
delete env.npm_config_nodedir;
const args = ['rebuild', nodedir ? `--nodedir=${nodedir}` : `--target=${process.versions.node}`];
console.log(`tinyevent: building the engine for Node ${process.version} (ABI ${abi})${nodedir ? ` with the headers in ${nodedir}` : ''}`);
const result = spawnSync(process.execPath, [gyp, ...args], { cwd: root, env, stdio: 'inherit' });
process.exit(result.status === null ? 1 : result.status);
