#!/usr/bin/env node
// HTTP hello world on every CPU under node:cluster: examples/cluster-http.js
// (tinyevent, a greenlet per request in each worker) beside Node's own
// http server under the same cluster set-up, loaded by autocannon in the same
// run. On a small machine the load generator shares the CPUs with the workers.
// Run: npm run build && node bench/cluster.bench.js
'use strict';
const { spawn } = require('child_process');
const os = require('os');
const path = require('path');

const AUTOCANNON = path.join(path.dirname(require.resolve('autocannon/package.json')), 'autocannon.js');
const SECONDS = Number(process.env.BENCH_HTTP_SECONDS ?? 5);
const WORKERS = os.availableParallelism();

// Node's own: the same cluster shape and answer, plain http (this file, run with --node-cluster).
function nodeCluster() {
  const cluster = require('node:cluster');
  if (cluster.isPrimary) {
    let up = 0;
    for (let i = 0; i < WORKERS; i++) cluster.fork();
    cluster.on('listening', (_w, a) => {
      if (++up === WORKERS) console.log(`cluster of ${WORKERS} listening on ${a.address}:${a.port}`);
    });
    process.once('SIGTERM', () => {
      for (const w of Object.values(cluster.workers)) w.process.kill('SIGTERM');
      process.exit(0);
    });
  } else {
    require('node:http')
      .createServer((req, res) => {
        res.setHeader('content-type', 'text/plain');
        res.end(`hello from worker ${cluster.worker.id}\n`);
      })
      .listen(0, '127.0.0.1');
  }
}

function startCluster(args) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const match = /listening on [\d.]+:(\d+)/.exec(out);
      if (match) resolve({ child, port: Number(match[1]) });
    });
    child.on('exit', (code) => reject(new Error(`cluster exited (${code}) before listening: ${out}`)));
  });
}

function autocannon(port) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [AUTOCANNON, '-j', '-c', '100', '-d', String(SECONDS), `http://127.0.0.1:${port}/`], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`autocannon failed (${code})`));
      const r = JSON.parse(out);
      if (r.errors || r.non2xx) return reject(new Error(`${r.errors} errors, ${r.non2xx} non-2xx`));
      resolve({ rps: r.requests.average, p99: r.latency.p99 });
    });
  });
}

async function measure(args) {
  const { child, port } = await startCluster(args);
  try {
    return await autocannon(port);
  } finally {
    child.removeAllListeners('exit');
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  }
}

async function main() {
  const fmt = (n) => Math.round(n).toLocaleString('en-US');
  const ours = await measure([path.join(__dirname, '..', 'examples', 'cluster-http.js'), '0', String(WORKERS)]);
  const node = await measure([__filename, '--node-cluster']);
  console.log(`http hello world under node:cluster, ${WORKERS} workers, autocannon -c 100 -d ${SECONDS}:`);
  console.log(`  tinyevent (examples/cluster-http.js)   ${fmt(ours.rps).padStart(9)} req/s  p99 ${ours.p99} ms  ${(ours.rps / node.rps).toFixed(2)}x node`);
  console.log(`  node http under cluster                ${fmt(node.rps).padStart(9)} req/s  p99 ${node.p99} ms`);
}

if (process.argv[2] === '--node-cluster') {
  nodeCluster();
} else {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
