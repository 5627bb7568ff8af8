// greenlet's test_generator: a generator built on switch.
const { getcurrent, RawGreenlet } = require('tinyevent/greenlet');
const { print, Tuple } = require('./_py');

class Genlet extends RawGreenlet {
  constructor(fn, ...args) {
    super(undefined, getcurrent());
    this.fn = fn;
    this.args = args;
  }
  *[Symbol.iterator]() {
    for (;;) {
      this.parent = getcurrent();
      const result = this.switch();
      if (this.dead) return;
      yield result;
    }
  }
  run() {
    this.fn(...this.args);
  }
}

function Yield(value) {
  let g = getcurrent();
  while (!(g instanceof Genlet)) g = g.parent;
  g.parent.switch(value);
}

function gen(n) {
  for (let i = 0; i < n; i++) Yield(i);
}

print('generator', Array.from(new Genlet(gen, 5)));
print('nested', Array.from(new Genlet(gen, 3), (a) => new Tuple(a, Array.from(new Genlet(gen, a)))));
