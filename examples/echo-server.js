#!/usr/bin/env node
// An echo server in gevent style: one greenlet per connection, written as a
// plain blocking loop. Run: node examples/echo-server.js [port]   (after npm run build)
// Try it: nc 127.0.0.1 6000
'use strict';
const { spawn } = require('tinyevent');
const { StreamServer } = require('tinyevent/net');

const port = Number(process.argv[2] ?? process.env.PORT ?? 6000);

function echo(socket, address) {
  console.log(`connection from ${address.address}:${address.port}`);
  for (;;) {
    const data = socket.recv(65536); // blocks this greenlet only
    if (data.length === 0) break; // the client closed
    socket.sendall(data);
  }
}

const server = new StreamServer({ host: '127.0.0.1', port }, echo, { pool: 10000 });
server.start();
console.log(`echo server listening on ${server.address.address}:${server.address.port}`);

// stop() blocks (it waits for handlers), so it runs in a greenlet of its own.
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => spawn(() => server.stop({ timeout: 1000 })));
server.serveForever();
console.log('echo server stopped');
