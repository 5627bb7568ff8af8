const { AsyncResult, setErrorHandler, spawn } = require('tinyevent');
setErrorHandler(() => {}); // gevent prints its report on stderr; only stdout is compared
const a = new AsyncResult();
const b = new AsyncResult();
const g = spawn(() => 42);
g.link(a);
const h = spawn(() => {
  throw new Error('boom');
});
h.link(b);
console.log(a.get());
try {
  b.get();
} catch (error) {
  console.log('ValueError', error.message);
}
