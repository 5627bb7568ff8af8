// A plain setTimeout callback throws while greenlets are parked. argv[2]:
// "handled": process.on('uncaughtException') sees it and the program goes on;
// "handled-blocked-root": the same while the root is blocked in joinall;
// "unhandled-blocked-root": Node's usual report and exit code 1.
'use strict';
const { joinall, sleep, spawn } = require('tinyevent');

const mode = process.argv[2];
const log = [];
if (mode.startsWith('handled')) {
  process.on('uncaughtException', (error) => {
    log.push(`caught ${error.message}`);
  });
}
const workers = [1, 2, 3].map((n) =>
  spawn(() => {
    sleep(100 * n); // well after the 10 ms timer, even on a busy machine
    log.push(`worker ${n}`);
    return n;
  }),
);
setTimeout(() => {
  throw new Error('timer boom');
}, 10);
if (mode.endsWith('blocked-root')) {
  joinall(workers);
  log.push('joined');
}
process.on('exit', (code) => console.log(JSON.stringify({ code, log, values: workers.map((g) => g.value) })));
