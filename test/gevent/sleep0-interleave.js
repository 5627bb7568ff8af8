// sleep(0) lets every ready greenlet run once, round robin, in spawn order.
const { joinall, sleep, spawn } = require('tinyevent');
const { print } = require('./_py');

function worker(name, n) {
  for (let i = 0; i < n; i++) {
    print(name, i);
    sleep(0);
  }
  print(name, 'done');
}

const gs = [['a', 3], ['b', 1], ['c', 2]].map(([name, n]) => spawn(worker, name, n));
print('spawned');
sleep(0);
print('main after one sleep(0)');
joinall(gs);
print('all done');
