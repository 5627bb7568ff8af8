// JoinableQueue: join() waits until every item put has been marked taskDone().
const { JoinableQueue, sleep, spawn } = require('tinyevent');
const { print } = require('./_py');

const q = new JoinableQueue();

function worker(name) {
  for (;;) {
    const item = q.get();
    sleep(20 * item);
    print(name, 'did', item);
    q.taskDone();
  }
}

const workers = ['w1', 'w2'].map((name) => spawn(worker, name));
for (const item of [5, 1, 2]) q.put(item);
print('unfinished', q.unfinishedTasks);
print('join timeout', q.join(1));
q.join();
print('joined', q.unfinishedTasks);
try {
  q.taskDone();
} catch (e) {
  if (e instanceof RangeError) print('ValueError: too many task_done');
}
for (const w of workers) w.kill(); // gevent exits with them blocked in get(); Node would wait on nothing anyway
