#!/usr/bin/env node
// What a switch between greenlets costs at the bottom, beside what it costs in
// tinyevent and in gevent: N greenlets each yielding (sleep(0)) in turn, and
// N plain threads handing a futex word around a ring (bench/floor.c, built
// here with the system's C compiler), pinned to one CPU as tinyevent's shared
// placement pins greenlet threads, and free. A tinyevent greenlet is a thread:
// each switch to a greenlet that parked earlier is at least one such kernel
// hand-off, which gevent (stack copying inside one thread) never pays. That
// floor, per round trip of an echo server, is what the echo rows are up against.
// Run: node bench/floor.bench.js
'use strict';
const { execFileSync, spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const SIZES = [2, 100, 1000];
const YIELDS = 200_000; // per size, over all greenlets / threads

function buildFloor() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tinyevent-floor-'));
  const exe = path.join(dir, 'floor');
  for (const cc of [process.env.CC, 'cc', 'gcc', 'clang'].filter(Boolean)) {
    try {
      execFileSync(cc, ['-O2', '-pthread', path.join(__dirname, 'floor.c'), '-o', exe], { stdio: 'ignore' });
      return exe;
    } catch {
      // try the next compiler
    }
  }
  fs.rmSync(dir, { recursive: true, force: true });
  return undefined;
}

const json = (file, args) => {
  const result = spawnSync(file, args, { encoding: 'utf8', timeout: 120_000 });
  if (result.status !== 0) return undefined;
  try {
    return JSON.parse(result.stdout.trim().split('\n').pop());
  } catch {
    return undefined;
  }
};

function tinyeventRing(n, rounds) {
  const te = require('..');
  const t0 = process.hrtime.bigint();
  const before = te.stats();
  const gs = [];
  for (let i = 0; i < n; i++) gs.push(te.spawn(() => { for (let r = 0; r < rounds; r++) te.sleep(0); }));
  te.joinall(gs);
  const after = te.stats();
  const us = Number(process.hrtime.bigint() - t0) / 1e3 / (n * rounds);
  return { us, wakes: (after.sleeperWakes - before.sleeperWakes) / (n * rounds), cpu: after.cpu };
}

function main() {
  const floor = buildFloor();
  if (floor !== undefined) process.on('exit', () => fs.rmSync(path.dirname(floor), { recursive: true, force: true }));
  if (floor === undefined) console.log('(no C compiler: the kernel floor rows are skipped)');
  console.log('a yield among N greenlets (µs per switch; tinyevent in the default placement, each size in its own process):');
  console.log(`  ${'N'.padStart(5)}  ${'tinyevent'.padStart(10)}  ${'wake-ups'.padStart(8)}  ${'gevent'.padStart(7)}  ${'kernel, 1 CPU'.padStart(13)}  ${'kernel, free'.padStart(12)}`);
  for (const n of SIZES) {
    const rounds = Math.max(1, Math.round(YIELDS / n));
    const ours = json(process.execPath, [__filename, '--ring', String(n), String(rounds)]);
    const gevent = json('/usr/bin/python3', [path.join(__dirname, 'gevent-side.py'), 'ring', String(n), String(rounds)]);
    const pinned = floor && json(floor, [String(n), String(rounds), '1']);
    const free = floor && json(floor, [String(n), String(rounds), '0']);
    const cell = (r, width) => (r ? r.us.toFixed(2) : '-').padStart(width);
    console.log(
      `  ${String(n).padStart(5)}  ${cell(ours, 10)}  ${(ours ? ours.wakes.toFixed(2) : '-').padStart(8)}  ${cell(gevent, 7)}  ${cell(pinned, 13)}  ${cell(free, 12)}`,
    );
  }
  console.log('  (wake-ups: of a thread asleep in the kernel, per switch; "kernel" rows are threads in C doing nothing but the hand-off)');
}

if (process.argv[2] === '--ring') {
  process.stdout.write(JSON.stringify(tinyeventRing(Number(process.argv[3]), Number(process.argv[4]))) + '\n');
} else {
  main();
}
