// kill: blocks until dead by default; GreenletExit is the value; never-started greenlets never run.
const { sleep, spawn } = require('tinyevent');
const { print, pyError, repr } = require('./_py');

function sleeper() {
  try {
    sleep(1000);
  } finally {
    print('finally runs');
  }
}

let g = spawn(sleeper);
sleep(0);
g.kill();
print('killed', g.dead, g.value.constructor.name, g.successful(), g.exception);

const never = spawn(print, 'never printed');
never.kill();
sleep(0);
print('never started', never.dead, never.value.constructor.name);

const Custom = pyError('Custom');
g = spawn(sleeper);
sleep(0);
g.kill(new Custom('c'), { block: false });
print('kill(block=False) returned', g.dead);
g.join();
print('custom', g.dead, repr(g.exception), g.successful());
g = spawn(sleep, 1000);
sleep(0);
g.kill(undefined, { timeout: 500 });
print('kill with timeout', g.dead);
print('kill dead again', g.kill());
