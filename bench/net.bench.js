#!/usr/bin/env node
// Network benchmarks on loopback, each server in its own process, the load
// generator in another:
//  - echo: StreamServer with a blocking recv()/sendall() loop, against gevent's
//    StreamServer doing the same (bench/gevent-side.py, when /usr/bin/python3
//    has gevent), Node's own async echo (`for await` over the socket) and
//    `socket.pipe(socket)`, driven by the shared echo load generator (100 x
//    2,000 and 1,000 x 200 round trips of 64 bytes);
//  - http: tinyevent's http.createServer hello world against Node's, under
//    autocannon (requests/s and p99 latency).
// For tinyevent's servers it also prints the baton hand-offs per round trip or
// request, and how many of them woke a sleeping thread: counts that do not
// depend on how busy the machine is.
// Run: npm run build && node --expose-gc bench/net.bench.js
// BENCH_ONLY=echo or BENCH_ONLY=http runs one part only (default: both).
'use strict';
const fs = require('fs');
const path = require('path');

const { HOST, ECHO_LOAD, AUTOCANNON, startServer: startProcess, stopServer, runNode: run, serveTinyeventEcho, serveTinyeventHttp } = require('./util');
const HTTP_SECONDS = Number(process.env.BENCH_HTTP_SECONDS ?? 5);
const PYTHON = '/usr/bin/python3';
const GEVENT_SIDE = path.join(__dirname, 'gevent-side.py');
const ONLY = process.env.BENCH_ONLY;
if (ONLY !== undefined && ONLY !== 'echo' && ONLY !== 'http') throw new RangeError(`BENCH_ONLY must be echo or http, got ${JSON.stringify(ONLY)}`);

function geventInstalled() {
  try {
    require('child_process').execFileSync(PYTHON, ['-c', 'import gevent'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

// ------------------------------------------------------------------ servers

const servers = {
  'tinyevent StreamServer recv/sendall': () => serveTinyeventEcho(announce),
  'node async for-await echo': () => {
    const net = require('net');
    const server = net.createServer({ noDelay: true }, async (socket) => {
      socket.on('error', () => {});
      for await (const chunk of socket) {
        if (!socket.write(chunk)) await new Promise((resolve) => socket.once('drain', resolve));
      }
      socket.end();
    });
    server.listen(0, HOST, () => announce(server.address().port));
  },
  'node socket.pipe(socket)': () => {
    const net = require('net');
    const server = net.createServer({ noDelay: true }, (socket) => {
      socket.on('error', () => {});
      socket.pipe(socket);
    });
    server.listen(0, HOST, () => announce(server.address().port));
  },
  'tinyevent http.createServer': () => serveTinyeventHttp(announce),
  'node http.createServer': () => {
    const http = require('http');
    const server = http.createServer((req, res) => {
      res.setHeader('content-type', 'text/plain');
      res.end('hello world');
    });
    server.listen(0, HOST, () => announce(server.address().port));
  },
};

function announce(port) {
  process.stdout.write(`PORT ${port}\n`);
  // tinyevent's servers report the engine's counters when asked ("stats" on stdin).
  if (!process.argv[3].startsWith('tinyevent')) return;
  const { stats } = require('..');
  process.stdin.on('data', () => {
    const s = stats();
    process.stdout.write(`STATS ${JSON.stringify({ switches: s.switches, wakes: s.sleeperWakes, cpu: s.cpu })}\n`);
  });
}

// ------------------------------------------------------------------ driver

function startServer(name) {
  const [command, args] = name === 'gevent StreamServer recv/sendall' ? [PYTHON, [GEVENT_SIDE, 'echo']] : [process.execPath, [__filename, '--serve', name]];
  return startProcess(command, args, { stdin: 'pipe', name });
}

/** The engine's counters in a tinyevent server (undefined for the others). */
function serverCounters({ child }, name) {
  if (!name.startsWith('tinyevent')) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    let out = '';
    const onData = (d) => {
      out += d;
      const match = /STATS (.*)\n/.exec(out);
      if (!match) return;
      child.stdout.removeListener('data', onData);
      resolve(JSON.parse(match[1]));
    };
    child.stdout.on('data', onData);
    child.stdin.write('stats\n');
  });
}

const perUnit = (before, after, units) =>
  before === undefined ? '' : `  ${((after.switches - before.switches) / units).toFixed(2)} hand-offs, ${((after.wakes - before.wakes) / units).toFixed(2)} wake-ups each (${after.cpu})`;

async function echoRun(name, conns, rounds) {
  const server = await startServer(name);
  try {
    const before = await serverCounters(server, name);
    const result = JSON.parse(await run([ECHO_LOAD, String(server.port), String(conns), String(rounds), '64']));
    if (result.failed) throw new Error(`${result.failed} connections failed`);
    const after = await serverCounters(server, name);
    return { value: result.roundtrips_per_s, counts: perUnit(before, after, result.roundtrips) };
  } finally {
    await stopServer(server);
  }
}

async function httpRun(name) {
  const server = await startServer(name);
  try {
    const before = await serverCounters(server, name);
    const args = [AUTOCANNON, '-j', '-c', '100', '-d', String(HTTP_SECONDS), `http://${HOST}:${server.port}/`];
    const result = JSON.parse(await run(args));
    if (result.errors || result.non2xx) throw new Error(`${name}: ${result.errors} errors, ${result.non2xx} non-2xx`);
    const after = await serverCounters(server, name);
    return { rps: result.requests.average, p99: result.latency.p99, mean: result.latency.average, counts: perUnit(before, after, result.requests.total) };
  } finally {
    await stopServer(server);
  }
}

const fmt = (n) => Math.round(n).toLocaleString('en-US');
const verdict = (ok, text) => (ok ? `met: ${text}` : `missed: ${text}`);

async function main() {
  if (!fs.existsSync(path.join(__dirname, '..', 'dist', 'cjs', 'net.js'))) {
    console.log('net.bench: build first (npm run build)');
    process.exitCode = 1;
    return;
  }
  if (ONLY === 'http') {
    // echo part skipped
  } else if (!fs.existsSync(ECHO_LOAD)) {
    console.log(`net.bench: the echo load generator is missing (${ECHO_LOAD}); echo benchmarks skipped`);
  } else {
    const gevent = geventInstalled();
    if (!gevent) console.log(`(gevent is not installed for ${PYTHON}: its column is skipped)`);
    for (const [conns, rounds] of [[100, 2000], [1000, 200]]) {
      console.log(`echo, ${conns} connections x ${rounds} round trips of 64 bytes (round trips/s):`);
      const names = ['tinyevent StreamServer recv/sendall', 'node async for-await echo', 'node socket.pipe(socket)'];
      if (gevent) names.splice(1, 0, 'gevent StreamServer recv/sendall');
      const figures = {};
      for (const name of names) figures[name] = await echoRun(name, conns, rounds);
      const base = figures['node async for-await echo'].value;
      const geventFigure = figures['gevent StreamServer recv/sendall']?.value;
      for (const [name, { value, counts }] of Object.entries(figures)) {
        const vsGevent = geventFigure === undefined ? '' : `  ${(value / geventFigure).toFixed(2)}x gevent`;
        console.log(`  ${name.padEnd(38)} ${fmt(value).padStart(9)}  ${(value / base).toFixed(2)}x async${vsGevent}${counts}`);
      }
      const ours = figures['tinyevent StreamServer recv/sendall'].value;
      if (geventFigure !== undefined) console.log(`  target: StreamServer >= 1.00x gevent (${verdict(ours >= geventFigure, `${(ours / geventFigure).toFixed(2)}x`)})`);
      console.log(`  moonshot: StreamServer >= 0.90x async (${verdict(ours >= 0.9 * base, `${(ours / base).toFixed(2)}x`)})`);
    }
  }
  if (ONLY === 'echo') return;
  console.log(`http hello world, autocannon -c 100 -d ${HTTP_SECONDS}:`);
  const ours = await httpRun('tinyevent http.createServer');
  const node = await httpRun('node http.createServer');
  for (const [name, r] of [['tinyevent http.createServer', ours], ['node http.createServer', node]]) {
    console.log(`  ${name.padEnd(38)} ${fmt(r.rps).padStart(9)} req/s  p99 ${r.p99} ms  mean ${r.mean} ms  ${(r.rps / node.rps).toFixed(2)}x node${r.counts}`);
  }
  console.log(`  target: tinyevent >= 0.80x node's req/s (${verdict(ours.rps >= 0.8 * node.rps, `${(ours.rps / node.rps).toFixed(2)}x`)}), p99 <= 2x node's (${verdict(ours.p99 <= 2 * node.p99, `${ours.p99} vs ${node.p99} ms`)})`);
}

if (process.argv[2] === '--serve') {
  process.on('SIGTERM', () => process.exit(0));
  servers[process.argv[3]]();
} else {
  main().catch((error) => {
    console.error(error);
    process.exitCode = 1;
  });
}
