// Cases from gevent's test__greenlet.py (TestKill, test_simple_exit, test_error_exit).
const { Greenlet, killall, setErrorHandler, sleep, spawn } = require('tinyevent');
const { print, pyError } = require('./_py');
setErrorHandler(() => {});
const Exception = pyError('Exception');
const ExpectedError = pyError('ExpectedError');

const typeName = (v) => (v === undefined || v === null ? 'NoneType' : typeof v === 'number' ? 'int' : v.constructor.name);
// bool(greenlet) is `started` in tinyevent: true from start() until it dies.
const state = (g) => [g.started, g.dead, g.started, g.ready(), g.successful(), typeName(g.value), typeName(g.exception)];

// test_simple_exit
let linkTest = [];
let g = new Greenlet(() => (sleep(50), 5));
g.rawlink((x) => linkTest.push(x));
print('new', state(g));
g.start();
print('started', state(g));
sleep(0);
print('running', state(g), linkTest);
g.join();
sleep(0);
print('dead', state(g), g.value, linkTest.length === 1 && linkTest[0] === g);

// test_error_exit
g = new Greenlet(() => {
  const error = new ExpectedError('test_error_exit');
  error.myattr = 5;
  throw error;
});
g.start();
g.join();
print('error exit', state(g), g.exception.myattr);

// TestKill: a greenlet killed before it ran, every way
for (const block of [true, false]) {
  for (const all of [false, true]) {
    for (const exc of [undefined, new Exception()]) {
      linkTest = [];
      const result = [];
      g = new Greenlet((x) => result.push(x), 1);
      g.link((x) => linkTest.push(x));
      for (let i = 0; i < 2; i++) {
        if (all) killall([g], exc, { block });
        else g.kill(exc, { block });
        if (!block) sleep(1);
      }
      sleep(50);
      print('kill', block ? 'block' : 'nonblock', all ? 'killall' : 'kill', exc ? 'exc' : 'exit', state(g), result, linkTest.length === 1 && linkTest[0] === g);
    }
  }
}

// Killing a running greenlet, with block=False and then joining
g = spawn(sleep, 10_000);
sleep(0);
g.kill(undefined, { block: false });
print('kill(block=False) scheduled', state(g));
g.join();
print('joined', state(g));
