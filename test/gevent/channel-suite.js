// Cases from gevent's test__queue.py (TestChannel), printed instead of asserted.
// gevent's loop.run_callback becomes a plain loop callback (setImmediate).
const { AsyncResult, Channel, Empty, Full, StopIteration, Timeout, joinall, sleep, spawn } = require('tinyevent');
const { print } = require('./_py');

function attempt(fn) {
  try {
    return fn();
  } catch (e) {
    if (e instanceof Empty || e instanceof Full) return e.constructor.name;
    throw e;
  }
}

// test_put_nowait_simple: with no getter, both are Full
let result = [];
let q = new Channel();
setImmediate(() => result.push(attempt(() => q.putNowait(2))));
setImmediate(() => result.push(attempt(() => q.putNowait(3))));
sleep(0);
print('put_nowait_simple', result);

// test_put_nowait_unlock: from a loop callback, to a waiting getter
result = [];
q = new Channel();
let p = spawn(() => q.get());
print('empty, full', q.empty(), q.full());
sleep(50);
setImmediate(() => result.push(q.putNowait(10)));
print('before', p.ready());
sleep(50);
print('put_nowait_unlock', result, p.ready(), p.value, q.empty(), q.full());

// test_get_nowait_unlock_channel: getNowait from a loop callback takes from a waiting putter
result = [];
q = new Channel();
p = spawn(() => q.put(5));
sleep(50);
setImmediate(() => result.push(q.getNowait()));
sleep(50);
print('get_nowait_unlock', result, p.ready(), p.dead);

// test_zero_max_size
q = new Channel();
const e1 = new AsyncResult();
const e2 = new AsyncResult();
const p1 = spawn(() => {
  q.put('hi');
  e1.set('done');
});
sleep(1);
print('sender waits', e1.ready());
const p2 = spawn(() => e2.set(q.get()));
print('zero_max_size', e2.get(), e1.get());
Timeout.run(0, () => joinall([p1, p2]));

// test_send
let channel = new Channel();
let events = [];
let g = spawn(() => {
  events.push(channel.get());
  events.push(channel.get());
});
events.push('sending');
channel.put('hello');
events.push('sent hello');
channel.put('world');
events.push('sent world');
print('send', events);
g.get();

// test_wait
channel = new Channel();
events = [];
g = spawn(() => {
  events.push('sending hello');
  channel.put('hello');
  events.push('sending world');
  channel.put('world');
  events.push('sent world');
});
events.push('waiting');
events.push(channel.get());
events.push(channel.get());
print('wait', events);
sleep(0);
print('wait after sleep(0)', events);
g.get();

// test_iterable, test_send_last
channel = new Channel();
spawn(() => channel.put(StopIteration));
print('iterable', Array.from(channel));
q = new Channel();
p = spawn(() => Timeout.run(100, () => q.get()));
sleep(50);
q.put('hi2');
sleep(50);
print('send_last', p.get({ timeout: 0 }), q.balance);
