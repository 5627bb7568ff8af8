// Parks greenlets in several ways, then ends the program the way argv[2] says.
// Prints markers on stdout; the test checks the exit code, markers and stderr.
'use strict';
const { spawn, sleep, waitFor } = require('tinyevent');
const { greenlet, getcurrent } = require('tinyevent/greenlet');

const mode = process.argv[2];
const never = new Promise(() => {});
const withSleepers = !['normal', 'uncaught-idle', 'sleepers-finish'].includes(mode);

// Blocked forever on a promise nothing resolves.
for (let i = 0; i < 3; i++) spawn(() => waitFor(never));
// Sleeping (these keep the loop alive, so only some modes use them).
if (withSleepers) for (let i = 0; i < 3; i++) spawn(() => sleep(60_000));
// A raw greenlet suspended mid-switch.
const root = getcurrent();
const raw = greenlet(() => {
  root.switch('suspended');
  console.log('raw resumed (unexpected)');
});
console.log(raw.switch());
sleep(10); // let every spawned greenlet park
console.log('PARKED');
process.on('exit', (code) => console.log(`EXIT ${code}`));

switch (mode) {
  case 'normal':
    break; // the script ends; nothing can wake the parked greenlets
  case 'sleepers-finish':
    // A sleeping greenlet keeps the process alive (its timer is a Node timer)
    // and finishes; one parked for good is unwound at exit without running
    // its finally block (its JavaScript is terminated, not resumed).
    spawn(() => {
      try {
        sleep(100);
      } finally {
        console.log('SLEEPER DONE');
      }
    });
    spawn(() => {
      try {
        waitFor(never);
      } finally {
        console.log('finally of a parked greenlet ran (unexpected)');
      }
    });
    break;
  case 'exit-root':
    process.exit(3);
  case 'exit-greenlet':
    spawn(() => {
      sleep(5);
      console.log('EXIT FROM GREENLET');
      process.exit(3);
    });
    break;
  case 'exit-greenlet-blocked-root':
    // The root blocks in a join while a greenlet exits the process.
    spawn(() => {
      sleep(5);
      process.exit(4);
    }).join();
    console.log('join returned (unexpected)');
    break;
  case 'exit-code':
    process.exitCode = 5;
    process.kill(process.pid, 'SIGTERM'); // not handled: dies by the signal
    break;
  case 'uncaught':
    throw new Error('top-level boom');
  case 'uncaught-idle':
    setTimeout(() => {
      throw new Error('timer boom');
    }, 5);
    break;
  case 'signal':
    // Wait for the parent's signal; the root idles (sleepers keep the loop alive).
    console.log('READY');
    break;
  case 'signal-blocked-root':
    console.log('READY');
    sleep(60_000);
    break;
  case 'sigint-handler':
    process.on('SIGINT', () => {
      console.log('SIGINT HANDLED');
      process.exit(0);
    });
    console.log('READY');
    break;
  case 'sigint-handler-blocked-root':
    process.on('SIGINT', () => {
      console.log('SIGINT HANDLED');
      process.exit(0);
    });
    console.log('READY');
    sleep(60_000);
    break;
  default:
    throw new Error(`unknown mode ${mode}`);
}
