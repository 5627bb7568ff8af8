const { GreenletExit, greenlet } = require('tinyevent/greenlet');
const g = greenlet(() => 'ret');
console.log(g.switch());
console.log('dead', g.dead ? 'True' : 'False');
console.log('switch dead', `(${g.switch(1, 2).join(', ')})`);
console.log('switch dead one', g.switch(5));
const exit = g.throw(new GreenletExit('bye'));
console.log('throw exit', `${exit.constructor.name}('${exit.message}')`);
try {
  g.throw(new Error('v'));
} catch (error) {
  console.log('raised in caller', error.message);
}
