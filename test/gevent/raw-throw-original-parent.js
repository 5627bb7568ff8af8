// greenlet's test_throw_goes_to_original_parent, with a trace.
const { getcurrent, greenlet } = require('tinyevent/greenlet');

const main = getcurrent();
const py = (b) => (b ? 'True' : 'False');

function f1() {
  try {
    main.switch('f1 ready to catch');
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    console.log('f1 caught');
    return 'caught';
  }
  return 'normal exit';
}

function f2() {
  console.log('f2 runs');
  main.switch('from f2');
}

// 1. neither started: the error ends g2, then g1, and reaches the root
let g1 = greenlet(f1);
let g2 = greenlet(f2, g1);
try {
  g2.throw(new RangeError('x'));
} catch (error) {
  if (!(error instanceof RangeError)) throw error;
  console.log('root got IndexError', error.message);
}
console.log('g1 dead', py(g1.dead), 'g2 dead', py(g2.dead));

// 2. g1 waits to catch it
g1 = greenlet(f1);
g2 = greenlet(f2, g1);
console.log(g1.switch());
console.log(g2.throw(new RangeError('y')));
console.log('g1 dead', py(g1.dead), 'g2 dead', py(g2.dead));

// 3. both started
g1 = greenlet(f1);
g2 = greenlet(f2, g1);
console.log(g1.switch());
console.log(g2.switch());
console.log(g2.throw(new RangeError('z')));
console.log('g1 dead', py(g1.dead), 'g2 dead', py(g2.dead));

// 4. a value returned into a parent that never started starts it with that value
const p = greenlet((arg) => {
  console.log('parent started with', arg);
  return 'parent done';
});
const c = greenlet(() => 'from child', p);
console.log(c.switch());
console.log('p dead', py(p.dead), 'c dead', py(c.dead));
