// joinall: count, timeout, raiseError; the greenlets returned are those that finished.
const { joinall, sleep, spawn, setErrorHandler } = require('tinyevent');
const { print } = require('./_py');
setErrorHandler(() => {}); // gevent reports on stderr; only stdout is compared

function nap(x) {
  sleep(x);
  return x / 1000;
}

const gs = [30, 10, 200].map((d) => spawn(nap, d));
let done = joinall(gs, { count: 2 });
print('count=2', done.map((g) => g.value).sort());
done = joinall(gs, { timeout: 50 });
print('timeout', done.length, gs.map((g) => g.dead));
done = joinall(gs);
print('all', done.length, gs.map((g) => g.value));

const bad = [
  spawn(nap, 10),
  spawn(() => {
    throw new Error('bad');
  }),
];
try {
  joinall(bad, { raiseError: true });
} catch (error) {
  print('raise_error', error.message);
}
print('dead', bad.map((g) => g.dead));
print('empty', joinall([]));
