// Tick order while the root greenlet blocks: the ticks and microtasks a loop
// callback queues run right after it, as in plain Node, so a refused
// connection reports its 'error' before its 'close'. Child processes compare
// plain Node with the same program blocking in the root.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

import { linkPackage, ROOT, runNode } from './monkey-util';

beforeAll(() => {
  if (!fs.existsSync(path.join(ROOT, 'dist', 'cjs', 'index.js'))) throw new Error('build first: npm run build');
  linkPackage();
});

// A port nobody listens on: listen, note the port, close.
const CLOSED_PORT = `
const net = require('net');
function closedPort() {
  const s = net.createServer().listen(0, '127.0.0.1');
  return new Promise((r) => s.on('listening', () => { const p = s.address().port; s.close(() => r(p)); }));
}
`;

const CONNECT = (block: string): string => `${CLOSED_PORT}
closedPort().then((port) => setTimeout(() => {
  const order = [];
  const s = net.connect(port, '127.0.0.1');
  s.on('error', (e) => order.push('error ' + e.code));
  s.on('close', (hadError) => order.push('close ' + hadError));
  Promise.resolve().then(() => order.push('microtask'));
  process.nextTick(() => order.push('tick'));
  ${block}
}, 0));
`;

describe('tick order inside root waits', () => {
  it("a refused connection: 'error' then 'close', as in plain Node, while the root sleeps", async () => {
    const plain = await runNode(['-e', CONNECT(`setTimeout(() => console.log(order.join(', ')), 300);`)]);
    const blocked = await runNode(['-e', CONNECT(`
      const { sleep, spawn } = require('tinyevent');
      spawn(() => sleep(1));
      sleep(300);
      console.log(order.join(', '));`)]);
    expect(plain.stderr).toBe('');
    expect(plain.lines).toEqual(['tick, microtask, error ECONNREFUSED, close true']);
    expect(blocked.stderr).toBe('');
    expect(blocked.lines).toEqual(plain.lines);
  });

  it('the same at top level of the main script (the root blocks inside its callback scope)', async () => {
    const script = `
      const net = require('net');
      const { sleep, spawn } = require('tinyevent');
      const order = [];
      const server = net.createServer().listen(0, '127.0.0.1');
      spawn(() => sleep(1));
      while (server.address() === null) sleep(1);
      const port = server.address().port;
      let closed = false;
      server.close(() => { closed = true; });
      while (!closed) sleep(1);
      const s = net.connect(port, '127.0.0.1');
      s.on('error', (e) => order.push('error ' + e.code));
      s.on('close', () => order.push('close'));
      sleep(300);
      console.log(order.join(', '));`;
    const run = await runNode(['-e', script]);
    expect(run.stderr).toBe('');
    expect(run.lines).toEqual(['error ECONNREFUSED, close']);
  });

  it('ticks queued by one callback run before the next callback of the same turn', async () => {
    // Two timers due in the same turn: plain Node runs the first one's tick before the second timer.
    const body = (block: string): string => `
      const order = [];
      setTimeout(() => { order.push('t1'); process.nextTick(() => order.push('tick1')); }, 5);
      setTimeout(() => { order.push('t2'); Promise.resolve().then(() => order.push('micro2')); }, 5);
      ${block}`;
    const plain = await runNode(['-e', body(`setTimeout(() => console.log(order.join(' ')), 100);`)]);
    const blocked = await runNode(['-e', body(`const { sleep, spawn } = require('tinyevent'); spawn(() => sleep(1)); sleep(100); console.log(order.join(' '));`)]);
    expect(plain.lines).toEqual(['t1 tick1 t2 micro2']);
    expect(blocked.stderr).toBe('');
    expect(blocked.lines).toEqual(plain.lines);
  });

  it('sync-fetch and sync-request in greenlets report ECONNREFUSED while the root blocks in joinall (register)', async () => {
    const script = `
      const fetch = require('sync-fetch');
      const request = require('sync-request');
      const { spawn, joinall } = require('tinyevent');
      const { listen } = require('tinyevent/net');
      const listener = listen(0, '127.0.0.1');
      const port = listener.address().port;
      listener.close();
      const calls = [() => fetch('http://127.0.0.1:' + port + '/'), () => request('GET', 'http://127.0.0.1:' + port + '/')];
      const gs = calls.map((call) => spawn(() => {
        try { call(); return 'no error'; } catch (e) { return e.code + ' ' + /hang up/.test(e.message); }
      }));
      joinall(gs);
      for (const g of gs) console.log(g.value);`;
    const run = await runNode(['-r', 'tinyevent/register', '-e', script]);
    expect(run.stderr).toBe('');
    expect(run.lines).toEqual(['ECONNREFUSED false', 'ECONNREFUSED false']);
  });
});
