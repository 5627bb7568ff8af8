// Cases from gevent's test__queue.py (TestQueue), printed instead of asserted.
// gevent's loop.run_callback becomes a plain loop callback (setImmediate).
const { AsyncResult, Empty, Full, JoinableQueue, Queue, Timeout, sleep, spawn } = require('tinyevent');
const { print, pyError } = require('./_py');
const RuntimeError = pyError('RuntimeError');

const name = (x) => (x instanceof Error ? x.constructor.name : x);
function attempt(fn) {
  try {
    return fn();
  } catch (e) {
    if (e instanceof Empty || e instanceof Full) return e;
    throw e;
  }
}

// test_put_nowait_simple: from a loop callback, one fits, the next is Full
let result = [];
let q = new Queue(1);
setImmediate(() => result.push(attempt(() => q.putNowait(2))));
setImmediate(() => result.push(attempt(() => q.putNowait(3))));
sleep(0);
print('put_nowait_simple', result.map(name));

// test_put_nowait_unlock: putNowait from a loop callback wakes a waiting getter
result = [];
q = new Queue();
let p = spawn(() => q.get());
sleep(50); // (gevent's test sleeps 1 ms; tinyevent fires timers up to 1 ms early; the margin is for loaded machines)
setImmediate(() => result.push(q.putNowait(10)));
print('put_nowait_unlock before', p.ready());
sleep(50);
print('put_nowait_unlock after', result, p.ready(), p.value, q.empty());

// test_get_nowait_simple and test_get_nowait_unlock
result = [];
q = new Queue(1);
q.put(4);
setImmediate(() => result.push(attempt(() => q.getNowait())));
setImmediate(() => result.push(attempt(() => q.getNowait())));
sleep(0);
print('get_nowait_simple', result.map(name));
result = [];
q = new Queue(1);
p = spawn(() => q.put(5));
sleep(0);
print('get_nowait_unlock full', q.full());
setImmediate(() => result.push(q.getNowait()));
sleep(0);
print('get_nowait_unlock', result, q.empty(), p.dead);

// test_max_size
q = new Queue(2);
const results = [];
p = spawn(() => {
  for (const x of 'abc') {
    q.put(x);
    results.push(x);
  }
  return 'OK';
});
sleep(0);
print('max_size', results);
print('max_size get', q.get());
sleep(0);
print('max_size', results, q.get(), q.get(), p.get({ timeout: 0 }));

// test_multiple_waiters
q = new Queue();
const evts = [0, 1, 2, 3].map(() => new AsyncResult());
for (const e of evts) spawn(() => e.set(q.get()));
sleep(50);
for (const x of '1234') q.put(x);
sleep(0);
print('multiple_waiters', evts.map((e) => e.get()));

// test_waiters_that_cancel, test_two_waiters_one_dies, test_two_bogus_waiters
function doReceive(q, evt) {
  const t = Timeout.startNew(0, new RuntimeError());
  try {
    evt.set(q.get());
  } catch (e) {
    if (!(e instanceof RuntimeError)) throw e;
    evt.set('timed out');
  } finally {
    t.cancel();
  }
}

q = new Queue();
const evt = new AsyncResult();
spawn(doReceive, q, evt);
print('waiters_that_cancel', evt.get());
q.put('hi');
print('waiters_that_cancel get', q.get());
q = new Queue();
const dying = new AsyncResult();
const waiting = new AsyncResult();
spawn(doReceive, q, dying);
spawn(() => waiting.set(q.get()));
sleep(100);
q.put('hi');
print('two_waiters_one_dies', dying.get(), waiting.get());
q = new Queue();
const e1 = new AsyncResult();
const e2 = new AsyncResult();
spawn(doReceive, q, e1);
spawn(doReceive, q, e2);
sleep(100);
q.put('sent');
print('two_bogus_waiters', e1.get(), e2.get(), q.get());

// test_peek_multi_greenlet, test_peek_empty
q = new Queue();
let g = spawn(() => q.peek());
sleep(0);
q.put(1);
g.join();
print('peek_multi_greenlet', g.exception, g.value, q.peek());
q = new Queue();
g = spawn(() => attempt(() => q.peek({ timeout: 10 })));
print('peek timeout', name(g.get()));

// test_task_done
const jq = new JoinableQueue();
const done = [];
for (let i = 0; i < 5; i++) jq.put(i);
const w = spawn(() => {
  for (;;) {
    done.push(jq.get());
    jq.taskDone();
  }
});
jq.join();
print('task_done', done, jq.unfinishedTasks);
w.kill();
