// tinyevent inside a worker thread: greenlets parked (sleeping, on a promise,
// spinning through sleep(0), or busy in a loop that never yields) when the
// worker ends. argv[2]: "terminate" (worker.terminate()), "exit" (the worker
// calls process.exit(3)), "busy" (terminate while a greenlet never yields).
'use strict';
const { Worker } = require('node:worker_threads');

const mode = process.argv[2];
const worker = new Worker(
  `
  const { spawn, sleep, waitFor } = require('tinyevent');
  const { parentPort, workerData } = require('node:worker_threads');
  for (let i = 0; i < 3; i++) spawn(() => sleep(60_000));
  spawn(() => waitFor(new Promise(() => {})));
  spawn(() => { for (;;) sleep(0); });
  sleep(5);
  parentPort.postMessage('parked');
  if (workerData === 'exit') process.exit(3);
  if (workerData === 'busy') spawn(() => { for (;;) {} });
  `,
  { eval: true, workerData: mode },
);
const log = [];
worker.on('message', (message) => {
  log.push(message);
  if (mode !== 'exit') setTimeout(() => worker.terminate(), 50);
});
worker.on('error', (error) => log.push(`error ${error.message}`));
worker.on('exit', (code) => {
  log.push(`exit ${code}`);
  // The main thread is still fine afterwards.
  const { spawn, sleep } = require('tinyevent');
  log.push(spawn(() => (sleep(1), 'main ok')).get());
  console.log(JSON.stringify(log));
});
