#!/usr/bin/env node
// Runs every benchmark in this folder (or those named on the command line), each
// in its own process, and prints what each prints: figures beside their baselines.
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const only = process.argv.slice(2);
const files = fs
  .readdirSync(__dirname)
  .filter((f) => f.endsWith('.bench.js'))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();
// Each benchmark runs with each CPU placement of greenlet threads: chosen by
// the workload (auto, the default: no variable set), on any CPU (spread), on
// the main thread's CPU (shared). TINYEVENT_CPU=<mode> in the environment runs
// that one only.
const modes = process.env.TINYEVENT_CPU ? [process.env.TINYEVENT_CPU] : ['default', 'spread', 'shared'];
let failed = 0;
for (const file of files) {
  for (const mode of modes) {
    console.log(`\n## ${file} (${mode === 'default' ? 'default placement: auto' : `TINYEVENT_CPU=${mode}`})`);
    const env = { ...process.env, TINYEVENT_CPU: mode };
    if (mode === 'default') delete env.TINYEVENT_CPU;
    const result = spawnSync(process.execPath, ['--expose-gc', path.join(__dirname, file)], { stdio: 'inherit', env, timeout: 10 * 60_000 });
    if (result.status !== 0) {
      failed++;
      console.log(`(${file} failed: ${result.signal ?? result.status})`);
    }
  }
}
process.exit(failed ? 1 : 0);
