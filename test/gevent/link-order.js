// Links run in the order added, after the greenlet dies; linkValue/linkException filter.
const { setErrorHandler, sleep, spawn } = require('tinyevent');
const { print, pyError, repr } = require('./_py');
setErrorHandler(() => {});
const KeyError = pyError('KeyError');

const g = spawn(() => 'v');
g.rawlink((src) => print('rawlink 1', src.value));
g.rawlink(() => print('rawlink 2'));
g.linkValue((src) => print('link_value', src.value));
g.linkException(() => print('link_exception (not printed)'));
print('linked');
g.join();
sleep(0);
const h = spawn(() => {
  throw new KeyError('k');
});
h.linkException((src) => print('link_exception', repr(src.exception)));
h.linkValue(() => print('link_value (not printed)'));
h.join();
sleep(0);
g.rawlink(() => print('linked after death still runs'));
print('before sleep');
sleep(0);
print('end');
