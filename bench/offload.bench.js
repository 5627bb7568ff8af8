#!/usr/bin/env node
// CPU-heavy synchronous calls off the Hub, each beside its baselines, measured
// in the same run (rounds alternate, best of each):
//   4 greenlets x scryptSync(N = 2^15)   patched vs unpatched vs Promise.all(scrypt)
//   4 greenlets x gzipSync(20 MB)        patched vs unpatched vs Promise.all(gzip)
//     targets: >= 1.6x faster than unpatched on 2 cores, within 15% of the async forms
//   4 x ThreadPool.apply(CPU-bound JS)   vs the same function inline: target >= 1.6x
// Run: npm run build && node bench/offload.bench.js
'use strict';
const crypto = require('crypto');
const os = require('os');
const zlib = require('zlib');
const { promisify } = require('util');

const te = require('..');
const { ThreadPool } = require('../dist/cjs/threadpool');

const now = () => Number(process.hrtime.bigint()) / 1e6;
const fmt = (ms) => `${(ms / 1000).toFixed(3)} s`;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

// Blocking root code runs from a plain loop callback, not inside a promise job.
function onLoop(fn) {
  return new Promise((resolve, reject) => {
    setImmediate(() => {
      try {
        resolve(fn());
      } catch (error) {
        reject(error);
      }
    });
  });
}
function timeGreenlets(n, fn) {
  return onLoop(() => {
    const t = now();
    const gs = Array.from({ length: n }, (_, i) => te.spawn(fn, i));
    te.joinall(gs, { raiseError: true });
    return now() - t;
  });
}
async function timeAsync(fn) {
  const t = now();
  await fn();
  return now() - t;
}
function report(title, rows, verdicts) {
  console.log(`\n${title}`);
  for (const [label, value] of rows) console.log(`  ${label.padEnd(40)} ${value}`);
  for (const verdict of verdicts) console.log(`  ${verdict}`);
}
const verdict = (what, ok) => `${what}: ${ok ? 'met' : 'MISSED'}`;

/** Alternates the three runs ROUNDS times; returns the best time of each. */
async function threeWays(unpatched, patched, asyncForm) {
  const times = { unpatched: [], patched: [], async: [] };
  for (let r = 0; r < ROUNDS; r++) {
    times.unpatched.push(await unpatched());
    te.patchAll({ fs: false, childProcess: false, timers: false, net: false, deasync: false });
    times.patched.push(await patched());
    te.unpatchAll();
    times.async.push(await asyncForm());
  }
  return { unpatched: Math.min(...times.unpatched), patched: Math.min(...times.patched), async: Math.min(...times.async) };
}

function offloadReport(title, t) {
  const speedup = t.unpatched / t.patched;
  const vsAsync = t.patched / t.async;
  report(
    title,
    [
      ['unpatched, 4 greenlets (one at a time)', fmt(t.unpatched)],
      ['async, Promise.all of the async form', fmt(t.async)],
      ['tinyevent patched, 4 greenlets', fmt(t.patched)],
    ],
    [
      verdict(`${speedup.toFixed(2)}x faster than unpatched (target >= 1.6x)`, speedup >= 1.6),
      verdict(`${((vsAsync - 1) * 100).toFixed(0)}% slower than async (target within 15%)`, vsAsync <= 1.15),
    ],
  );
}

async function main() {
  console.log(`${os.availableParallelism()} CPUs, libuv pool ${process.env.UV_THREADPOOL_SIZE ?? 4} threads, best of ${ROUNDS} alternated rounds`);

  // ---------------------------------------------------------------- scrypt
  const SCRYPT = { N: 2 ** 15, maxmem: 64 * 1024 * 1024 };
  const scrypt = promisify(crypto.scrypt);
  offloadReport(
    '4 x scryptSync(N = 2^15)',
    await threeWays(
      () => timeGreenlets(4, (i) => crypto.scryptSync(`pw${i}`, 'salt', 64, SCRYPT)),
      () => timeGreenlets(4, (i) => crypto.scryptSync(`pw${i}`, 'salt', 64, SCRYPT)),
      () => timeAsync(() => Promise.all(Array.from({ length: 4 }, (_, i) => scrypt(`pw${i}`, 'salt', 64, SCRYPT)))),
    ),
  );

  // ---------------------------------------------------------------- gzip
  const data = Buffer.alloc(20e6);
  for (let i = 0; i < data.length; i++) data[i] = 97 + ((i * 2654435761) >>> 28);
  const gzip = promisify(zlib.gzip);
  offloadReport(
    '4 x gzipSync(20 MB)',
    await threeWays(
      () => timeGreenlets(4, () => zlib.gzipSync(data)),
      () => timeGreenlets(4, () => zlib.gzipSync(data)),
      () => timeAsync(() => Promise.all(Array.from({ length: 4 }, () => gzip(data)))),
    ),
  );

  // ---------------------------------------------------------------- ThreadPool
  function busy(n) {
    let x = 0;
    for (let i = 0; i < n; i++) x = (x * 31 + i) % 1000003;
    return x;
  }
  const N = 40e6;
  const pool = new ThreadPool();
  await onLoop(() => te.joinall(Array.from({ length: pool.maxThreads }, () => te.spawn(() => pool.apply(busy, [1]))))); // start the workers
  const inline = [];
  const pooled = [];
  for (let r = 0; r < ROUNDS; r++) {
    inline.push(await timeGreenlets(4, () => busy(N)));
    pooled.push(await timeGreenlets(4, () => pool.apply(busy, [N])));
  }
  await onLoop(() => pool.close());
  const ratio = Math.min(...inline) / Math.min(...pooled);
  report(
    `4 x ThreadPool.apply(busy loop, ~${Math.round(Math.min(...inline) / 4)} ms each), ${pool.maxThreads} threads`,
    [
      ['inline, 4 greenlets', fmt(Math.min(...inline))],
      ['ThreadPool.apply, 4 greenlets', fmt(Math.min(...pooled))],
    ],
    [verdict(`${ratio.toFixed(2)}x faster than inline (target >= 1.6x)`, ratio >= 1.6)],
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
