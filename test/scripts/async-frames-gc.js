// Greenlets park inside AsyncLocalStorage.run() while scavenges come often
// (run with --stress-scavenge): each park leaves a young async context frame
// behind, and each greenlet must get its own store back. Prints "ok".
'use strict';
const { AsyncLocalStorage } = require('node:async_hooks');
const { joinall, sleep, spawn } = require('tinyevent');

const als = new AsyncLocalStorage();
let wrong = 0;
const greenlets = [];
for (let i = 0; i < 20; i++) {
  greenlets.push(
    spawn(() => {
      for (let j = 0; j < 500; j++) {
        als.run({ i, j }, () => {
          sleep(0);
          const store = als.getStore();
          if (store.i !== i || store.j !== j) wrong++;
        });
      }
    }),
  );
}
joinall(greenlets, { raiseError: true });
console.log(wrong === 0 ? 'ok' : `${wrong} wrong stores`);
