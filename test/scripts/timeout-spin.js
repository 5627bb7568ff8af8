// A Timeout over code that yields only with sleep(0), in the root and then in a
// greenlet: prints how many milliseconds each took to fire, as JSON.
'use strict';
const { performance } = require('node:perf_hooks');
const { spawn, sleep, Timeout } = require('tinyevent');

function spin(ms) {
  const start = performance.now();
  try {
    Timeout.run(ms, () => {
      for (;;) sleep(0);
    });
  } catch (error) {
    if (!(error instanceof Timeout)) throw error;
    return performance.now() - start;
  }
  return -1;
}

const root = spin(10);
const greenlet = spawn(() => spin(10)).get();
console.log(JSON.stringify({ root, greenlet }));
