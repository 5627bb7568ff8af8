// ES module top-level code runs inside a promise job (a microtask), where V8
// runs no nested microtask checkpoint: promises cannot settle while the root
// blocks here. argv[2]: "root" waits in the root; "greenlet" joins a greenlet
// that waits for a promise; "spawned" (the way to do it) lets a greenlet wait
// and does not block the root.
import { joinall, sleep, spawn, waitFor } from 'tinyevent';

const later = (ms, value) => new Promise((resolve) => setTimeout(() => resolve(value), ms));
const print = (result) => console.log(JSON.stringify(result));

function blockTheRoot(mode) {
  try {
    if (mode === 'greenlet') return { value: joinall([spawn(() => waitFor(later(5, 'from greenlet')))])[0].value };
    return { value: waitFor(later(5, 'from root')) };
  } catch (error) {
    return { error: error.name, message: error.message };
  }
}

sleep(1); // timers work here
const mode = process.argv[2];
if (mode === 'spawned') spawn(() => print({ value: waitFor(later(5, 'from spawned')) }));
else print(blockTheRoot(mode));
