// Pool: at most size greenlets at once; map (ordered), imap, imapUnordered, freeCount.
const { Group, Pool, sleep } = require('tinyevent');
const { print } = require('./_py');

const pool = new Pool(2);
let running = 0;
let most = 0;

function work(d) {
  running++;
  most = Math.max(most, running);
  sleep(d);
  running--;
  return d / 1000;
}

print('map', pool.map(work, [60, 10, 30]));
print('most at once', most);
print('imap', Array.from(pool.imap(work, [20, 10])));
print('imap_unordered', Array.from(pool.imapUnordered(work, [60, 10])));
print('free', pool.freeCount());
pool.spawn(sleep, 10);
print('free after spawn', pool.freeCount(), pool.full());
pool.join();
print('free after join', pool.freeCount(), pool.size);
const group = new Group();
print('group map', group.map((x) => x * 2, [1, 2, 3]));
print('apply', group.apply((a, b) => a + b, [1, 2]));
