// Node's fetch runs WebAssembly (undici's HTTP parser); V8's wasm code GC
// aborted the process whenever greenlets were parked. Prints DONE and exits 0.
'use strict';
const http = require('http');
const { killall, sleep, spawn } = require('../..');

const server = http.createServer((req, res) => res.end('ok')).listen(0, '127.0.0.1', async () => {
  const url = `http://127.0.0.1:${server.address().port}/`;
  const parked = Array.from({ length: 5 }, () => spawn(() => sleep(60_000)));
  for (let round = 0; round < 200; round++) {
    await Promise.all(Array.from({ length: 10 }, () => fetch(url).then((r) => r.text())));
    if (round % 40 === 0) global.gc();
  }
  killall(parked);
  server.close();
  console.log('DONE');
});
