#!/usr/bin/env node
// Primitives: Event and Queue hand-offs between two greenlets, and 1,000,000
// items through a Queue(100), each beside async/await doing the same work with
// promises in the same process, and beside gevent's own figures for the
// hand-offs (bench/gevent-side.py, when /usr/bin/python3 has gevent). The
// hand-off rows also give the baton hand-offs (thread switches) per hand-off.
// Run: node --expose-gc bench/primitives.bench.js (BENCH_SCALE=0.1 for a quick run).
'use strict';
const { execFileSync } = require('child_process');
const path = require('path');
const te = require('..');

/** gevent's Event/Queue hand-off figures (µs), or undefined without gevent. */
function geventHandoffs(rounds) {
  try {
    return JSON.parse(execFileSync('/usr/bin/python3', [path.join(__dirname, 'gevent-side.py'), 'handoffs', String(rounds)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
  } catch {
    return undefined;
  }
}

/** Baton hand-offs per unit while `fn` runs. */
function switchesPer(units, fn) {
  const before = te.stats().switches;
  fn();
  return (te.stats().switches - before) / units;
}

const scale = Number(process.env.BENCH_SCALE || 1);
const now = () => Number(process.hrtime.bigint()) / 1e6; // ms
const fmt = (n, digits = 2) => n.toFixed(digits);
const rows = [];
const row = (what, tinyevent, baseline, target) => rows.push({ what, tinyevent, baseline, target });
const best = (n, fn) => Math.min(...Array.from({ length: n }, fn));

/** Milliseconds until every one of `greenlets` (spawned, not yet run) is done. */
function timeJoin(greenlets) {
  const t0 = now();
  te.joinall(greenlets);
  return now() - t0;
}

/** Milliseconds for async `tasks`, started together, to finish. */
async function timeAll(tasks) {
  const t0 = now();
  await Promise.all(tasks.map((task) => task()));
  return now() - t0;
}

// ------------------------------------------------------------- async baselines

/** The promise equivalent of an Event: set() resolves whoever waits. */
class AsyncEvent {
  constructor() {
    this.flag = false;
    this.waiters = [];
  }
  set() {
    this.flag = true;
    const waiters = this.waiters;
    this.waiters = [];
    for (const resolve of waiters) resolve();
  }
  clear() {
    this.flag = false;
  }
  wait() {
    return this.flag ? Promise.resolve() : new Promise((resolve) => this.waiters.push(resolve));
  }
}

/** A simple bounded promise queue: put awaits a free slot, get awaits an item. */
class AsyncQueue {
  constructor(maxsize = Infinity) {
    this.maxsize = maxsize;
    this.items = [];
    this.getters = [];
    this.putters = [];
  }
  async put(item) {
    while (this.items.length >= this.maxsize) await new Promise((resolve) => this.putters.push(resolve));
    this.items.push(item);
    if (this.getters.length > 0) this.getters.shift()();
  }
  async get() {
    while (this.items.length === 0) await new Promise((resolve) => this.getters.push(resolve));
    const item = this.items.shift();
    if (this.putters.length > 0) this.putters.shift()();
    return item;
  }
}

// ------------------------------------------------------------- hand-offs

function eventPingPong(rounds) {
  const ping = new te.Event();
  const pong = new te.Event();
  const a = te.spawn(() => {
    for (let i = 0; i < rounds; i++) {
      ping.set();
      pong.wait();
      pong.clear();
    }
  });
  const b = te.spawn(() => {
    for (let i = 0; i < rounds; i++) {
      ping.wait();
      ping.clear();
      pong.set();
    }
  });
  return (timeJoin([a, b]) * 1e3) / (rounds * 2); // µs per hand-off
}

function rootEventPingPong(rounds) {
  // The root greenlet (top-level code) on one side: two threads instead of three.
  const ping = new te.Event();
  const pong = new te.Event();
  const b = te.spawn(() => {
    for (let i = 0; i < rounds; i++) {
      ping.wait();
      ping.clear();
      pong.set();
    }
  });
  const t0 = now();
  for (let i = 0; i < rounds; i++) {
    ping.set();
    pong.wait();
    pong.clear();
  }
  b.join();
  return ((now() - t0) * 1e3) / (rounds * 2);
}

async function asyncEventPingPong(rounds) {
  const ping = new AsyncEvent();
  const pong = new AsyncEvent();
  const ms = await timeAll([
    async () => {
      for (let i = 0; i < rounds; i++) {
        ping.set();
        await pong.wait();
        pong.clear();
      }
    },
    async () => {
      for (let i = 0; i < rounds; i++) {
        await ping.wait();
        ping.clear();
        pong.set();
      }
    },
  ]);
  return (ms * 1e3) / (rounds * 2);
}

function queuePingPong(rounds) {
  const there = new te.Queue();
  const back = new te.Queue();
  const a = te.spawn(() => {
    for (let i = 0; i < rounds; i++) {
      there.put(i);
      back.get();
    }
  });
  const b = te.spawn(() => {
    for (let i = 0; i < rounds; i++) back.put(there.get());
  });
  return (timeJoin([a, b]) * 1e3) / (rounds * 2);
}

async function asyncQueuePingPong(rounds) {
  const there = new AsyncQueue();
  const back = new AsyncQueue();
  const ms = await timeAll([
    async () => {
      for (let i = 0; i < rounds; i++) {
        await there.put(i);
        await back.get();
      }
    },
    async () => {
      for (let i = 0; i < rounds; i++) await back.put(await there.get());
    },
  ]);
  return (ms * 1e3) / (rounds * 2);
}

// ------------------------------------------------------------- throughput

function queueThroughput(items) {
  const q = new te.Queue(100);
  let sum = 0;
  const producer = te.spawn(() => {
    for (let i = 0; i < items; i++) q.put(i);
  });
  const consumer = te.spawn(() => {
    for (let i = 0; i < items; i++) sum += q.get();
  });
  const ms = timeJoin([producer, consumer]);
  if (sum !== (items * (items - 1)) / 2) throw new Error('queue lost items');
  return items / (ms / 1000);
}

async function asyncQueueThroughput(items) {
  const q = new AsyncQueue(100);
  let sum = 0;
  const ms = await timeAll([
    async () => {
      for (let i = 0; i < items; i++) await q.put(i);
    },
    async () => {
      for (let i = 0; i < items; i++) sum += await q.get();
    },
  ]);
  if (sum !== (items * (items - 1)) / 2) throw new Error('async queue lost items');
  return items / (ms / 1000);
}

function lockUncontended(rounds) {
  const lock = new te.Lock();
  const t0 = now();
  for (let i = 0; i < rounds; i++) {
    lock.acquire();
    lock.release();
  }
  return ((now() - t0) * 1e6) / rounds; // ns
}

async function main() {
  const hand = Math.round(100000 * scale);
  const items = Math.round(1000000 * scale);

  const gevent = geventHandoffs(hand);
  const vsGevent = (ours, key) => (gevent === undefined ? '(gevent not installed)' : `${ours <= gevent[key] ? 'met' : 'missed'}: gevent ${fmt(gevent[key])}`);

  eventPingPong(hand / 10); // warm up
  const ev = best(3, () => eventPingPong(hand));
  const evAsync = Math.min(await asyncEventPingPong(hand), await asyncEventPingPong(hand));
  const evSwitches = switchesPer(hand * 2, () => eventPingPong(hand));
  row('Event hand-off between two greenlets (µs)', `${fmt(ev)} (${fmt(evSwitches)} switches)`, `${fmt(evAsync)} (async/await + promise event)`, `<= gevent (${vsGevent(ev, 'event_us')})`);

  const evRoot = best(3, () => rootEventPingPong(hand));
  row('Event hand-off, root <-> one greenlet (µs)', fmt(evRoot), `${fmt(evAsync)} (async/await + promise event)`, '-');

  queuePingPong(hand / 10);
  const qp = best(3, () => queuePingPong(hand));
  const qpAsync = Math.min(await asyncQueuePingPong(hand), await asyncQueuePingPong(hand));
  const qpSwitches = switchesPer(hand * 2, () => queuePingPong(hand));
  row('Queue ping-pong hand-off (µs)', `${fmt(qp)} (${fmt(qpSwitches)} switches)`, `${fmt(qpAsync)} (async/await + promise queue)`, `<= gevent (${vsGevent(qp, 'queue_us')})`);

  queueThroughput(items / 10);
  const tp = Math.max(queueThroughput(items), queueThroughput(items));
  const tpAsync = Math.max(await asyncQueueThroughput(items), await asyncQueueThroughput(items));
  row(`${items.toLocaleString('en')} items through Queue(100), 1 producer -> 1 consumer (items/s)`, Math.round(tp).toLocaleString('en'), `${Math.round(tpAsync).toLocaleString('en')} (async/await + promise queue)`, '>= 500,000');

  const lk = best(3, () => lockUncontended(1000000));
  row('Lock acquire + release, uncontended (ns)', fmt(lk, 0), '-', '-');

  console.table(rows);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
