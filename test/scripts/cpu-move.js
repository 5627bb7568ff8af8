// Moves the threads to one CPU and back (engine.setCpuShared), and prints, as
// JSON, the CPUs each kind of thread is allowed when it next runs: the main
// thread, a greenlet parked across the move, a pooled thread reused after it,
// and a thread made after it.
'use strict';
const fs = require('fs');

const allowed = () => /Cpus_allowed_list:\s*(\S+)/.exec(fs.readFileSync('/proc/thread-self/status', 'utf8'))[1];

const before = allowed();
const { Event, joinall, spawn, stats } = require('../..');
const { engine } = require('../../dist/cjs/core/native.js');

function phase(shared, fresh) {
  const go = new Event();
  const parked = spawn(() => {
    go.wait();
    return allowed();
  });
  // A finished greenlet leaves its thread in the pool.
  joinall([spawn(() => 1)]);
  if (!engine.setCpuShared(shared)) throw new Error('setCpuShared refused');
  go.set();
  const out = { main: allowed(), parked: parked.get(), pooled: spawn(allowed).get(), stats: stats().cpu };
  if (fresh) {
    // Every pooled thread busy, so the next greenlet gets a new thread.
    const hold = new Event();
    const holders = Array.from({ length: stats().idle + 1 }, () => spawn(() => hold.wait()));
    const made = spawn(allowed);
    out.fresh = made.get();
    hold.set();
    joinall(holders);
  }
  return out;
}

const shared = phase(true, true);
const spread = phase(false, false);
process.stdout.write(JSON.stringify({ before, shared, spread }));
