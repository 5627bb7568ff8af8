#!/usr/bin/env node
// A tinyevent HTTP server on every CPU: node:cluster forks one worker per CPU
// (as gunicorn runs one gevent worker per core), the workers share the port,
// and each request runs in a greenlet of its own inside its worker. Where
// tinyevent pins its threads to one CPU, each worker takes a CPU of its own.
// Run: node examples/cluster-http.js [port] [workers]   (after npm run build)
// Try it: curl 127.0.0.1:8080/   curl 127.0.0.1:8080/slow   curl 127.0.0.1:8080/cpus
'use strict';
const cluster = require('node:cluster');
const os = require('node:os');

const port = Number(process.argv[2] ?? process.env.PORT ?? 8080);
const workers = Number(process.argv[3] ?? os.availableParallelism());

if (cluster.isPrimary) {
  let listening = 0;
  let stopping = false;
  for (let i = 0; i < workers; i++) cluster.fork();
  cluster.on('listening', (_worker, address) => {
    if (++listening === workers) console.log(`cluster of ${workers} listening on ${address.address}:${address.port}`);
  });
  cluster.on('exit', (worker, code, signal) => {
    if (!stopping) {
      console.log(`worker ${worker.process.pid} ended (${signal ?? code}): starting another`);
      cluster.fork();
    } else if (Object.keys(cluster.workers).length === 0) {
      console.log('cluster stopped');
    }
  });
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.once(signal, () => {
      stopping = true;
      for (const worker of Object.values(cluster.workers)) worker.process.kill('SIGTERM');
    });
  }
} else {
  const fs = require('node:fs');
  const { sleep, spawn } = require('tinyevent');
  const http = require('tinyevent/http');
  const server = http.createServer((req, res) => {
    res.setHeader('content-type', 'text/plain');
    if (req.url === '/cpus') {
      // The CPUs this worker's main thread may run on (one of its own when pinned).
      const status = fs.readFileSync('/proc/self/status', 'utf8');
      return res.end(`worker ${cluster.worker.id} cpus ${/Cpus_allowed_list:\s*(\S+)/.exec(status)[1]}\n`);
    }
    if (req.url === '/slow') sleep(500); // blocks this request's greenlet only
    res.end(`hello from worker ${cluster.worker.id} (pid ${process.pid})\n`);
  });
  http.listen(server, port, '127.0.0.1'); // the primary shares one port among the workers
  process.once('SIGTERM', () => spawn(() => {
    http.close(server, { timeout: 1000 });
    process.exit(0);
  }));
}
