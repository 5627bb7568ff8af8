// Greenlets that spend their time in crunchNumbers, the root a little in
// rootWork; profiled with TINYEVENT_CPU_PROF=<file> (argv[2] 'api' uses
// startProfile()/stopProfile() and prints the profile instead).
'use strict';
const { joinall, sleep, spawn, startProfile, stopProfile } = require('tinyevent');

function crunchNumbers(ms) {
  const end = Date.now() + ms;
  let x = 0;
  while (Date.now() < end) x += Math.sqrt(x + 1);
  return x;
}
function rootWork() {
  return crunchNumbersLess(20);
}
function crunchNumbersLess(ms) {
  const end = Date.now() + ms;
  let x = 0;
  while (Date.now() < end) x += Math.cbrt(x + 1);
  return x;
}

const api = process.argv[2] === 'api';
if (api) startProfile({ intervalUs: 500 });
const workers = [];
for (let i = 0; i < 3; i++) {
  workers.push(
    spawn(() => {
      for (let round = 0; round < 5; round++) {
        crunchNumbers(30);
        sleep(1);
      }
    }),
  );
}
rootWork();
joinall(workers);
sleep(30); // some idle time
if (api) process.stdout.write(JSON.stringify(stopProfile()));
else console.log('DONE');
