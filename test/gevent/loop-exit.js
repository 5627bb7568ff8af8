// Waiting on what nothing can ever set throws LoopExit in the root greenlet.
const { Event, LoopExit, Queue, spawn } = require('tinyevent');
const { print } = require('./_py');

try {
  new Event().wait();
} catch (e) {
  if (e instanceof LoopExit) print('LoopExit from Event.wait');
}
try {
  new Queue().get();
} catch (e) {
  if (e instanceof LoopExit) print('LoopExit from Queue.get');
}
const ev = new Event();
const g = spawn(() => ev.wait());
try {
  g.join();
} catch (e) {
  if (e instanceof LoopExit) print('LoopExit from join');
}
print('still running');
