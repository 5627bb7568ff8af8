const { Greenlet, sleep } = require('tinyevent');
const g = new Greenlet(() => 1);
console.log('new', g.started ? 'True' : 'False');
g.start();
console.log('scheduled', g.started ? 'True' : 'False');
sleep(0);
console.log('dead', g.dead ? 'True' : 'False', 'started', g.started ? 'True' : 'False');
