// Timeout: startNew, run in a block, custom exceptions, cancel, withTimeout, nesting.
const { Greenlet, Timeout, sleep, spawn, withTimeout } = require('tinyevent');
const { print } = require('./_py');

let t = Timeout.startNew(10);
try {
  sleep(1000);
} catch (e) {
  if (!(e instanceof Timeout)) throw e;
  print('caught own timeout', e === t, t.pending);
}

t = new Timeout(10, new RangeError('custom'));
t.start();
try {
  sleep(1000);
} catch (e) {
  if (!(e instanceof RangeError)) throw e;
  print('custom exception', e.message);
}

t = new Timeout(10);
t.start();
t.cancel();
sleep(20);
print('cancelled, pending', t.pending);

print('with_timeout value', withTimeout(10, () => sleep(1000), { timeoutValue: 'late' }));
try {
  withTimeout(10, () => sleep(1000));
} catch (e) {
  if (e instanceof Timeout) print('with_timeout raises Timeout');
  else throw e;
}

const outer = Timeout.startNew(50);
try {
  const inner = Timeout.startNew(10);
  try {
    sleep(1000);
  } catch (e) {
    if (!(e instanceof Timeout)) throw e;
    print('inner fired first', e === inner);
  }
  sleep(1000);
} catch (e) {
  if (!(e instanceof Timeout)) throw e;
  print('outer fired', e === outer);
}
process.stdout.write('get with timeout ');
try {
  spawn(() => sleep(1000)).get({ timeout: 10 });
} catch (e) {
  if (e instanceof Timeout) print('Timeout');
  else throw e;
}
process.exit(0); // gevent does not wait for the sleeping greenlet either
