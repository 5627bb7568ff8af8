// Semaphore (FIFO waiters), BoundedSemaphore, RLock re-entrance and ownership.
const { BoundedSemaphore, RLock, Semaphore, joinall, sleep, spawn } = require('tinyevent');
const { print } = require('./_py');

const s = new Semaphore(1);
print('acquire', s.acquire(), 'locked', s.locked(), 'counter', s.counter);

function waiter(n) {
  s.acquire();
  print('waiter', n, 'acquired');
  sleep(0);
  s.release();
}

const ws = [0, 1, 2].map((n) => spawn(waiter, n));
sleep(0);
print('nonblocking', s.acquire({ blocking: false }));
print('timeout', s.acquire({ timeout: 10 }));
s.release();
joinall(ws);
print('counter', s.counter);
const b = new BoundedSemaphore(1);
b.acquire();
b.release();
try {
  b.release();
} catch (e) {
  if (e instanceof RangeError) print('BoundedSemaphore: ValueError on extra release');
  else throw e;
}
const r = new RLock();
r.acquire();
r.acquire();
print('rlock twice');
const other = () => print('other gets it', r.acquire({ timeout: 10 }));
spawn(other).join();
r.release();
r.release();
spawn(other).join();
