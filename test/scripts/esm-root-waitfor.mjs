// ES module top-level code runs inside a promise job (a microtask), where V8
// runs no nested microtask checkpoint: promises cannot settle while the root
// blocks here. argv[2]: "root" waits in the root; "greenlet" joins a greenlet
// that waits for a promise.
import { joinall, sleep, spawn, waitFor } from 'tinyevent';

const later = (ms, value) => new Promise((resolve) => setTimeout(() => resolve(value), ms));
sleep(1); // timers work here
try {
  const value =
    process.argv[2] === 'greenlet' ? joinall([spawn(() => waitFor(later(5, 'from greenlet')))])[0].value : waitFor(later(5, 'from root'));
  console.log(JSON.stringify({ value }));
} catch (error) {
  console.log(JSON.stringify({ error: error.name, message: error.message }));
}
