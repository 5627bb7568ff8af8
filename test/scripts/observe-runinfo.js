// Prints the run info tree with one parked greenlet (spawn stacks depend on
// TINYEVENT_SPAWN_STACKS).
'use strict';
const { printRunInfo, sleep, spawn } = require('tinyevent');

function spawnTheWorker() {
  const g = spawn(() => sleep(60_000));
  g.name = 'worker';
  return g;
}
const worker = spawnTheWorker();
sleep(10);
printRunInfo(process.stdout);
worker.kill();
