// local: properties private to each greenlet.
const { joinall, local, sleep, spawn } = require('tinyevent');
const { print } = require('./_py');

const data = local();
data.x = 'main';

function worker(name) {
  print(name, 'sees', data.x);
  data.x = name;
  sleep(0);
  print(name, 'kept', data.x);
}

joinall(['a', 'b'].map((n) => spawn(worker, n)));
print('main kept', data.x);
