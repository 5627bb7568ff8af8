// Cases from gevent's test__greenlet.py, printed instead of asserted.
const { AsyncResult, Queue, getcurrent, joinall, setErrorHandler, sleep, spawn } = require('tinyevent');
const { print, pyError } = require('./_py');
setErrorHandler(() => {});
const ExpectedError = pyError('ExpectedError');
const write = (...parts) => process.stdout.write(`${parts.join(' ')} `);

// test_link_to_asyncresult (value and exception), linked again after death
let p = spawn(() => 100);
const event = new AsyncResult();
p.link(event);
write('link_to_asyncresult', event.get());
for (let i = 0; i < 3; i++) {
  const event2 = new AsyncResult();
  p.link(event2);
  write(event2.get());
}
print();
const err = new ExpectedError('boom');
p = spawn(() => getcurrent().throw(err));
for (let i = 0; i < 2; i++) {
  const ev = new AsyncResult();
  p.link(ev);
  try {
    ev.get();
  } catch (exc) {
    if (exc instanceof ExpectedError) print('link_to_asyncresult_exception', exc === err);
  }
}

// test_link_to_queue
p = spawn(() => 100);
const q = new Queue();
const put = (item) => q.put(item);
p.link(put);
write('link_to_queue', q.get().get());
for (let i = 0; i < 3; i++) {
  p.link(put);
  write(q.get().get());
}
print();

// test_wait_noerrors, test_wait_error
let [x, y, z] = [spawn(() => 1), spawn(() => 2), spawn(() => 3)];
joinall([x, y, z], { raiseError: true });
print('wait_noerrors', [x.value, y.value, z.value]);
const e = new AsyncResult();
x.link(e);
x.unlink(e);
const e2 = new AsyncResult();
x.link(e2);
sleep(0);
print('unlinked AsyncResult', e.ready(), e2.get());

x = spawn(() => {
  sleep(300);
  return 1;
});
y = spawn(() => getcurrent().throw(new ExpectedError('test_wait_error')));
for (const gs of [[x, y], [y]]) {
  try {
    joinall(gs, { raiseError: true });
  } catch (exc) {
    if (exc instanceof ExpectedError) print('wait_error', exc.message, x.ready());
  }
}
x.join();

// test_joinall_exception_order: the first to fail is raised
const a = spawn(() => {
  sleep(300);
  throw new ExpectedError('first');
});
const b = spawn(() => getcurrent().throw(new ExpectedError('second')));
try {
  joinall([a, b], { raiseError: true });
} catch (exc) {
  if (exc instanceof ExpectedError) print('joinall_exception_order', exc.message);
}
joinall([a, b]);

// test_joinall_count_raise_error
const sleeper = spawn(() => {
  for (;;) sleep(100);
});
const raiser = spawn(() => getcurrent().throw(new ExpectedError('count')));
joinall([sleeper, raiser], { raiseError: false, count: 1 });
print('count_raise_error', raiser.ready(), sleeper.ready());
sleeper.kill();
print('killed', sleeper.ready());

// test_multiple_listeners_error: a failing listener does not stop the others
for (const body of [() => 5, () => getcurrent().throw(new ExpectedError('x'))]) {
  p = spawn(body);
  const results = [];
  p.rawlink(() => {
    results.push(10);
    throw new ExpectedError('listener1');
  });
  p.rawlink(() => {
    results.push(20);
    throw new ExpectedError('listener2');
  });
  p.rawlink(() => {
    throw new ExpectedError('listener3');
  });
  sleep(50);
  print('multiple_listeners_error', results.sort((m, n) => m - n));
}

// test_multiple_listeners_error_unlink: no call after unlink, though the notification began
class Results {
  constructor() {
    this.results = [];
    this.listener1 = (src) => {
      src.unlink(this.listener2);
      this.results.push(5);
      throw new ExpectedError('listener1');
    };
    this.listener2 = (src) => {
      src.unlink(this.listener1);
      this.results.push(5);
      throw new ExpectedError('listener2');
    };
    this.listener3 = () => {
      throw new ExpectedError('listener3');
    };
  }
}
p = spawn(() => 5);
const ar = new AsyncResult();
spawn(() => ar.set(6));
for (const [what, target] of [['Greenlet', p], ['AsyncResult', ar]]) {
  const results = new Results();
  for (const listener of [results.listener1, results.listener2, results.listener3]) target.rawlink(listener);
  sleep(50);
  print('multiple_listeners_error_unlink', what, results.results);
}
