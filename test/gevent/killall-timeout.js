const { GreenletExit, Timeout, killall, sleep, spawn } = require('tinyevent');
function stubborn() {
  try {
    sleep(10_000);
  } catch (error) {
    if (!(error instanceof GreenletExit)) throw error;
    console.log('ignoring exit');
    sleep(200);
  }
}
const g = spawn(stubborn);
sleep(0);
try {
  killall([g], undefined, { timeout: 50 });
  console.log('returned');
} catch (error) {
  if (!(error instanceof Timeout)) throw error;
  console.log('Timeout', error.constructor.name);
}
g.join();
