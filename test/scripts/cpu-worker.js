// Loads tinyevent in a worker thread (TINYEVENT_CPU comes from the environment)
// and prints, as JSON, the placement the worker's greenlets see and the CPUs
// the worker and the main thread are allowed afterwards.
'use strict';
const fs = require('fs');
const { Worker } = require('worker_threads');

const allowed = () => /Cpus_allowed_list:\s*(\S+)/.exec(fs.readFileSync('/proc/thread-self/status', 'utf8'))[1];
const before = allowed();
const worker = new Worker(
  `const fs = require('fs');
   const allowed = () => /Cpus_allowed_list:\\s*(\\S+)/.exec(fs.readFileSync('/proc/thread-self/status', 'utf8'))[1];
   const { joinall, sleep, spawn, stats } = require(${JSON.stringify(require.resolve('../..'))});
   const done = joinall(Array.from({ length: 50 }, () => spawn(() => (sleep(1), 1)))).length;
   require('worker_threads').parentPort.postMessage({ cpu: stats().cpu, done, worker: allowed() });`,
  { eval: true },
);
worker.once('message', (out) => {
  worker.terminate();
  process.stdout.write(JSON.stringify({ ...out, before, main: allowed() }));
});
