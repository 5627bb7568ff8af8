const { Pool, sleep } = require('tinyevent');
const p = new Pool(1);
function f(x) {
  sleep(20);
  console.log('f', x);
  return x;
}
const a = p.applyAsync(f, [1]);
console.log('a queued', p.freeCount());
const b = p.applyAsync(f, [2]);
console.log('b queued', p.freeCount());
const c = p.applyAsync(f, [3], (v) => console.log('cb', v));
console.log('c queued');
console.log(a.get(), b.get(), c.get());
const m = p.mapAsync(f, [4, 5]);
console.log('map_async queued');
console.log(`[${m.get().join(', ')}]`);
console.log(b.constructor.name);
sleep(10);
