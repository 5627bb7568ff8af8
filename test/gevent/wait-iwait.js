// wait() and iwait() over greenlets, Events and AsyncResults: order, count, timeout.
const { AsyncResult, Event, iwait, sleep, spawn, wait } = require('tinyevent');
const { print } = require('./_py');

const e = new Event();
const r = new AsyncResult();

function later(d, what) {
  sleep(d);
  what();
  return d;
}

const g = spawn(later, 60, () => {});
spawn(later, 10, () => e.set());
spawn(later, 110, () => r.set('r'));
const names = new Map([[e, 'event'], [r, 'result'], [g, 'greenlet']]);
for (const obj of iwait([r, g, e])) print('iwait', names.get(obj));
print('wait ready', wait([e, r, g]).length);
const e2 = new Event();
print('wait timeout', wait([e2], { timeout: 10 }));
print('wait count', wait([e, e2], { count: 1 }).length);
print('iwait timeout', Array.from(iwait([e2, e], { timeout: 10 }), (o) => names.get(o) ?? 'e2'));
