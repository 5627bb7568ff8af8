#!/usr/bin/env node
// Monkey-patch benchmarks, each beside the unpatched synchronous run and an
// async/await version of the same work, measured in the same run:
//   20 greenlets x execSync('sleep 0.2')                      target <= 0.35 s
//   1,000 greenlets x readFileSync of 1,000 small files       target >= 0.7x fs.promises + Promise.all
//   10 greenlets x sync-fetch of a URL answering after 200 ms target <= 0.4 s
// Run: npm run build && node --expose-gc bench/monkey.bench.js
'use strict';
const childProcess = require('child_process');
const fs = require('fs');
const http = require('http');
const os = require('os');
const path = require('path');
const { promisify } = require('util');

const syncFetchReal = require('sync-fetch'); // loaded before patching: the real package
const te = require('..');

const now = () => Number(process.hrtime.bigint()) / 1e6;
const fmt = (ms) => `${(ms / 1000).toFixed(3)} s`;

function timeSync(fn) {
  const t = now();
  fn();
  return now() - t;
}
async function timeAsync(fn) {
  const t = now();
  await fn();
  return now() - t;
}
// Runs n greenlets and times them until all finished. The root greenlet
// blocks in joinall, so this runs from a plain loop callback: after an
// `await`, code runs inside a microtask, where a blocked root could never see
// a promise settle (and the patched sync-fetch waits on promises).
function greenlets(n, fn) {
  return new Promise((resolve, reject) => {
    setImmediate(() => {
      try {
        resolve(
          timeSync(() => {
            const gs = [];
            for (let i = 0; i < n; i++) gs.push(te.spawn(fn, i));
            te.joinall(gs, { raiseError: true });
          }),
        );
      } catch (error) {
        reject(error);
      }
    });
  });
}
async function bestOf(rounds, fn) {
  const times = [];
  for (let r = 0; r < rounds; r++) times.push(await fn());
  return Math.min(...times);
}
function best(times) {
  return Math.min(...times);
}
function report(title, rows, verdict) {
  console.log(`\n${title}`);
  for (const [label, value] of rows) console.log(`  ${label.padEnd(34)} ${value}`);
  console.log(`  ${verdict}`);
}

async function main() {
  // ---------------------------------------------------------------- execSync
  const execAsync = promisify(childProcess.exec);
  const execSyncPlain = timeSync(() => {
    for (let i = 0; i < 20; i++) childProcess.execSync('sleep 0.2');
  });
  const execAwait = await timeAsync(() => Promise.all(Array.from({ length: 20 }, () => execAsync('sleep 0.2'))));
  te.patchAll();
  const execGreen = await bestOf(3, () => greenlets(20, () => childProcess.execSync('sleep 0.2')));
  te.unpatchAll();
  report(
    '20 x execSync("sleep 0.2")',
    [
      ['unpatched, sequential', fmt(execSyncPlain)],
      ['async/await, Promise.all(exec)', fmt(execAwait)],
      ['tinyevent, 20 greenlets', fmt(execGreen)],
    ],
    `target <= 0.350 s: ${execGreen <= 350 ? 'met' : 'MISSED'}`,
  );

  // ---------------------------------------------------------------- readFileSync
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tinyevent-bench-'));
  const files = [];
  for (let i = 0; i < 1000; i++) {
    const file = path.join(dir, `f${i}.txt`);
    fs.writeFileSync(file, `file ${i} `.repeat(20));
    files.push(file);
  }
  const rounds = 5;
  const readPlain = best(Array.from({ length: rounds }, () => timeSync(() => files.forEach((f) => fs.readFileSync(f, 'utf8')))));
  const readAwait = [];
  for (let r = 0; r < rounds; r++) readAwait.push(await timeAsync(() => Promise.all(files.map((f) => fs.promises.readFile(f, 'utf8')))));
  te.patchAll();
  const readGreen = await bestOf(rounds, () => greenlets(1000, (i) => fs.readFileSync(files[i], 'utf8')));
  te.unpatchAll();
  // What one park and resume of 1,000 greenlets costs at all, with no I/O.
  const switchFloor = await bestOf(rounds, () => greenlets(1000, () => te.sleep(0)));
  fs.rmSync(dir, { recursive: true, force: true });
  const ratio = best(readAwait) / readGreen;
  const withRate = (ms) => `${fmt(ms)}  (${Math.round(1000 / (ms / 1000))} files/s)`;
  report(
    '1,000 x readFileSync of a small file (best of 5)',
    [
      ['unpatched, sequential', withRate(readPlain)],
      ['async/await, fs.promises + all', withRate(best(readAwait))],
      ['tinyevent, 1,000 greenlets', withRate(readGreen)],
      ['(1,000 greenlets x sleep(0), no I/O)', fmt(switchFloor)],
    ],
    `throughput ${ratio.toFixed(2)}x fs.promises (target >= 0.70x): ${ratio >= 0.7 ? 'met' : 'MISSED'}`,
  );

  // ---------------------------------------------------------------- sync-fetch
  const server = childProcess.spawn(process.execPath, [path.join(__dirname, '..', 'fixtures', 'http-server.js')], { stdio: ['pipe', 'pipe', 'inherit'] });
  const port = await new Promise((resolve) => server.stdout.once('data', (line) => resolve(/listening (\d+)/.exec(String(line))[1])));
  const url = (i) => `http://127.0.0.1:${port}/slow?ms=200&id=${i}`;
  const fetchPlain = timeSync(() => {
    for (let i = 0; i < 10; i++) syncFetchReal(url(i)).json();
  });
  // Node's http, not the global fetch: undici compiles WebAssembly, which V8
  // cannot combine with parked greenlet threads (see the README's limitations).
  const getJson = (u) =>
    new Promise((resolve, reject) => {
      http.get(u, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => (body += chunk));
        res.on('end', () => resolve(JSON.parse(body)));
      }).on('error', reject);
    });
  const fetchAwait = await timeAsync(() => Promise.all(Array.from({ length: 10 }, (_, i) => getJson(url(i)))));
  te.patchAll();
  const syncFetch = require('sync-fetch');
  await greenlets(1, () => syncFetch(url(0)).json()); // loads node-fetch once
  const fetchGreen = await bestOf(2, () => greenlets(10, (i) => syncFetch(url(i)).json()));
  te.unpatchAll();
  server.kill();
  report(
    '10 x sync-fetch of a URL answering after 200 ms',
    [
      ['unpatched, sequential (child each)', fmt(fetchPlain)],
      ['async/await, Promise.all(http.get)', fmt(fetchAwait)],
      ['tinyevent, 10 greenlets', fmt(fetchGreen)],
    ],
    `target <= 0.400 s: ${fetchGreen <= 400 ? 'met' : 'MISSED'}`,
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
