// Raw greenlets: switch passes values both ways; a return goes to the parent; throw into a suspended one.
const { getcurrent, greenlet } = require('tinyevent/greenlet');
const { print, pyError, repr } = require('./_py');
const KeyError = pyError('KeyError');

const main = getcurrent();

let g = greenlet((a, b) => {
  print('run got', a, b);
  const x = main.switch(a + b);
  print('resumed with', x);
  try {
    main.switch('parked');
  } catch (e) {
    print('caught thrown', repr(e));
  }
  return 'returned';
});
print('first switch gives', g.switch(1, 2));
print('second switch gives', g.switch('hello'));
print('throw gives', g.throw(new KeyError('k')));
print('dead', g.dead, 'parent is main', g.parent === main);

const outerLog = [];
const outer = () => {
  const c = greenlet(() => 'to parent');
  outerLog.push(c.switch());
  return 'outer done';
};
print(greenlet(outer).switch(), outerLog);
g = greenlet(() => main.switch('x'));
g.switch();
print('killed with throw()', g.throw().constructor.name, g.dead);
