import * as nodeNet from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { GreenletExit, joinall, Pool, setErrorHandler, sleep, spawn } from '../src/index';
import { connect, listen, Socket, StreamServer, TimeoutError } from '../src/net';
import type { PeerAddress } from '../src/net';
import { resources, selfSigned, settle } from './net-util';

function echo(socket: Socket): void {
  for (let data = socket.recv(); data.length > 0; data = socket.recv()) socket.sendall(data);
}

function portOf(server: StreamServer): number {
  return (server.address as nodeNet.AddressInfo).port;
}

/** One request line and its answer, from a fresh connection. */
function ask(port: number, line: string): string {
  const client = connect(port, '127.0.0.1');
  try {
    client.sendall(line);
    return client.readline().toString();
  } finally {
    client.close();
  }
}

let before: Record<string, number>;
let failures: unknown[];
beforeEach(() => {
  before = resources();
  failures = [];
  setErrorHandler((error) => void failures.push(error));
});
afterEach(() => {
  setErrorHandler(null);
  expect(settle(before)).toEqual({});
});

describe('StreamServer', () => {
  it('runs handler(socket, address) in a greenlet per connection', () => {
    const peers: PeerAddress[] = [];
    const server = new StreamServer({ port: 0, host: '127.0.0.1' }, (socket, address) => {
      peers.push(address);
      echo(socket);
    });
    server.start();
    expect(server.started).toBe(true);
    const port = portOf(server);
    const clients = [1, 2, 3].map((i) => spawn(() => ask(port, `line ${i}\n`)));
    joinall(clients, { raiseError: true });
    expect(clients.map((g) => g.value)).toEqual(['line 1\n', 'line 2\n', 'line 3\n']);
    expect(peers.map((p) => p.address)).toEqual(['127.0.0.1', '127.0.0.1', '127.0.0.1']);
    expect(typeof peers[0].port).toBe('number');
    server.stop();
    expect(server.started).toBe(false);
  });

  it('accepts "host:port", a port number and a Listener', () => {
    const fromString = new StreamServer('127.0.0.1:0', echo);
    fromString.start();
    expect(ask(portOf(fromString), 'a\n')).toBe('a\n');
    fromString.stop();
    const listener = listen(0, '127.0.0.1');
    const fromListener = new StreamServer(listener, echo);
    fromListener.start();
    expect(ask((listener.address() as nodeNet.AddressInfo).port, 'b\n')).toBe('b\n');
    fromListener.stop();
    expect(listener.closed).toBe(true);
    const fromPort = new StreamServer(0, echo);
    expect(fromPort.toString()).toBe('<StreamServer :0>');
    expect(() => new StreamServer('nope', echo)).toThrow(TypeError);
    expect(() => new StreamServer(0, 'x' as unknown as () => void)).toThrow(TypeError);
    expect(() => new StreamServer(0, echo, { pool: 0 })).toThrow(RangeError);
    expect(() => new StreamServer(0, echo, { pool: {} as unknown as number })).toThrow(TypeError);
    expect(() => new StreamServer(0, echo, { pool: 1.5 })).toThrow(RangeError);
  });

  it('a handler that throws is reported; the server goes on serving', () => {
    const server = new StreamServer({ port: 0, host: '127.0.0.1' }, (socket) => {
      const line = socket.readline().toString();
      if (line === 'boom\n') throw new Error('handler failed');
      socket.sendall(line);
    });
    server.start();
    const port = portOf(server);
    expect(ask(port, 'boom\n')).toBe(''); // its socket is closed
    expect(ask(port, 'fine\n')).toBe('fine\n');
    server.stop();
    expect(failures).toHaveLength(1);
    expect((failures[0] as Error).message).toBe('handler failed');
  });

  it('stop() stops accepting, waits for handlers up to its timeout, then kills them', () => {
    const log: string[] = [];
    const server = new StreamServer({ port: 0, host: '127.0.0.1' }, (socket) => {
      socket.sendall('hi\n');
      try {
        socket.recv(); // the client never sends
      } catch (error) {
        log.push(error instanceof GreenletExit ? 'killed' : String(error));
        throw error;
      }
    });
    server.start();
    const port = portOf(server);
    const client = connect(port, '127.0.0.1');
    expect(client.readline().toString()).toBe('hi\n');
    expect(server.connections).toBe(1);
    server.stop({ timeout: 50 });
    expect(log).toEqual(['killed']);
    expect(server.connections).toBe(0);
    expect(client.recv().length).toBe(0); // the server side was closed
    client.close();
    expect(() => connect(port, '127.0.0.1')).toThrow(expect.objectContaining({ code: 'ECONNREFUSED' }));
    expect(failures).toEqual([]);
    expect(() => server.start()).toThrow(/stopped/);
  });

  it('a handler may stop its own server: the others are killed, it finishes', () => {
    let server: StreamServer | undefined;
    let waiting = false;
    const log: string[] = [];
    server = new StreamServer({ port: 0, host: '127.0.0.1' }, (socket) => {
      const line = socket.readline().toString();
      if (line === 'stop\n') {
        server?.stop({ timeout: 20 });
        log.push('stopper finished');
        socket.sendall('stopped\n');
      } else {
        waiting = true;
        try {
          socket.recv();
        } finally {
          log.push('other ended');
        }
      }
    });
    server.start();
    const port = portOf(server);
    const other = connect(port, '127.0.0.1');
    other.sendall('wait\n');
    while (!waiting) sleep(5);
    expect(ask(port, 'stop\n')).toBe('stopped\n');
    expect(log).toEqual(['other ended', 'stopper finished']);
    other.close();
  });

  it('serveForever() blocks until stop()', () => {
    const server = new StreamServer({ port: 0, host: '127.0.0.1' }, echo);
    const serving = spawn(() => server.serveForever());
    while (!server.started) sleep(5);
    expect(ask(portOf(server), 'x\n')).toBe('x\n');
    expect(serving.dead).toBe(false);
    server.stop();
    serving.get();
    expect(serving.dead).toBe(true);
  });

  it('pool: a number bounds the handlers running at once; the rest wait their turn', () => {
    let running = 0;
    let peak = 0;
    const server = new StreamServer({ port: 0, host: '127.0.0.1' }, (socket) => {
      running++;
      peak = Math.max(peak, running);
      sleep(20);
      socket.sendall('done\n');
      running--;
    }, { pool: 2 });
    server.start();
    const port = portOf(server);
    const clients = Array.from({ length: 6 }, () => spawn(() => ask(port, '')));
    joinall(clients, { raiseError: true });
    expect(clients.every((g) => g.value === 'done\n')).toBe(true);
    expect(peak).toBe(2);
    server.stop();
  });

  it('a Pool shared with other work: connections wait for its free slots', () => {
    const pool = new Pool(1);
    let busyDone = false;
    const busy = pool.spawn(() => {
      sleep(50); // other work holds the only slot: connections must wait for it
      busyDone = true;
    });
    const order: boolean[] = [];
    let running = 0;
    let peak = 0;
    const server = new StreamServer({ port: 0, host: '127.0.0.1' }, (socket) => {
      peak = Math.max(peak, ++running);
      order.push(busyDone);
      sleep(10);
      running--;
      echo(socket);
    }, { pool });
    server.start();
    const port = portOf(server);
    const clients = Array.from({ length: 4 }, (_, i) => spawn(() => ask(port, `${i}\n`)));
    joinall(clients, { raiseError: true });
    expect(clients.map((g) => g.value)).toEqual(['0\n', '1\n', '2\n', '3\n']);
    expect(peak).toBe(1);
    expect(order).toEqual([true, true, true, true]);
    expect(busy.dead).toBe(true);
    server.stop();
    expect(pool.size).toBe(0);
  });

  it('a slow client: the socket timeout ends its handler, others are served meanwhile', () => {
    const server = new StreamServer({ port: 0, host: '127.0.0.1' }, echo, { socketTimeout: 100 });
    server.start();
    const port = portOf(server);
    const slow = connect(port, '127.0.0.1'); // sends nothing
    expect(ask(port, 'quick\n')).toBe('quick\n');
    expect(slow.recv().length).toBe(0); // closed by the server after its timeout
    slow.close();
    server.stop();
    expect(failures).toHaveLength(1);
    expect(failures[0]).toBeInstanceOf(TimeoutError);
  });

  it('serves TLS with the tls option', () => {
    const { key, cert } = selfSigned();
    const server = new StreamServer({ port: 0, host: '127.0.0.1' }, echo, { tls: { key, cert } });
    server.start();
    const client = connect(portOf(server), 'localhost', { tls: { ca: cert } });
    client.sendall('secret\n');
    expect(client.readline().toString()).toBe('secret\n');
    client.close();
    server.stop();
  });

  it('serves 1,000 concurrent connections', () => {
    let running = 0;
    let peak = 0;
    const server = new StreamServer({ port: 0, host: '127.0.0.1' }, (socket) => {
      peak = Math.max(peak, ++running);
      try {
        socket.sendall('>');
        echo(socket);
      } finally {
        running--;
      }
    }, { backlog: 2048 });
    server.start();
    const port = portOf(server);
    // Node's own callback-style clients (test bodies run inside a microtask, where
    // promises cannot settle while the root greenlet blocks). Nobody sends its
    // line before every handler has greeted its client: all 1,000 run at once.
    const n = 1000;
    let greeted = 0;
    let closed = 0;
    const answers: string[] = new Array(n).fill('');
    const errors: unknown[] = [];
    const sockets = Array.from({ length: n }, (_, i) => {
      const sock = nodeNet.connect(port, '127.0.0.1');
      sock.on('data', (data) => {
        let text = data.toString();
        if (text.startsWith('>')) {
          text = text.slice(1);
          if (++greeted === n) sockets.forEach((s, j) => s.write(`client ${j}\n`));
        }
        answers[i] += text;
        if (answers[i].endsWith('\n')) sock.end();
      });
      sock.on('close', () => closed++);
      sock.on('error', (error) => errors.push(error));
      return sock;
    });
    for (let waited = 0; closed < n && waited < 15_000; waited += 10) sleep(10);
    expect(errors).toEqual([]);
    expect(answers).toEqual(Array.from({ length: n }, (_, i) => `client ${i}\n`));
    expect(peak).toBe(n);
    server.stop();
    expect(failures).toEqual([]);
  });
});
