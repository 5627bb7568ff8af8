// Queue: blocking get/put in FIFO order, maxsize, Full/Empty, peek, iteration.
const { Empty, Full, Queue, StopIteration, joinall, sleep, spawn } = require('tinyevent');
const { print } = require('./_py');

const q = new Queue(2);
q.put(1);
q.put(2);
print('full', q.full(), q.qsize());
try {
  q.put(3, { timeout: 10 });
} catch (e) {
  if (e instanceof Full) print('Full after timeout');
}
try {
  q.putNowait(3);
} catch (e) {
  if (e instanceof Full) print('Full nowait');
}
print('peek', q.peek(), q.qsize());

function putter(n) {
  print('putter', n, 'waits');
  q.put(n);
  print('putter', n, 'done');
}

const ps = [3, 4].map((n) => spawn(putter, n));
sleep(0);
print('get', q.get());
sleep(0);
print('get', q.get(), q.get(), q.get());
joinall(ps);
print('empty', q.empty());
try {
  q.getNowait();
} catch (e) {
  if (e instanceof Empty) print('Empty nowait');
}

const gs = ['a', 'b'].map((name) => spawn(() => print(name, 'got', q.get())));
sleep(0);
q.put('x');
q.put('y');
joinall(gs);
const q2 = new Queue(Infinity, [1, 2]);
q2.put(StopIteration);
print('iterate', Array.from(q2));
