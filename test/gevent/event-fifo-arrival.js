const te = require('tinyevent');
const e = new te.Event();
function w(n) { e.wait(); console.log('waiter', n); if (n === 0) { e.wait(); console.log('waiter 0 again'); } }
for (let i = 0; i < 3; i++) te.spawn(w, i);
te.sleep(0); e.set(); console.log('main after set'); te.sleep(50); console.log('main done');
