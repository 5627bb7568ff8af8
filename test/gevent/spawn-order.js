// spawn runs greenlets in spawn order, later; spawnLater by delay; value and exception.
const { joinall, setErrorHandler, sleep, spawn, spawnLater } = require('tinyevent');
const { print, pyError } = require('./_py');
setErrorHandler(() => {});
const ZeroDivisionError = pyError('ZeroDivisionError');

const log = [];
const gs = [0, 1, 2].map((n) => spawn((x) => void log.push(x), n));
print('before running', log, gs.map((g) => g.started));
sleep(0);
print('after sleep(0)', log);
const late = spawnLater(60, () => void log.push('late'));
const early = spawnLater(10, () => void log.push('early'));
joinall([late, early]);
print('spawn_later', log.slice(3));
let g = spawn(() => {
  throw new ZeroDivisionError('division by zero');
});
g.join();
print('failed', g.dead, g.successful(), g.exception.constructor.name, g.value);
g = spawn(() => 'v');
print('get', g.get(), g.ready());
