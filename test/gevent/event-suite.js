// Cases from gevent's test__event.py and test__semaphore.py, printed instead of asserted.
const { AsyncResult, Event, Semaphore, Timeout, joinall, setErrorHandler, sleep, spawn, spawnLater, wait, withTimeout } = require('tinyevent');
const { print, pyError, Tuple } = require('./_py');
setErrorHandler(() => {});
const MyException = pyError('MyException');

// test_wait_while_notifying (gevent issue 1520): the root arriving goes last
let event = new Event();
let results = [];
function waitThenAppend(arg) {
  event.wait();
  results.push(arg);
}
spawn(waitThenAppend, 1);
spawn(waitThenAppend, 2);
sleep(0);
print('linkcount', event.linkcount());
event.set();
waitThenAppend(3);
print('wait_while_notifying', results);

// test_gevent_wait_twice_when_already_set
event = new Event();
event.set();
print('wait twice', wait([event]).length, wait([event]).length);

// test_set_during_wait (gevent issue 771)
event = new Event();
spawn(() => {
  const s = spawn(() => event.set());
  const res = event.wait();
  print('set_during_wait', res, event.ready());
  s.join();
  event.clear();
  const o = wait([event], { timeout: 10 });
  print('after clear', event.ready(), o.includes(event));
}).join();

// TestAsyncResult: test_set_exc, test_set, test_set_with_timeout, test_nonblocking_get
const e = new AsyncResult();
print('fresh', e.exception);
const log = [];
let obj;
spawn(() => {
  try {
    e.get();
  } catch (exc) {
    if (exc instanceof MyException) log.push(['caught', exc === obj]);
  }
});
obj = new MyException();
e.setException(obj);
sleep(0);
print('set_exc', log.map(([what, same]) => new Tuple(what, same)));
const event1 = new AsyncResult();
const timerExc = new MyException('interrupted');
let g = spawnLater(200, () => event1.set('hello event1'));
{
  const t = Timeout.startNew(0, timerExc);
  try {
    event1.get();
  } catch (exc) {
    if (exc instanceof MyException) print('set: interrupted by the timer', exc === timerExc);
  } finally {
    t.cancel();
  }
}
g.kill();
const ar = new AsyncResult();
print('set_with_timeout', withTimeout(10, () => ar.get(), { timeoutValue: 'X' }));
for (const how of ['block=False', 'get_nowait']) {
  try {
    if (how === 'block=False') new AsyncResult().get({ block: false });
    else new AsyncResult().getNowait();
  } catch (exc) {
    if (exc instanceof Timeout) print('nonblocking_get', how, 'Timeout');
  }
}

// TestAsyncResultAsLinkTarget
g = spawn(() => 1);
let [s1, s2, s3] = [new AsyncResult(), new AsyncResult(), new AsyncResult()];
g.link(s1);
g.linkValue(s2);
g.linkException(s3);
print('link target value', s1.get(), s2.get(), withTimeout(10, () => s3.get(), { timeoutValue: 'X' }));
g = spawn(() => {
  throw new MyException('boom');
});
[s1, s2, s3] = [new AsyncResult(), new AsyncResult(), new AsyncResult()];
g.link(s1);
g.linkValue(s2);
g.linkException(s3);
for (const [name, s] of [['link', s1], ['link_exception', s3]]) {
  try {
    s.get();
  } catch (exc) {
    if (exc instanceof MyException) print('link target exception', name, exc.message);
  }
}
print('link_value not set', withTimeout(10, () => s2.get(), { timeoutValue: 'X' }));

// TestEvent_SetThenClear100: every waiter wakes even though cleared at once
const ev = new Event();
const waiters = Array.from({ length: 100 }, () => spawn(() => ev.wait()));
sleep(0);
ev.set();
ev.clear();
joinall(waiters);
print('set then clear', waiters.filter((w) => w.value === true).length);

// TestWait with count
function sender(events, asyncs) {
  while (events.length > 0 || asyncs.length > 0) {
    sleep(2);
    if (events.length > 0) events.pop().set();
    sleep(2);
    if (asyncs.length > 0) asyncs.pop().set();
  }
}
for (const count of [undefined, 1, 2]) {
  const evs = Array.from({ length: 5 }, () => new Event());
  const ars = Array.from({ length: 5 }, () => new AsyncResult());
  const s = spawn(sender, [...evs], [...ars]);
  const got = wait([...evs, ...ars], { count });
  print('wait count', count, got.length, 'sender done', s.ready());
  s.kill();
}

// test__semaphore: timeout, release_twice, rawlink on an unacquired semaphore
print('acquire timeout', new Semaphore(0).acquire({ timeout: 10 }));
let sem = new Semaphore();
const result = [];
sem.rawlink(() => result.push('a'));
sem.release();
sem.rawlink(() => result.push('b'));
sem.release();
sleep(50);
print('release_twice', result.sort());
sem = new Semaphore();
print('wait on unacquired', wait([sem]).length);
