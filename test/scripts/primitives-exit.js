// Primitives at process level. argv[2]:
//   timeouts  — every primitive's timed wait, woken and timed out, from the
//               root and from a greenlet; prints the Node timers left, then
//               lets the process end by itself (the loop must be empty).
//   loopexit  — the root blocks on a queue/lock/event nothing can satisfy;
//               prints each LoopExit message as JSON.
'use strict';
const t = require('tinyevent');
const { AsyncResult, Channel, Event, Group, JoinableQueue, Pool, Queue, Semaphore, RLock, sleep, spawn } = t;

const timers = () => process.getActiveResourcesInfo().filter((name) => name === 'Timeout').length;
const quiet = (fn) => {
  try {
    fn();
  } catch (error) {
    if (!(error instanceof t.Empty || error instanceof t.Full || error instanceof t.Timeout)) throw error;
  }
};

function timedWaits() {
  const q = new Queue(1);
  quiet(() => q.get({ timeout: 2 }));
  quiet(() => q.peek({ timeout: 2 }));
  q.put(1);
  quiet(() => q.put(2, { timeout: 2 }));
  spawn(() => q.put(3)); // woken before the timeout below
  q.get({ timeout: 60_000 });
  q.get({ timeout: 60_000 });
  const ch = new Channel();
  quiet(() => ch.get({ timeout: 2 }));
  quiet(() => ch.put(1, { timeout: 2 }));
  spawn(() => ch.put(1));
  ch.get({ timeout: 60_000 });
  const sem = new Semaphore(0);
  sem.acquire({ timeout: 2 });
  sem.wait(2);
  spawn(() => sem.release());
  sem.acquire({ timeout: 60_000 });
  const lock = new RLock();
  lock.acquire();
  spawn(() => lock.acquire({ timeout: 2 })).join();
  lock.release();
  const event = new Event();
  event.wait(2);
  spawn(() => event.set());
  event.wait(60_000);
  const result = new AsyncResult();
  result.wait(2);
  quiet(() => result.get({ timeout: 2 }));
  spawn(() => result.set(1));
  result.get({ timeout: 60_000 });
  const jq = new JoinableQueue(Infinity, [1]);
  jq.join(2);
  const group = new Group();
  group.spawn(() => sleep(5));
  group.join({ timeout: 2 });
  group.join({ timeout: 60_000 });
  const pool = new Pool(1);
  pool.spawn(() => sleep(5));
  pool.waitAvailable(2);
  pool.waitAvailable(60_000);
  pool.join();
}

const mode = process.argv[2];
if (mode === 'timeouts') {
  timedWaits();
  spawn(timedWaits).get();
  console.log(JSON.stringify({ timers: timers() }));
} else if (mode === 'loopexit') {
  const waits = {
    'Queue.get()': () => new Queue().get(),
    'Queue.put()': () => new Queue(1, [0]).put(1),
    'Channel.put()': () => new Channel().put(1),
    'Semaphore.acquire()': () => new Semaphore(0).acquire(),
    'Event.wait()': () => new Event().wait(),
    'AsyncResult.get()': () => new AsyncResult().get(),
  };
  const out = {};
  for (const [name, wait] of Object.entries(waits)) {
    try {
      wait();
      out[name] = 'returned';
    } catch (error) {
      out[name] = error instanceof t.LoopExit && error.message.includes(name) ? 'LoopExit' : String(error);
    }
  }
  console.log(JSON.stringify(out));
}
