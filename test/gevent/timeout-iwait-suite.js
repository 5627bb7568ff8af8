// Cases from gevent's test__timeout.py and test__iwait.py, printed instead of asserted.
const { Semaphore, Timeout, iwait, joinall, sleep, spawn, withTimeout } = require('tinyevent');
const { print } = require('./_py');

// test_direct_raise_instance
let timeout = new Timeout();
try {
  throw timeout;
} catch (t) {
  if (t instanceof Timeout) print('direct raise', t === timeout, t.pending);
}

// test_expires, with a restart after it fired
function expire(t) {
  try {
    sleep(10_000);
  } catch (ex) {
    return ex === t;
  }
  return undefined;
}
timeout = new Timeout(10);
timeout.start();
print('expires', expire(timeout), timeout.pending);
timeout.start();
print('restarted, expires again', expire(timeout));
timeout.cancel();

// test_expires_str: the string becomes the message
timeout = new Timeout(10, 'XXX');
timeout.start();
try {
  sleep(10_000);
} catch (ex) {
  print('expires_str', ex.message.endsWith('XXX'));
}

// test_cancel
timeout = new Timeout(10);
timeout.start();
timeout.cancel();
sleep(30);
print('cancel', timeout.pending);

// test_with_timeout
try {
  withTimeout(10, () => sleep(10_000));
} catch (e) {
  if (e instanceof Timeout) print('with_timeout: Timeout');
}
print('with_timeout value', withTimeout(10, () => sleep(10_000), { timeoutValue: 'X' }));
print('with_timeout in time', withTimeout(10_000, () => sleep(10), { timeoutValue: 'X' }));

// A Timeout from another greenlet's timer reaches only its own greenlet
const g1 = spawn(() => {
  try {
    Timeout.run(10, () => sleep(10_000));
  } catch (e) {
    if (e instanceof Timeout) return 'own timeout';
    throw e;
  }
  return undefined;
});
const g2 = spawn(sleep, 50);
joinall([g1, g2]);
print('timeouts are per greenlet', g1.value, g2.successful());

// test__iwait: test_noiter, test_iwait_partial, test_iwait_nogarbage
const sem1 = new Semaphore();
const sem2 = new Semaphore();
sem1.acquire();
sem2.acquire();
spawn(() => sem1.release());
print('noiter', iwait([sem1, sem2]).next().value === sem1);
sem1.acquire();
const letter = spawn(() => sem1.release());
const iterator = iwait([sem1, sem2]);
print('nogarbage first', iterator.next().value === sem1, 'sem2 links', sem2.linkcount());
iterator.return();
print('after', sem2.linkcount());
letter.get();
