// Stops at a `debugger` statement inside a greenlet; run under `node inspect`.
'use strict';
const { joinall, sleep, spawn } = require('tinyevent');

function handleRequest(n) {
  const answer = n * 7;
  sleep(5); // parked once, on its own thread, before the breakpoint
  debugger;
  return answer;
}

const g = spawn(handleRequest, 6);
joinall([g]);
console.log(`result ${g.value}`);
