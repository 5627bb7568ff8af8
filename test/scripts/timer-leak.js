// Every blocking call that takes a timeout, ended every way it can end, from
// the root (top level) and from a greenlet: afterwards no Node timer is left.
'use strict';
const t = require('tinyevent');
const { iwait, joinall, sleep, spawn, Timeout, waitFor, withTimeout } = t;

const timers = () => process.getActiveResourcesInfo().filter((name) => name === 'Timeout').length;
const never = new Promise(() => {});
const swallow = (fn) => {
  try {
    fn();
  } catch (error) {
    if (!(error instanceof Timeout)) throw error;
  }
};

function scenarios() {
  // Woken before the timeout.
  spawn(() => sleep(1)).join(60_000);
  spawn(() => 1).get({ timeout: 60_000 });
  joinall([spawn(() => sleep(1))], { timeout: 60_000 });
  Array.from(iwait([spawn(() => sleep(1))], { timeout: 60_000 }));
  waitFor(new Promise((resolve) => setTimeout(resolve, 1)), { timeout: 60_000 });
  Timeout.run(60_000, () => sleep(1));
  withTimeout(60_000, () => sleep(1));
  // Ended by the timeout.
  const forever = spawn(() => waitFor(never));
  forever.join(2);
  swallow(() => forever.get({ timeout: 2 }));
  joinall([forever], { timeout: 2 });
  swallow(() => waitFor(never, { timeout: 2 }));
  swallow(() => Timeout.run(2, () => sleep(60_000)));
  withTimeout(2, () => waitFor(never), { timeoutValue: 0 });
  // Ended by a kill (the victims were blocked with timeouts and sleeps).
  const victims = [
    spawn(() => sleep(60_000)),
    spawn(() => forever.join(60_000)),
    spawn(() => waitFor(never, { timeout: 60_000 })),
    spawn(() => Timeout.run(60_000, () => sleep(60_000))),
  ];
  sleep(1);
  t.killall(victims);
  forever.kill();
}

const before = timers();
scenarios();
const afterRoot = timers();
spawn(scenarios).join();
const afterGreenlet = timers();
console.log(JSON.stringify({ before, afterRoot, afterGreenlet }));
