// Run with --expose-gc. Many greenlets each hold a unique object only in local
// variables across blocks; forced GCs (major and minor, which moves objects)
// must keep every one alive and intact.
'use strict';
const { joinall, sleep, spawn, waitFor } = require('tinyevent');
const { getcurrent, greenlet } = require('tinyevent/greenlet');

const COUNT = Number(process.argv[2] || 1000);

function makeObject(id) {
  return { id, label: `object-${id}`, items: Array.from({ length: 20 }, (_, i) => ({ i, id })), nested: { deep: { id } } };
}

function intact(obj, id) {
  return (
    obj.id === id &&
    obj.label === `object-${id}` &&
    obj.items.length === 20 &&
    obj.items.every((item, i) => item.i === i && item.id === id) &&
    obj.nested.deep.id === id
  );
}

function holder(id) {
  let obj = makeObject(id); // only this frame refers to it
  const closure = () => obj.id; // and a closure in this frame
  const deep = (n) => (n === 0 ? (sleep(20), waitFor(release)) : deep(n - 1));
  deep(id % 10); // park with a few frames on top
  const ok1 = intact(obj, id) && closure() === id;
  sleep(1);
  const ok2 = intact(obj, id);
  obj = null;
  return ok1 && ok2;
}

let releaseAll;
const release = new Promise((resolve) => (releaseAll = resolve));
const greenlets = [];
for (let i = 0; i < COUNT; i++) greenlets.push(spawn(holder, i));
sleep(50); // every greenlet is now parked in waitFor

// Raw greenlets suspended mid-switch (parked without the Hub) hold objects too.
const root = getcurrent();
const raws = [];
for (let i = 0; i < 100; i++) {
  const raw = greenlet((id) => {
    const obj = makeObject(id);
    root.switch();
    return intact(obj, id);
  });
  raw.switch(COUNT + i);
  raws.push(raw);
}

const minor = (() => {
  try {
    global.gc({ type: 'minor' });
    return true;
  } catch {
    return false;
  }
})();
let junk = [];
for (let round = 0; round < 4; round++) {
  for (let i = 0; i < 20000; i++) junk.push({ round, i, s: `junk-${i}` });
  if (minor) global.gc({ type: 'minor' });
  global.gc();
  junk = [];
}
setTimeout(() => releaseAll(), 1);
joinall(greenlets);
const ok = greenlets.filter((g) => g.value === true).length;
const rawOk = raws.filter((raw) => raw.switch() === true).length;
console.log(JSON.stringify({ count: COUNT, ok, rawOk, minor }));
