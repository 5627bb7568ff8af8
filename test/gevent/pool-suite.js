// Cases from gevent's test__pool.py, printed instead of asserted.
const { Event, Full, Greenlet, Pool, Queue, StopIteration, Timeout, joinall, setErrorHandler, sleep, spawn, spawnLater } = require('tinyevent');
const { Float, print, pyError } = require('./_py');
setErrorHandler(() => {});

// test_multiple_coros
let evt = new Event();
const results = [];
let pool = new Pool(2);
const done = pool.spawn(() => {
  results.push('cons1');
  evt.wait();
  results.push('cons2');
});
pool.applyAsync(() => {
  sleep(1);
  results.push('prod');
  evt.set();
});
done.get();
print('multiple_coros', results);

// test_reentrant
pool = new Pool(1);
print('reentrant', pool.apply((...args) => pool.apply(...args), [(a) => a + 1, [5]]));
evt = new Event();
pool.applyAsync(() => evt.set());
print('apply_async set', evt.wait());

// test_execute_async
let p = new Pool(2);
const r = [];
let first = p.spawn((x) => r.push(x), 1);
print('free', p.freeCount());
first.get();
sleep(0);
print('free after', p.freeCount(), r);
const gs = [p.applyAsync((x) => r.push(x), [2])];
print('free', p.freeCount(), r);
gs.push(p.applyAsync((x) => r.push(x), [3]));
print('free', p.freeCount(), r);
gs.push(p.applyAsync((x) => r.push(x), [4]));
print('full, still', r);
joinall(gs);
print('execute_async', [...r].sort());

// test_discard
p = new Pool(1);
first = p.spawn(sleep, 1_000_000);
p.discard(first);
first.kill();
print('discard', first.started, p.size, p.freeCount());

// test_add_method, non-blocking, timeout, start timeout
p = new Pool(1);
first = spawn(sleep, 1_000_000);
const second = spawn(sleep, 1_000_000);
p.add(first);
print('add', p.freeCount(), p.size);
try {
  Timeout.run(50, () => p.add(second));
} catch (e) {
  if (e instanceof Timeout) print('add blocked until Timeout', p.freeCount(), p.size);
}
for (const [key, options] of [['blocking', { blocking: false }], ['timeout', { timeout: 50 }]]) {
  try {
    p.add(second, options);
  } catch (e) {
    if (e instanceof Full) print('PoolFull', [key]);
  }
}
const third = new Greenlet(sleep, 1_000_000);
try {
  p.start(third, { timeout: 50 });
} catch (e) {
  if (e instanceof Full) print('start: PoolFull', third.started);
}
for (const g of [first, second, third]) g.kill();

// TestSpawn, testSpawnAndWait, TestJoinEmpty
p = new Pool(1);
p.spawn(sleep, 50);
print('spawn', p.size);
p.spawn(sleep, 50);
print('second spawn waited', p.size);
print('join timeout', p.join({ timeout: 10 }));
print('join', p.join(), p.size);
print('join empty', new Pool().join());

// test_imap_unordered_sleep, test_imap_no_stop, final sleep
p = new Pool(3);
print('imap_unordered_sleep', Array.from(p.imapUnordered((x) => (sleep(x * 50), String(x)), [10, 1, 2])));
const q = new Queue();
q.put(123);
spawnLater(50, () => q.put(StopIteration));
print('imap_no_stop', Array.from(p.imap((x) => x, q)));
function* finalSleep() {
  for (let i = 0; i < 3; i++) yield i;
  sleep(50);
}
print('imap_final_sleep', Array.from(p.imap((x) => x * x, finalSleep())));
print('imap_unordered_final_sleep', Array.from(p.imapUnordered((x) => x * x, finalSleep())).sort());

// TestErrorInIterator
const ExpectedException = pyError('ExpectedException');
function* errorIter() {
  yield 1;
  yield 2;
  throw new ExpectedException('from the iterator');
}
p = new Pool(3);
try {
  p.map(() => undefined, errorIter());
} catch (e) {
  if (e instanceof ExpectedException) print('error in iterator: map', e.message);
}
try {
  Array.from(p.imapUnordered(() => undefined, errorIter()));
} catch (e) {
  if (e instanceof ExpectedException) print('error in iterator: imap_unordered', e.message);
}
sleep(1);

// TestErrorInHandler (1.0 / 0 raises in Python: here it throws)
const ZeroDivisionError = pyError('ZeroDivisionError');
const divideBy = (x) => {
  if (x === 0) throw new ZeroDivisionError('float division by zero');
  return 1.0 / x;
};
try {
  new Pool(3).map(divideBy, [1, 0, 2]);
} catch (e) {
  if (e instanceof ZeroDivisionError) print('map ZeroDivisionError');
}
for (const meth of ['imap', 'imapUnordered']) {
  const it = new Pool(1)[meth](divideBy, [1, 0, 2]);
  const out = [];
  for (let i = 0; i < 4; i++) {
    try {
      const step = it.next();
      out.push(step.done ? 'StopIteration' : new Float(step.value));
    } catch (e) {
      if (e instanceof ZeroDivisionError) out.push('ZeroDivisionError');
      else throw e;
    }
  }
  print(meth === 'imap' ? 'imap' : 'imap_unordered', out);
}

// test_imap_unordered_bounded_queue: maxsize=1 keeps at most one result waiting
let running = 0;
const short = (i) => {
  running++;
  return i;
};
for (const meth of ['imapUnordered', 'imap']) {
  running = 0;
  let most = 0;
  const got = [];
  let i = 0;
  for (const x of new Pool(10)[meth](short, Array.from({ length: 20 }, (_, k) => k), { maxsize: 1 })) {
    most = Math.max(most, running - i);
    got.push(x);
    sleep(1);
    i++;
  }
  print('bounded', meth === 'imap' ? 'imap' : 'imap_unordered', got.sort((a, b) => a - b).every((x, k) => x === k) && got.length === 20, 'never more than 2 ahead', most <= 2);
}
