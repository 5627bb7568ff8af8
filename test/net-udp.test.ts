import * as dgram from 'node:dgram';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { Event, joinall, Pool, sleep, spawn, Timeout } from '../src/index';
import { ConcurrentUseError, DatagramServer, DatagramSocket, TimeoutError, udp } from '../src/net';
import { collectFailures } from './core-util';
import { nodeError, resources, settle, thrown } from './net-util';

const fields = (e: NodeJS.ErrnoException): Record<string, unknown> => ({ class: e.constructor.name, message: e.message, code: e.code, errno: e.errno, syscall: e.syscall });

let before: Record<string, number>;
const open: DatagramSocket[] = [];
/** A socket closed after the test. */
function sock(options?: Parameters<typeof udp>[0]): DatagramSocket {
  const s = udp(options);
  open.push(s);
  return s;
}
function bound(host = '127.0.0.1', type: 'udp4' | 'udp6' = 'udp4'): DatagramSocket {
  const s = sock({ type });
  s.bind(0, host);
  return s;
}
/** A port nothing listens on (bound, then closed). */
function deadPort(): number {
  const s = udp();
  s.bind(0, '127.0.0.1');
  const port = s.address().port;
  s.close();
  return port;
}

const udpHandles = (): number => process.getActiveResourcesInfo().filter((kind) => kind === 'UDPWrap').length;
let udpBefore = 0;

beforeEach(() => {
  before = resources();
  udpBefore = udpHandles();
});
afterEach(() => {
  for (const s of open.splice(0)) s.close();
  expect(settle(before)).toEqual({});
  for (let i = 0; i < 100 && udpHandles() > udpBefore; i++) sleep(5);
  expect(udpHandles(), 'UDP sockets left open').toBe(udpBefore);
});

describe('DatagramSocket', () => {
  it('sendto and recvfrom, with the sender address', () => {
    const a = bound();
    const b = bound();
    expect(b.sendto('hello', a.address().port, '127.0.0.1')).toBe(5);
    const got = a.recvfrom();
    expect(got).toEqual({ data: Buffer.from('hello'), address: '127.0.0.1', port: b.address().port, family: 'IPv4' });
    a.sendto(new Uint8Array([1, 2, 3]), got.port, got.address);
    expect(b.recv()).toEqual(Buffer.from([1, 2, 3]));
    expect(a.address()).toEqual({ address: '127.0.0.1', port: a.address().port, family: 'IPv4' });
  });

  it('IPv6 too', () => {
    const a = bound('::1', 'udp6');
    const b = sock({ type: 'udp6' });
    b.sendto('six', a.address().port, '::1'); // binds b implicitly, as Node's send does
    expect(a.recvfrom()).toEqual({ data: Buffer.from('six'), address: '::1', port: b.address().port, family: 'IPv6' });
    expect(b.type).toBe('udp6');
  });

  it('recvfrom blocks only the calling greenlet', () => {
    const a = bound();
    const log: string[] = [];
    const reader = spawn(() => {
      log.push('waiting');
      log.push(`got ${a.recv().toString()}`);
    });
    const writer = spawn(() => {
      log.push('sending');
      const b = sock();
      b.sendto('x', a.address().port, '127.0.0.1');
    });
    joinall([reader, writer]);
    expect(log).toEqual(['waiting', 'sending', 'got x']);
  });

  it('a datagram longer than maxBytes is cut and the rest discarded, as recvfrom(2) does', () => {
    const a = bound();
    const b = bound();
    b.sendto(Buffer.alloc(100, 'x'), a.address().port, '127.0.0.1');
    b.sendto('yy', a.address().port, '127.0.0.1');
    expect(a.recvfrom(10).data.toString()).toBe('x'.repeat(10));
    expect(a.recvfrom(10).data.toString()).toBe('yy');
    const max = Buffer.alloc(65507, 'z'); // the largest IPv4 UDP payload
    b.sendto(max, a.address().port, '127.0.0.1');
    expect(a.recv().equals(max)).toBe(true);
  });

  it('connect, then send and recv; other senders are filtered out', () => {
    const a = bound();
    const b = bound();
    const c = bound();
    b.connect(a.address().port, '127.0.0.1');
    expect(b.remoteAddress()).toEqual({ address: '127.0.0.1', port: a.address().port, family: 'IPv4' });
    expect(b.send('to a')).toBe(4);
    const got = a.recvfrom();
    expect(got.data.toString()).toBe('to a');
    c.sendto('from c', b.address().port, '127.0.0.1');
    a.sendto('from a', got.port, got.address);
    expect(b.recv().toString()).toBe('from a');
    b.disconnect();
    const notConnected = thrown(() => b.send('x'));
    const raw = dgram.createSocket('udp4');
    expect(fields(notConnected)).toEqual(fields(thrown(() => raw.send(Buffer.from('x')))));
    raw.close();
    expect(notConnected.code).toBe('ERR_SOCKET_BAD_PORT');
  });

  it('a lost peer: ECONNREFUSED from Node on the connected socket, once; the socket stays usable', () => {
    const port = deadPort();
    const s = sock();
    s.connect(port, '127.0.0.1');
    s.settimeout(2000);
    s.send('anyone?');
    const error = thrown(() => s.recv());
    const node = nodeError((callback) => {
      const raw = dgram.createSocket('udp4');
      raw.on('error', (e) => {
        raw.close();
        callback(e);
      });
      raw.connect(port, '127.0.0.1', () => raw.send('anyone?'));
    });
    expect(fields(error)).toEqual(fields(node));
    expect(error.code).toBe('ECONNREFUSED');
    s.settimeout(30);
    expect(thrown(() => s.recv())).toBeInstanceOf(TimeoutError); // thrown once, then an ordinary wait
  });

  it('recvfrom times out with TimeoutError (code ETIMEDOUT); a Timeout interrupts it; the socket stays usable', () => {
    const a = sock({ timeout: 30 });
    a.bind(0, '127.0.0.1');
    const error = thrown(() => a.recvfrom());
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error.code).toBe('ETIMEDOUT');
    a.settimeout(null);
    expect(() => Timeout.run(30, () => a.recvfrom())).toThrow(Timeout);
    const b = bound();
    b.sendto('after', a.address().port, '127.0.0.1');
    expect(a.recv().toString()).toBe('after');
  });

  it('send errors are Node\'s: EMSGSIZE, ENOTFOUND, EADDRINUSE', () => {
    const a = bound();
    const tooBig = thrown(() => a.sendto(Buffer.alloc(70_000), a.address().port, '127.0.0.1'));
    const node = nodeError((callback) => {
      const raw = dgram.createSocket('udp4');
      raw.bind(0, '127.0.0.1', () => raw.send(Buffer.alloc(70_000), a.address().port, '127.0.0.1', (e) => (raw.close(), callback(e as NodeJS.ErrnoException))));
    });
    expect(fields(tooBig)).toEqual({ ...fields(node), message: node.message });
    expect(tooBig.code).toBe('EMSGSIZE');
    expect(thrown(() => a.sendto('x', 9, 'no-such-host.invalid')).code).toMatch(/ENOTFOUND|EAI_AGAIN/);
    const b = sock();
    const inUse = thrown(() => b.bind(a.address().port, '127.0.0.1'));
    expect(inUse.code).toBe('EADDRINUSE');
    expect(inUse.syscall).toBe('bind');
  });

  it('calls on a closed socket throw EBADF; a greenlet blocked on it is woken with EBADF', () => {
    const a = bound();
    const g = spawn(() => thrown(() => a.recvfrom()));
    sleep(10);
    a.close();
    joinall([g]);
    expect(g.value?.code).toBe('EBADF');
    expect(thrown(() => a.sendto('x', 9, '127.0.0.1')).code).toBe('EBADF');
    expect(thrown(() => a.recv()).code).toBe('EBADF');
    a.close(); // twice is harmless
    expect(a.closed).toBe(true);
  });

  it('two greenlets receiving on one socket: the second gets ConcurrentUseError', () => {
    const a = bound();
    const first = spawn(() => thrown(() => a.recv()));
    const second = spawn(() => thrown(() => a.recv()));
    joinall([second]);
    expect(second.value).toBeInstanceOf(ConcurrentUseError);
    a.close();
    joinall([first]);
  });

  it('killing a greenlet blocked in recvfrom leaves the socket usable', () => {
    const a = bound();
    const g = spawn(() => a.recvfrom());
    sleep(10);
    g.kill();
    expect(g.dead).toBe(true);
    bound().sendto('still here', a.address().port, '127.0.0.1');
    expect(a.recv().toString()).toBe('still here');
  });

  it('unread datagrams are queued up to a bound; past it new ones are dropped', () => {
    const a = bound();
    const b = bound();
    const sent = 4200;
    for (let i = 0; i < sent; i++) {
      b.sendto(String(i), a.address().port, '127.0.0.1');
      if (i % 50 === 0) sleep(1); // let the Hub read, so the kernel drops nothing
    }
    for (let i = 0; i < 100 && a.queued + a.dropped < sent; i++) sleep(5);
    expect(a.queued).toBe(4096);
    expect(a.dropped).toBe(sent - 4096);
    expect(a.recv().toString()).toBe('0'); // the oldest stay, in order
    expect(a.recv().toString()).toBe('1');
  });

  it('rejects bad arguments with TypeError / RangeError', () => {
    expect(() => udp({ type: 'udp5' as never })).toThrow(new TypeError("type must be 'udp4' or 'udp6', got \"udp5\""));
    expect(() => udp('udp4' as never)).toThrow(TypeError);
    const a = sock();
    expect(() => a.bind(-1)).toThrow(RangeError);
    expect(() => a.bind('80' as never)).toThrow(TypeError);
    expect(() => a.bind(0, 5 as never)).toThrow(new TypeError('host must be a string, got 5'));
    expect(() => a.sendto(5 as never, 9)).toThrow(TypeError);
    expect(() => a.sendto('x', 70_000)).toThrow(RangeError);
    expect(() => a.recvfrom(0)).toThrow(RangeError);
    expect(() => a.recvfrom('1' as never)).toThrow(TypeError);
    expect(() => a.settimeout(-1)).toThrow(RangeError);
    const raw = dgram.createSocket('udp4');
    expect(fields(thrown(() => a.address()))).toEqual(fields(thrown(() => raw.address()))); // Node's EBADF (getsockname)
    raw.close();
  });
});

describe('DatagramServer', () => {
  const servers: DatagramServer[] = [];
  afterEach(() => {
    for (const s of servers.splice(0)) s.stop({ timeout: 0 });
  });
  function serve(address: ConstructorParameters<typeof DatagramServer>[0], handler: ConstructorParameters<typeof DatagramServer>[1], options?: ConstructorParameters<typeof DatagramServer>[2]): DatagramServer {
    const server = new DatagramServer(address, handler, options);
    servers.push(server);
    server.start();
    return server;
  }

  it('runs the handler in a greenlet per datagram, which may block and reply', () => {
    const allIn = new Event();
    let started = 0;
    const server = serve('127.0.0.1:0', (data, peer, srv) => {
      if (++started === 3) allIn.set();
      const overlapped = allIn.wait(5000); // each handler blocks until all three run at once
      srv.sendto(`echo ${data} ${overlapped}`, peer.port, peer.address);
    });
    expect(server.started).toBe(true);
    const port = (server.address as { port: number }).port;
    const client = bound();
    for (const word of ['a', 'b', 'c']) client.sendto(word, port, '127.0.0.1');
    const replies = [client.recvfrom(), client.recvfrom(), client.recvfrom()];
    expect(replies.map((r) => r.data.toString()).sort()).toEqual(['echo a true', 'echo b true', 'echo c true']);
    expect(replies[0]?.port).toBe(port);
  });

  it('a pool bounds the handlers; datagrams past maxWaiting are dropped', () => {
    const gate = new Event();
    let running = 0;
    let most = 0;
    const server = serve({ host: '127.0.0.1', port: 0 }, () => {
      most = Math.max(most, ++running);
      gate.wait(5000);
      running--;
    }, { pool: new Pool(2), maxWaiting: 3 });
    const client = bound();
    for (let i = 0; i < 10; i++) client.sendto(String(i), (server.address as { port: number }).port, '127.0.0.1');
    for (let i = 0; i < 400 && server.dropped < 5; i++) sleep(5);
    expect(server.dropped).toBe(5); // 2 running, 3 waiting, 5 dropped
    expect(server.running).toBe(2);
    gate.set();
    for (let i = 0; i < 400 && server.running > 0; i++) sleep(5);
    expect(most).toBe(2);
    expect(server.dropped).toBe(5);
  });

  it('IPv6 from a [host, port] address; serveForever returns after stop', () => {
    const server = new DatagramServer(['::1', 0], (data, peer, srv) => srv.sendto(data, peer.port, peer.address));
    const runner = spawn(() => server.serveForever());
    sleep(20);
    const client = sock({ type: 'udp6' });
    client.sendto('v6', (server.address as { port: number }).port, '::1');
    expect(client.recvfrom()).toMatchObject({ data: Buffer.from('v6'), address: '::1', family: 'IPv6' });
    server.stop();
    joinall([runner]);
    expect(runner.successful()).toBe(true);
    expect(() => server.start()).toThrow(/stopped/);
  });

  it('stop({ timeout }) kills handlers still running; a failing handler is reported and serving goes on', () => {
    let killed = 0;
    let failed = false;
    let slow = false;
    const failures = collectFailures(() => {
      const server = new DatagramServer(0, (data) => {
        if (data.toString() === 'fail') {
          failed = true;
          throw new RangeError('handler failed');
        }
        slow = true;
        try {
          sleep(10_000);
        } finally {
          killed++;
        }
      });
      server.start();
      const client = bound();
      const port = (server.address as { port: number }).port;
      client.sendto('fail', port, '127.0.0.1');
      client.sendto('slow', port, '127.0.0.1');
      for (let i = 0; i < 400 && !(failed && slow); i++) sleep(5);
      sleep(10);
      server.stop({ timeout: 20 });
      expect(server.running).toBe(0);
    });
    expect(killed).toBe(1);
    expect(failures).toHaveLength(1);
    expect((failures[0] as Error).message).toBe('handler failed');
  });

  it('serves on a DatagramSocket given as the address', () => {
    const socket = udp();
    const server = serve(socket, (data, peer, srv) => srv.sendto(data, peer.port, peer.address));
    expect(server.socket).toBe(socket);
    const client = bound();
    client.sendto('mine', socket.address().port, '127.0.0.1');
    expect(client.recv().toString()).toBe('mine');
  });

  it('rejects bad addresses and options; EADDRINUSE at start', () => {
    const noop = (): void => undefined;
    expect(() => new DatagramServer({} as never, noop)).toThrow(TypeError);
    expect(() => new DatagramServer({ path: '/tmp/x' } as never, noop)).toThrow(TypeError);
    expect(() => new DatagramServer('nope', noop)).toThrow(TypeError);
    expect(() => new DatagramServer(70_000, noop)).toThrow(RangeError);
    expect(() => new DatagramServer(['::1'] as never, noop)).toThrow(TypeError);
    expect(() => new DatagramServer(0, 'handler' as never)).toThrow(new TypeError('handler must be a function, got "handler"'));
    expect(() => new DatagramServer(0, noop, { pool: 0 })).toThrow(RangeError);
    expect(() => new DatagramServer(0, noop, { maxWaiting: -1 })).toThrow(RangeError);
    expect(() => new DatagramServer(0, noop, { type: 'tcp' as never })).toThrow(TypeError);
    const taken = bound();
    const server = new DatagramServer({ host: '127.0.0.1', port: taken.address().port }, noop);
    expect(thrown(() => server.start()).code).toBe('EADDRINUSE');
    expect(() => server.sendto('x', 9)).toThrow(/not started/);
  });
});
