// The root greenlet blocks inside a plain timer callback on greenlets whose
// sleeps started before it: Node's own timer list cannot fire until that
// callback returns, tinyevent's timers must. Prints the order, then DONE.
'use strict';
const { joinall, sleep, spawn, Timeout } = require('../..');

const order = [];
const sleepers = [5, 10, 15].map((ms) => spawn(() => (sleep(ms), order.push(`slept ${ms}`))));
setTimeout(() => {
  joinall(sleepers);
  order.push('joined in timer');
  try {
    Timeout.run(20, () => sleep(1000));
  } catch (error) {
    order.push(`timeout in timer: ${error instanceof Timeout}`);
  }
  console.log(order.join(', '));
  console.log('DONE');
}, 1);
