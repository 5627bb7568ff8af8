const { Channel, Empty, Full, sleep, spawn } = require('tinyevent');
const c = new Channel();
function getter() {
  console.log('getter waits');
  console.log('got', c.get());
  console.log('getter after get');
}
spawn(getter);
sleep(0);
console.log('put starts');
c.put(1);
console.log('put returned');
sleep(0);
// getNowait takes from a waiting putter
spawn(() => {
  console.log('putter puts');
  c.put(2);
  console.log('putter done');
});
sleep(0);
console.log('get_nowait', c.getNowait());
sleep(0);
// putNowait hands to a waiting getter
spawn(getter);
sleep(0);
c.putNowait(3);
console.log('put_nowait returned');
sleep(0);
try {
  c.getNowait();
} catch (error) {
  if (error instanceof Empty) console.log('Empty');
  else throw error;
}
try {
  c.putNowait(4);
} catch (error) {
  if (error instanceof Full) console.log('Full');
  else throw error;
}
