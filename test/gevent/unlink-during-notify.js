const { sleep, spawn } = require('tinyevent');
const g = spawn(() => 1);
const b = () => console.log('b');
const a = () => {
  console.log('a');
  g.unlink(b);
};
g.link(a);
g.link(b);
g.join();
sleep(10);
console.log('done');
