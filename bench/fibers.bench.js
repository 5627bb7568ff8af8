#!/usr/bin/env node
// tinyevent/fibers: a Fiber run/yield round trip and creating + finishing
// 100,000 fibers, beside tinyevent's raw greenlets doing the same hand-offs and
// a JavaScript generator (the in-language coroutine), in the same process.
// Run: node --expose-gc bench/fibers.bench.js
'use strict';
const te = require('..');
const { greenlet, getcurrent } = require('../dist/cjs/greenlet.js');
const { rawSwitchUs } = require('./util');
const Fiber = require('../dist/cjs/fibers.js');

const now = () => Number(process.hrtime.bigint()) / 1e6; // ms
const fmt = (n, digits = 2) => n.toFixed(digits);
const rows = [];
const row = (what, fibers, rawGreenlets, generator) => rows.push({ what, 'tinyevent/fibers': fibers, 'raw greenlets': rawGreenlets, generator });

/** µs per run() + yield round trip, run from the root. */
function fiberRoundTrip(rounds) {
  const fiber = Fiber(() => {
    for (;;) Fiber.yield();
  });
  fiber.run();
  const t0 = now();
  for (let i = 0; i < rounds; i++) fiber.run();
  return ((now() - t0) * 1e3) / rounds;
}

/** µs per round trip, run from inside a greenlet (a raw switch both ways). */
function fiberRoundTripInGreenlet(rounds) {
  const g = te.spawn(() => fiberRoundTrip(rounds));
  return g.get();
}

/** µs per switch-there-and-back between the root and a raw greenlet. */
const rawRoundTrip = (rounds) => rawSwitchUs(rounds) * 2;

function rawRoundTripInGreenlet(rounds) {
  return te.spawn(() => rawRoundTrip(rounds)).get();
}

function generatorRoundTrip(rounds) {
  const gen = (function* () {
    for (;;) yield;
  })();
  gen.next();
  const t0 = now();
  for (let i = 0; i < rounds; i++) gen.next();
  return ((now() - t0) * 1e3) / rounds;
}

/** µs to create a fiber, run it and let it finish, `n` times in a row. */
function fiberLifetimes(n) {
  const t0 = now();
  let sum = 0;
  for (let i = 0; i < n; i++) sum += Fiber((x) => x + 1).run(i);
  if (sum !== (n * (n + 1)) / 2) throw new Error('wrong results');
  return ((now() - t0) * 1e3) / n;
}

function rawLifetimes(n) {
  const t0 = now();
  let sum = 0;
  for (let i = 0; i < n; i++) sum += greenlet((x) => x + 1).switch(i);
  if (sum !== (n * (n + 1)) / 2) throw new Error('wrong results');
  return ((now() - t0) * 1e3) / n;
}

function generatorLifetimes(n) {
  const t0 = now();
  let sum = 0;
  for (let i = 0; i < n; i++) {
    sum += (function* (x) {
      return x + 1;
    })(i).next().value;
  }
  if (sum !== (n * (n + 1)) / 2) throw new Error('wrong results');
  return ((now() - t0) * 1e3) / n;
}

/** µs per fiber with `n` fibers suspended at once, then all resumed to the end. */
function fiberCrowd(n) {
  const t0 = now();
  const fibers = [];
  for (let i = 0; i < n; i++) {
    const f = Fiber(() => Fiber.yield());
    f.run();
    fibers.push(f);
  }
  for (const f of fibers) f.run();
  return ((now() - t0) * 1e3) / n;
}

function rawCrowd(n) {
  const main = getcurrent();
  const t0 = now();
  const gs = [];
  for (let i = 0; i < n; i++) {
    const g = greenlet(() => main.switch());
    g.switch();
    gs.push(g);
  }
  for (const g of gs) g.switch();
  return ((now() - t0) * 1e3) / n;
}

/**
 * Runs each contender on `total` items in ten alternating chunks and returns
 * the mean µs per item of each, so a machine whose load changes during the run
 * slows them alike.
 */
function alternate(contenders, total) {
  const chunk = Math.ceil(total / 10);
  const sums = contenders.map(() => 0);
  for (let c = 0; c < 10; c++) {
    contenders.forEach((fn, i) => {
      sums[i] += fn(chunk) * chunk;
    });
  }
  return sums.map((sum) => sum / (chunk * 10));
}

function main() {
  const R = 20000;
  fiberRoundTrip(2000); // warm up
  rawRoundTrip(2000);
  const [ft, rt, gt] = alternate([fiberRoundTrip, rawRoundTrip, (n) => generatorRoundTrip(n * 50)], R);
  row('run/yield round trip from the root (µs)', fmt(ft, 3), fmt(rt, 3), fmt(gt, 3));
  const [ftg, rtg] = alternate([fiberRoundTripInGreenlet, rawRoundTripInGreenlet], R);
  row('run/yield round trip from a greenlet (µs)', fmt(ftg, 3), fmt(rtg, 3), fmt(gt, 3));

  const N = 100000;
  fiberLifetimes(5000);
  rawLifetimes(5000);
  const [fl, rl, gl] = alternate([fiberLifetimes, rawLifetimes, generatorLifetimes], N);
  row('create + run to the end, 100,000 one after another (µs each)', fmt(fl), fmt(rl), fmt(gl, 3));

  const C = 10000;
  const [fc, rc] = alternate([fiberCrowd, rawCrowd], C);
  row('10,000 suspended at once (1,000 at a time), then finished (µs each)', fmt(fc), fmt(rc), '-');

  console.log(`greenlet threads created: ${te.stats().threads}`);
  console.table(rows);
}

main();
