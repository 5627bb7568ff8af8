// The root greenlet waiting first (on an Event, a join) runs as soon as its turn
// comes, before greenlets that waited after it.
const { Event, sleep, spawn } = require('tinyevent');
const { print } = require('./_py');

const e = new Event();

function waiter(n) {
  e.wait();
  print('waiter', n);
}

spawn(() => {
  sleep(10);
  print('set');
  e.set();
  print('after set');
});
spawn(waiter, 1);
e.wait();
print('main woke');
spawn(waiter, 2);
sleep(20);
const target = spawn(sleep, 10);
spawn(() => {
  target.join();
  print('greenlet joined');
});
target.join();
print('main joined');
sleep(20);
print('end');
