#!/usr/bin/env node
// Copies the built engine into prebuilds/<platform>-<arch>/node-abi<N>/, which
// the published package ships: an install whose scripts do not run (npm's
// install-script approval) still finds an engine for this platform and Node ABI.
'use strict';
const fs = require('fs');
const path = require('path');

const root = path.join(__dirname, '..');
const built = path.join(root, 'build', 'Release', 'tinyevent.node');
if (!fs.existsSync(built)) {
  console.error('prebuild: build the engine first (npm run install)');
  process.exit(1);
}
const dir = path.join(root, 'prebuilds', `${process.platform}-${process.arch}`, `node-abi${process.versions.modules}`);
fs.mkdirSync(dir, { recursive: true });
fs.copyFileSync(built, path.join(dir, 'tinyevent.node'));
console.log(`prebuild: ${path.relative(root, path.join(dir, 'tinyevent.node'))}`);
