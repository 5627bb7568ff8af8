// Top-level code waits on something nothing can satisfy; argv[2] picks the wait.
// Prints the LoopExit it got (as JSON) and the CPU time the wait used.
'use strict';
const { joinall, LoopExit, spawn, waitFor } = require('tinyevent');
const { greenlet, getcurrent } = require('tinyevent/greenlet');

const never = new Promise(() => {});
const waits = {
  join() {
    const g = spawn(() => waitFor(never));
    g.name = 'stuck';
    g.join();
  },
  get() {
    spawn(() => waitFor(never)).get();
  },
  joinall() {
    joinall([spawn(() => waitFor(never)), spawn(() => 1)]);
  },
  waitFor() {
    waitFor(never);
  },
  delayed() {
    // Nothing is stuck for 300 ms (a timer is pending), then everything is.
    spawn(() => {
      require('tinyevent').sleep(300);
      waitFor(never);
    }).join();
  },
  rawSwitch() {
    // A raw greenlet that parks on the Hub and is never woken: the root's
    // switch to it can never come back.
    greenlet(() => waitFor(never)).switch();
    void getcurrent;
  },
};

const cpu0 = process.cpuUsage();
const t0 = Date.now();
let caught;
try {
  waits[process.argv[2]]();
} catch (error) {
  caught = error;
}
const cpu = process.cpuUsage(cpu0);
console.log(
  JSON.stringify({
    isLoopExit: caught instanceof LoopExit,
    name: caught && caught.name,
    message: caught && caught.message,
    wallMs: Date.now() - t0,
    cpuMs: (cpu.user + cpu.system) / 1000,
  }),
);
