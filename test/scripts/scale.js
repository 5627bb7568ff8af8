// argv[2] greenlets sleep at once (staggered deadlines), all wake and finish.
'use strict';
const { joinall, sleep, spawn, stats } = require('tinyevent');

const COUNT = Number(process.argv[2] || 5000);
let running = 0;
let peak = 0;
const greenlets = [];
for (let i = 0; i < COUNT; i++) {
  greenlets.push(
    spawn((n) => {
      running++;
      peak = Math.max(peak, running);
      sleep(20 + (n % 50));
      sleep(0);
      running--;
      return n;
    }, i),
  );
}
const done = joinall(greenlets);
let sum = 0;
for (const g of greenlets) sum += g.value;
console.log(JSON.stringify({ count: COUNT, done: done.length, sum, peak, threads: stats().threads }));
