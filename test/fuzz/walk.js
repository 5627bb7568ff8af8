// Calls every export of every entry point of the built package (found from
// package.json's exports map), and every method of the instances the table
// can make, with each bad value of BAD_VALUES in turn, each call in a greenlet
// under a deadline. Prints one JSON line per call: { key, value, outcome }.
// Run by test/fuzz-exports.test.ts in a child process: a crash shows as the
// last "call" line without its outcome.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.join(__dirname, '..', '..');
const { BAD_VALUES, BEHAVIOUR, SKIP_ENTRIES } = require('./table');

const out = (record) => fs.writeSync(1, `${JSON.stringify(record)}\n`);
const te = require(ROOT);
const DEADLINE_MS = 20;

function entries() {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  const found = [];
  for (const [subpath, target] of Object.entries(pkg.exports)) {
    if (typeof target !== 'object' || target === null || typeof target.require !== 'string') continue;
    const name = subpath === '.' ? 'tinyevent' : `tinyevent/${subpath.slice(2)}`;
    if (SKIP_ENTRIES[name] !== undefined) continue;
    found.push({ name, module: require(path.join(ROOT, target.require)) });
  }
  return found;
}

const isClass = (fn) => /^class\b/.test(Function.prototype.toString.call(fn));

function methodsOf(instance) {
  const names = new Set();
  for (let proto = Object.getPrototypeOf(instance); proto && proto !== Object.prototype && proto !== Error.prototype; proto = Object.getPrototypeOf(proto)) {
    for (const name of Object.getOwnPropertyNames(proto)) {
      if (name === 'constructor' || name.startsWith('_')) continue;
      const descriptor = Object.getOwnPropertyDescriptor(proto, name);
      if (descriptor && typeof descriptor.value === 'function') names.add(name);
    }
  }
  return [...names];
}

/** Runs `call` in a greenlet: 'threw:<Class>:<message>', 'returned', or 'blocked' (killed at the deadline). */
function attempt(call) {
  const g = te.spawn(() => {
    try {
      call();
      return { ok: true };
    } catch (error) {
      let name;
      let message;
      try {
        name = error instanceof RangeError ? 'RangeError' : error instanceof TypeError ? 'TypeError' : error && error.constructor && error.constructor.name;
        message = String(error && error.message);
      } catch {
        name = 'unprintable';
      }
      return { ok: false, name, message };
    }
  });
  te.joinall([g], { timeout: DEADLINE_MS });
  if (!g.dead) {
    g.kill(undefined, { timeout: 1000 });
    return 'blocked';
  }
  if (!g.successful()) return `failed:${String(g.exception)}`;
  const r = g.value;
  if (r instanceof te.GreenletExit) return 'blocked';
  return r.ok ? 'returned' : `threw:${r.name}:${r.message}`;
}

function fuzz(key, call, behaviour = BEHAVIOUR[key] ?? {}) {
  if (behaviour.skip !== undefined) return out({ key, skipped: behaviour.skip });
  const prefixes = behaviour.prefixes ?? [[]];
  for (const prefix of prefixes) {
    for (const [label, make] of BAD_VALUES) {
      out({ key, value: label, at: prefix.length, call: true });
      const outcome = attempt(() => call([...prefix, make()]));
      out({ key, value: label, at: prefix.length, outcome });
    }
  }
}

te.setErrorHandler(() => undefined); // a greenlet the fuzz starts may fail: that is not news
for (const { name, module } of entries()) {
  for (const [exportName, value] of Object.entries(module)) {
    if (typeof value !== 'function') continue;
    const key = `${name}:${exportName}`;
    if (isClass(value)) fuzz(key, (args) => new value(...args));
    else fuzz(key, (args) => value(...args));
    const behaviour = BEHAVIOUR[key];
    if (behaviour && behaviour.make) {
      for (const method of methodsOf(behaviour.make())) {
        const accepts = behaviour.methods?.[method];
        fuzz(`${key}#${method}`, (args) => behaviour.make()[method](...args), accepts === undefined ? {} : { accepts });
      }
    }
  }
}
te.setErrorHandler(null);
out({ done: true });
process.exit(0);
