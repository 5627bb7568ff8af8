// Prints, as JSON, the CPU mode, the CPUs allowed to the main thread before and
// after tinyevent loads, and those a child process gets (spawned from the root
// and from a greenlet) and a worker thread get, after running 200 greenlets.
'use strict';
const { execFileSync } = require('child_process');
const fs = require('fs');

const allowed = (text) => /Cpus_allowed_list:\s*(\S+)/.exec(text)[1];
const own = () => allowed(fs.readFileSync('/proc/thread-self/status', 'utf8'));
const child = () => allowed(execFileSync('cat', ['/proc/self/status'], { encoding: 'utf8' }));

const before = own();
const { joinall, sleep, spawn, stats } = require('../..');
const greenlets = Array.from({ length: 200 }, (_, i) => spawn(() => (sleep(i % 3), 1)));
const done = joinall(greenlets).length;
const fromGreenlet = spawn(child).get();
const { Worker } = require('worker_threads');
const worker = new Worker(
  "const fs = require('fs'); require('worker_threads').parentPort.postMessage(fs.readFileSync('/proc/thread-self/status', 'utf8'))",
  { eval: true },
);
worker.once('message', (status) => {
  worker.terminate();
  process.stdout.write(JSON.stringify({ cpu: stats().cpu, done, before, main: own(), child: child(), fromGreenlet, worker: allowed(status) }));
});
