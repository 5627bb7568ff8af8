// Prints the run info tree with one parked greenlet (spawn stacks depend on
// TINYEVENT_SPAWN_STACKS).
'use strict';
const { printRunInfo, sleep, spawn } = require('tinyevent');

function spawnTheWorker() {
  const g = spawn(() => sleep(60_000));
  g.name = 'worker';
  return g;
}
if (process.argv[2] === 'execsync') {
  // A greenlet blocked in a patched execSync: what it waits on, and where.
  const te = require('tinyevent');
  te.patchChildProcess();
  const { execSync } = require('node:child_process');
  const g = spawn(function runsTheBuild() {
    return String(execSync('sleep 0.3; echo built')).trim();
  });
  sleep(50);
  const info = te.runInfo().find((i) => i.greenlet === g);
  console.log(JSON.stringify({ state: info.state, waitingOn: info.waitingOn, stack: info.stack, result: g.get() }));
  process.exit(0);
}
const worker = spawnTheWorker();
sleep(10);
printRunInfo(process.stdout);
worker.kill();
