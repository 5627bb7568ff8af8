// Event and AsyncResult: set, clear, wait return values and timeouts, exceptions.
const { AsyncResult, Event, Timeout, sleep, spawn } = require('tinyevent');
const { print, pyError, repr } = require('./_py');
const KeyError = pyError('KeyError');

const e = new Event();
print('wait timeout', e.wait(10));
spawn(() => {
  sleep(10);
  e.set();
});
print('wait', e.wait());
print('is_set', e.isSet(), e.ready());
e.clear();
print('cleared', e.isSet());

const r = new AsyncResult();
print('ready', r.ready(), 'successful', r.successful());
try {
  r.get({ block: false });
} catch (err) {
  if (err instanceof Timeout) print('get nonblocking: Timeout');
}
try {
  r.get({ timeout: 10 });
} catch (err) {
  if (err instanceof Timeout) print('get timeout: Timeout');
}
r.wait(10);
print('after wait timeout, ready', r.ready());
spawn(() => r.set(5));
print('get', r.get(), r.value, r.successful());
r.set(6);
print('set again', r.get());
const bad = new AsyncResult();
bad.setException(new KeyError('k'));
try {
  bad.get();
} catch (err) {
  print('exception', repr(err), bad.successful(), bad.ready());
}
