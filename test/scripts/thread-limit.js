// Spawns greenlets that stay parked until no more thread can be created under
// an address-space limit set on this process after start-up (prlimit --as):
// the spawn that hits it must fail as a greenlet, with a message naming the
// limit, never abort. Prints JSON: how many started and the failure message.
'use strict';
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const { Event, joinall, spawn, setErrorHandler } = require('../..');

const vmSize = Number(/VmSize:\s+(\d+) kB/.exec(fs.readFileSync('/proc/self/status', 'utf8'))[1]) * 1024;
// Room for about 40 greenlet threads (1.2 MiB of stack each) and nothing much else.
const limit = vmSize + 48 * 1024 * 1024;
execFileSync('prlimit', ['--pid', String(process.pid), `--as=${limit}:`]);
const failures = [];
setErrorHandler((error) => failures.push(error));
const release = new Event();
const started = [];
let failed;
for (let i = 0; i < 10_000 && failed === undefined; i++) {
  const g = spawn(() => release.wait());
  joinall([g], { timeout: 0 });
  if (g.dead && !g.successful()) failed = g;
  else started.push(g);
}
release.set();
joinall(started);
console.log(JSON.stringify({ started: started.length, message: failed && String(failed.exception.message), reported: failures.length }));
