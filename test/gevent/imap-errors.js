const { Pool, setErrorHandler, sleep } = require('tinyevent');
setErrorHandler(() => {});
function f(x) {
  sleep(40 * (3 - x));
  if (x === 1) throw new Error(`bad ${x}`);
  return x * 10;
}
const p = new Pool(3);
for (const it of [p.imap(f, [0, 1, 2]), p.imapUnordered(f, [0, 1, 2])]) {
  for (let i = 0; i < 4; i++) {
    let step;
    try {
      step = it.next();
    } catch (error) {
      console.log('error', error.message);
      continue;
    }
    if (step.done) {
      console.log('stop');
      break;
    }
    console.log('next', step.value);
  }
}
