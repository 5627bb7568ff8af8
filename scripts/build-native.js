#!/usr/bin/env node
// Builds the native engine with node-gyp (the copy that ships with npm), against
// the headers of the Node that runs this script.
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const root = path.join(__dirname, '..');

// A published package ships an engine for its build platform: use it when it
// matches (TINYEVENT_BUILD_FROM_SOURCE=1 builds anyway).
const prebuilt = path.join(root, 'prebuilds', `${process.platform}-${process.arch}`, `node-abi${process.versions.modules}`, 'tinyevent.node');
if (fs.existsSync(prebuilt) && !process.env.TINYEVENT_BUILD_FROM_SOURCE) {
  console.log(`tinyevent: using the prebuilt engine ${path.relative(root, prebuilt)}`);
  process.exit(0);
}
const args = ['rebuild'];
// Use the local headers when they are installed beside this node binary, so the
// build never needs the network.
const localDir = path.join(path.dirname(process.execPath), '..');
if (!process.env.npm_config_nodedir && fs.existsSync(path.join(localDir, 'include', 'node', 'node.h'))) {
  args.push(`--nodedir=${localDir}`);
}

function findNodeGyp() {
  const candidates = [];
  if (process.env.npm_config_node_gyp) candidates.push(process.env.npm_config_node_gyp);
  const npmDir = path.join(path.dirname(process.execPath), '..', 'lib', 'node_modules', 'npm');
  candidates.push(path.join(npmDir, 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'));
  try { candidates.push(require.resolve('node-gyp/bin/node-gyp.js')); } catch { /* not installed locally */ }
  return candidates.find((p) => fs.existsSync(p));
}

const gyp = findNodeGyp();
if (!gyp) {
  console.error('tinyevent: node-gyp not found; install it (npm i -g node-gyp) and run `npm rebuild tinyevent`.');
  process.exit(1);
}
const result = spawnSync(process.execPath, [gyp, ...args], { cwd: root, stdio: 'inherit' });
process.exit(result.status === null ? 1 : result.status);
