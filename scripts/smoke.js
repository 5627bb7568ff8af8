#!/usr/bin/env node
// An in-process smoke test of the engine this Node loads (no child processes:
// under qemu-user an arm64 node cannot start another). Greenlets, timers, a
// Timeout, an Event, a Queue, the fs patch and a TCP echo over loopback.
// With --expect-prebuild the engine must be the prebuilt one for this
// arch and ABI. Prints one line per check and "smoke: ok".
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');

const root = path.join(__dirname, '..');
const te = require(root);
const { StreamServer, connect } = require(path.join(root, 'dist', 'cjs', 'net.js'));
const { engineFile } = require(path.join(root, 'dist', 'cjs', 'core', 'native.js'));

function check(name, actual, expected) {
  const [a, e] = [JSON.stringify(actual), JSON.stringify(expected)];
  if (a !== e) {
    console.error(`smoke: ${name}: got ${a}, expected ${e}`);
    process.exit(1);
  }
  console.log(`smoke: ${name} ok`);
}

const prebuilt = path.join(root, 'prebuilds', `linux-${process.arch}`, `tinyevent.abi${process.versions.modules}.glibc.node`);
console.log(`smoke: Node ${process.version} ${process.arch}, engine ${path.relative(root, engineFile)}`);
if (process.argv.includes('--expect-prebuild')) check('engine is the prebuilt one', engineFile, prebuilt);

const slept = te.joinall(
  [30, 10, 20].map((ms) =>
    te.spawn(() => {
      const start = performance.now();
      te.sleep(ms);
      return performance.now() - start >= ms - 1;
    }),
  ),
).map((g) => g.value);
check('three greenlets each sleep their time', slept, [true, true, true]);

let timedOut = false;
try {
  te.Timeout.run(20, () => te.sleep(1000));
} catch (error) {
  timedOut = error instanceof te.Timeout;
}
check('a Timeout interrupts a sleep', timedOut, true);

const event = new te.Event();
const queue = new te.Queue();
const consumer = te.spawn(() => {
  event.wait();
  const got = [];
  for (let i = 0; i < 3; i++) got.push(queue.get());
  return got;
});
te.spawn(() => {
  for (const item of ['a', 'b', 'c']) queue.put(item);
  event.set();
});
check('Event and Queue hand values between greenlets', consumer.get(), ['a', 'b', 'c']);

te.patchFs();
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tinyevent-smoke-'));
// 2 MiB: too big to read inline, so the read goes through the thread pool and yields.
fs.writeFileSync(path.join(dir, 'f'), 'x'.repeat(2 << 20));
const log = [];
const reader = te.spawn(() => {
  log.push('read start');
  log.push(`read ${fs.readFileSync(path.join(dir, 'f'), 'utf8').length}`);
});
const other = te.spawn(() => log.push('other'));
te.joinall([reader, other]);
fs.rmSync(dir, { recursive: true, force: true });
te.unpatchAll();
check('a patched readFileSync blocks only its greenlet', log, ['read start', 'other', `read ${2 << 20}`]);

const server = new StreamServer({ host: '127.0.0.1', port: 0 }, (socket) => {
  for (let data = socket.recv(1024); data.length > 0; data = socket.recv(1024)) socket.sendall(data);
});
server.start();
const replies = te.joinall(
  ['one', 'two'].map((word) =>
    te.spawn(() => {
      const socket = connect({ host: '127.0.0.1', port: server.address.port });
      socket.sendall(word);
      const reply = socket.recv(1024).toString();
      socket.close();
      return reply;
    }),
  ),
).map((g) => g.value);
server.stop({ timeout: 1000 });
check('TCP echo over loopback, one greenlet per connection', replies, ['one', 'two']);
console.log('smoke: ok');
