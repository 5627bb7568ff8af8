#!/usr/bin/env node
// Greenlet core: switch cost, spawn+join cost, and 10,000 parked greenlets (wall
// time, resident memory, minor-GC pause), each beside Node's async/await doing
// the same work in the same process. Run: node --expose-gc bench/core.bench.js
'use strict';
const te = require('..');
const { greenlet, getcurrent } = require('../dist/cjs/greenlet.js');
const { rawSwitchUs } = require('./util');

const now = () => Number(process.hrtime.bigint()) / 1e6; // ms
const fmt = (n, digits = 2) => n.toFixed(digits);
const rows = [];
const row = (what, tinyevent, baseline, target) => rows.push({ what, tinyevent, baseline, target });

/** The median of five minor GCs, in ms. */
function minorGcMedian() {
  const times = [];
  for (let i = 0; i < 5; i++) {
    const g0 = now();
    global.gc({ type: 'minor' });
    times.push(now() - g0);
  }
  return times.sort((a, b) => a - b)[2];
}

async function asyncPingPong(rounds) {
  // Two async "tasks" handing a token back and forth through promises.
  let resolveA, resolveB;
  let a = new Promise((r) => (resolveA = r));
  const b = (async () => {
    for (let i = 0; i < rounds; i++) {
      const next = new Promise((r) => (resolveB = r));
      resolveA();
      await next;
      a = new Promise((r) => (resolveA = r));
    }
  })();
  for (let i = 0; i < rounds; i++) {
    await a;
    resolveB();
  }
  await b;
}

/** µs per switch, root <-> a raw greenlet. */
const switchBench = rawSwitchUs;

function rawPingPong(rounds) {
  // Two raw greenlets switching to each other, the root out of the way.
  let a, b;
  a = greenlet(() => {
    for (let i = 0; i < rounds; i++) b.switch();
    return 'done';
  });
  b = greenlet(() => {
    for (;;) a.switch();
  });
  const t0 = now();
  a.switch();
  return ((now() - t0) * 1e3) / (rounds * 2);
}

async function main() {
  // --- switch
  switchBench(20000); // warm up
  const rootSwitch = Math.min(switchBench(100000), switchBench(100000));
  const rawSwitch = Math.min(rawPingPong(100000), rawPingPong(100000));
  let t0 = now();
  await asyncPingPong(100000);
  const asyncSwitch = ((now() - t0) * 1e3) / 200000;
  row('switch, root <-> greenlet (µs/switch)', fmt(rootSwitch, 3), `${fmt(asyncSwitch, 3)} (promise hand-off)`, '<= 1.5');
  row('switch, greenlet <-> greenlet (µs/switch)', fmt(rawSwitch, 3), `${fmt(asyncSwitch, 3)} (promise hand-off)`, '<= 1.5');

  // --- spawn + join
  const N = 100000;
  te.joinall(Array.from({ length: 2000 }, () => te.spawn(() => 1))); // warm the thread pool
  t0 = now();
  const gs = new Array(N);
  for (let i = 0; i < N; i++) gs[i] = te.spawn(() => i);
  te.joinall(gs);
  const spawnUs = ((now() - t0) * 1e3) / N;
  t0 = now();
  await Promise.all(Array.from({ length: N }, async (_, i) => i));
  const asyncSpawnUs = ((now() - t0) * 1e3) / N;
  row('spawn + join of 100,000 greenlets (µs/greenlet)', fmt(spawnUs), `${fmt(asyncSpawnUs)} (async fn + Promise.all)`, '<= 10');

  // --- 10,000 parked in sleep(1000): wall time and memory, then (a second
  // crowd, so the probes stay out of the timed run) the minor-GC pause.
  const P = 10000;
  global.gc();
  const rss0 = process.memoryUsage().rss;
  t0 = now();
  let parkedRss = 0;
  const sleepers = [];
  for (let i = 0; i < P; i++) sleepers.push(te.spawn(() => te.sleep(1000)));
  const probe = te.spawn(() => {
    // Runs after every sleeper has parked (spawn order).
    parkedRss = process.memoryUsage().rss - rss0;
  });
  probe.join();
  te.joinall(sleepers);
  const parkedWall = now() - t0;
  const threadsAfter = te.stats().threads;

  const parked = [];
  for (let i = 0; i < P; i++) parked.push(te.spawn(() => te.sleep(60_000)));
  te.spawn(() => {}).join(); // every one of them has parked
  const minorGc = minorGcMedian();
  te.killall(parked);

  global.gc();
  const rssA = process.memoryUsage().rss;
  t0 = now();
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  const tasks = [];
  for (let i = 0; i < P; i++) tasks.push((async () => sleep(1000))());
  await new Promise((r) => setImmediate(r));
  const asyncRss = process.memoryUsage().rss - rssA;
  const asyncGc = minorGcMedian();
  await Promise.all(tasks);
  const asyncWall = now() - t0;

  row('10,000 x sleep(1000): all done (s)', fmt(parkedWall / 1000), `${fmt(asyncWall / 1000)} (async + setTimeout)`, '<= 1.5');
  row('  resident memory per parked greenlet (KB)', fmt(parkedRss / P / 1024, 1), `${fmt(asyncRss / P / 1024, 2)} (per pending async fn)`, '<= 20');
  row('  minor GC with them parked (ms, median of 5)', fmt(minorGc), `${fmt(asyncGc)} (async)`, '<= 5');

  console.log(`greenlet threads created: ${threadsAfter}`);
  console.table(rows);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
