// A greenlet and the root block for 400 ms each; another greenlet yields every
// 10 ms. Run with TINYEVENT_MONITOR set: the monitor prints on stderr.
'use strict';
const { joinall, sleep, spawn } = require('tinyevent');

function spinFor(ms) {
  const end = Date.now() + ms;
  let x = 0;
  while (Date.now() < end) x += Math.sqrt(x + 1);
  return x;
}
function spinInGreenlet() {
  spinFor(400);
}
function spinInRoot() {
  spinFor(400);
}
function politeLoop() {
  for (let i = 0; i < 30; i++) {
    spinFor(1);
    sleep(10);
  }
}

if (process.argv[2] === 'blockers') {
  joinall([spawn(politeLoop)]);
  const busy = spawn(spinInGreenlet);
  busy.name = 'busy';
  joinall([busy]);
  spinInRoot();
  sleep(20);
}
console.log('DONE');
