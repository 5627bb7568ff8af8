#!/usr/bin/env node
// An HTTP server whose handlers block: each request runs in its own greenlet,
// so sleep() or a blocking request in one handler never holds up the others.
// Run: node examples/http-server.js [port]   (after npm run build)
// Try it: curl 127.0.0.1:8080/  curl 127.0.0.1:8080/slow  curl -d hi 127.0.0.1:8080/echo
'use strict';
const { sleep, spawn } = require('tinyevent');
const http = require('tinyevent/http');

const port = Number(process.argv[2] ?? process.env.PORT ?? 8080);

const server = http.createServer((req, res) => {
  if (req.url === '/slow') {
    sleep(500); // blocks this request's greenlet only
    res.end('slept 500 ms\n');
  } else if (req.url === '/echo') {
    const body = req.body(); // the whole body, blocking
    res.setHeader('content-type', 'application/octet-stream');
    res.end(body);
  } else if (req.url === '/fail') {
    throw new Error('this handler fails: the client gets a 500, the server goes on');
  } else {
    res.setHeader('content-type', 'text/plain');
    res.end('hello from a greenlet\n');
  }
});

const address = http.listen(server, port, '127.0.0.1'); // blocks until listening
console.log(`http server listening on ${address.address}:${address.port}`);
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => spawn(() => {
    http.close(server, { timeout: 1000 });
    console.log('http server stopped');
  }));
}
