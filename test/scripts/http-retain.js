// Run with --expose-gc. A program keeps the greenlets that served its requests
// (a log of who served what); once they finish, the requests and responses
// they handled must be collectable. Prints {"kept": n, "alive": m}.
'use strict';
const { getcurrent, sleep } = require('tinyevent');
const { close, createServer, listen, request } = require('tinyevent/http');

const kept = [];
const refs = [];
const server = createServer((req, res) => {
  kept.push(getcurrent());
  refs.push(new WeakRef(req), new WeakRef(res));
  res.end('ok');
});
const { port } = listen(server, 0, '127.0.0.1');
for (let i = 0; i < 5; i++) request(`http://127.0.0.1:${port}/`, { agent: false }).text();
for (let waited = 0; kept.some((g) => !g.dead) && waited < 2000; waited += 10) sleep(10);
close(server);
// WeakRef targets stay alive until the job that made them ends: look from a later one.
setTimeout(() => {
  gc();
  console.log(JSON.stringify({ kept: kept.length, alive: refs.filter((ref) => ref.deref() !== undefined).length }));
}, 50);
