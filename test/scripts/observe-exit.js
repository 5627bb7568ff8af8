// The watchdog thread at exit: monitor and profiler on, greenlets parked, the
// program ends the way argv[2] says. Prints markers; the test checks the exit
// code and that nothing aborted.
'use strict';
const { Worker } = require('node:worker_threads');

const mode = process.argv[2];

const body = `
  const { monitor, spawn, sleep, startProfile, waitFor } = require('tinyevent');
  monitor({ maxBlockingMs: 20, report: () => {} });
  startProfile({ intervalUs: 200 });
  for (let i = 0; i < 3; i++) spawn(() => sleep(60_000));
  spawn(() => waitFor(new Promise(() => {})));
  spawn(() => { for (;;) sleep(0); });
  sleep(5);
`;

if (mode.startsWith('worker')) {
  const worker = new Worker(
    `${body}
    const { parentPort, workerData } = require('node:worker_threads');
    parentPort.postMessage('parked');
    if (workerData === 'worker-exit') process.exit(3);
    if (workerData === 'worker-busy') spawn(() => { for (;;) {} });
    `,
    { eval: true, workerData: mode },
  );
  const log = [];
  worker.on('message', (message) => {
    log.push(message);
    if (mode !== 'worker-exit') setTimeout(() => worker.terminate(), 100);
  });
  worker.on('error', (error) => log.push(`error ${error.message}`));
  worker.on('exit', (code) => {
    log.push(`exit ${code}`);
    console.log(JSON.stringify(log));
  });
} else {
  // eslint-disable-next-line no-new-func
  new Function('require', body)(require);
  const { spawn } = require('tinyevent');
  console.log('PARKED');
  if (mode === 'exit-in-greenlet') spawn(() => process.exit(3));
  else if (mode === 'uncaught') setTimeout(() => { throw new Error('boom'); }, 10);
  else if (mode === 'busy-exit') spawn(() => { const end = Date.now() + 100; while (Date.now() < end); process.exit(4); });
  else if (mode === 'normal') {
    // Only the greenlet on a promise stays parked: the loop ends, and the
    // watchdog thread (still watching and sampling) must not keep it alive.
    const { runInfo } = require('tinyevent');
    for (const info of runInfo().slice(1)) if (!/waitFor/.test(info.waitingOn)) info.greenlet.kill();
  }
}
