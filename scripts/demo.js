#!/usr/bin/env node
// Runs an unmodified synchronous-style program (fixtures/build-script.js: four
// build steps, each in its own callback, each blocking in execSync) twice:
// with plain Node and under `node -r tinyevent/register`, and prints both wall times.
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const root = path.join(__dirname, '..');
const program = path.join('fixtures', 'build-script.js');

// Make `tinyevent` resolvable from the repository, as it is once installed.
const link = path.join(root, 'node_modules', 'tinyevent');
let linked = false;
try {
  linked = fs.realpathSync(link) === fs.realpathSync(root);
} catch {
  linked = false;
}
if (!linked) {
  const temp = `${link}.${process.pid}.tmp`;
  fs.symlinkSync('..', temp);
  fs.renameSync(temp, link);
}

function run(label, args) {
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, [...args, program], { cwd: root, encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  console.log(`\n$ node ${[...args, program].join(' ')}`);
  process.stdout.write(result.stdout);
  if (result.status !== 0) {
    process.stderr.write(result.stderr);
    process.exit(1);
  }
  return { label, ms };
}

const plain = run('plain node', []);
const patched = run('tinyevent/register', ['-r', 'tinyevent/register']);
console.log('\nwall time (process start to exit):');
for (const { label, ms } of [plain, patched]) console.log(`  ${label.padEnd(20)} ${ms.toFixed(0).padStart(5)} ms`);
console.log(`  speed-up             ${(plain.ms / patched.ms).toFixed(1)}x`);
