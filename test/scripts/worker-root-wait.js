// Workers whose root greenlet blocks in a tinyevent wait while they end:
// worker.terminate() at a random moment, or process.exit() from a greenlet.
// argv[2] picks what the root waits in and what the greenlets do; argv[3] how
// many workers run one after another. Prints the exit codes as JSON.
'use strict';
const { Worker } = require('node:worker_threads');

const BODIES = {
  // Only a timer ten minutes away could end these waits.
  sleep: 'sleep(600_000)',
  // The port listened to keeps the loop alive (else the wait is a LoopExit), with no timer.
  event: "require('node:worker_threads').parentPort.on('message', () => {}); new Event().wait()",
  join: 'spawn(() => sleep(600_000)).join()',
  // Greenlets keep the Hub busy (and hold the isolate) when the end comes.
  busy: 'spawn(() => { for (;;) { const t = Date.now(); while (Date.now() - t < 3); sleep(0); } }); sleep(600_000)',
  spinning: "require('node:worker_threads').parentPort.on('message', () => {}); for (let i = 0; i < 4; i++) spawn(() => { for (;;) sleep(0); }); new Event().wait()",
  immediates: 'setInterval(() => { for (let i = 0; i < 100; i++) setImmediate(() => {}); }, 1); spawn(() => { for (;;) sleep(1); }); sleep(600_000)',
  // A session once connected in the worker hides Node's task-queue wake-up (the
  // stop request among them) from the root's turns unless the engine runs it.
  inspector: "{ const s = new (require('node:inspector').Session)(); s.connect(); s.disconnect(); } sleep(600_000)",
  exit: 'spawn(() => { sleep(Math.random() * 10); process.exit(7); }); spawn(() => { for (;;) sleep(0); }); sleep(600_000)',
};
const [kind, countText] = process.argv.slice(2);
const count = Number(countText);
const codes = [];

function startOne() {
  const worker = new Worker(
    `const { Event, sleep, spawn } = require('tinyevent');
     require('node:worker_threads').parentPort.postMessage('ready');
     ${BODIES[kind]}`,
    { eval: true },
  );
  worker.on('message', () => {
    if (kind !== 'exit') setTimeout(() => worker.terminate(), Math.random() * 20);
  });
  worker.on('error', (error) => codes.push(`error ${error.message}`));
  worker.on('exit', (code) => {
    codes.push(code);
    if (codes.length < count) return startOne();
    const { spawn, sleep } = require('tinyevent');
    codes.push(spawn(() => (sleep(1), 'main ok')).get());
    console.log(JSON.stringify(codes));
  });
}
startOne();
