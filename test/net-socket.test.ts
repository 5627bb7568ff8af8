import * as nodeNet from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { GreenletExit, joinall, sleep, spawn, Timeout } from '../src/index';
import { ConcurrentUseError, connect, gethostbyname, listen, Listener, Socket, TimeoutError } from '../src/net';
import { nodeError, resources, selfSigned, settle, thrown } from './net-util';

let listener: Listener;
let port: number;
let before: Record<string, number>;

beforeEach(() => {
  before = resources();
  listener = listen(0, '127.0.0.1');
  port = (listener.address() as nodeNet.AddressInfo).port;
});
afterEach(() => {
  listener.close();
  expect(settle(before)).toEqual({});
});

describe('Socket', () => {
  it('connects, sends and receives, with addresses on both ends', () => {
    const server = spawn(() => {
      const conn = listener.accept();
      const line = conn.readline();
      conn.sendall(Buffer.concat([Buffer.from('echo: '), line]));
      const peer = [conn.remoteAddress, conn.remotePort];
      conn.close();
      return peer;
    });
    const client = connect(port, '127.0.0.1');
    expect(client.remoteAddress).toBe('127.0.0.1');
    expect(client.remotePort).toBe(port);
    expect(client.localAddress).toBe('127.0.0.1');
    expect(client.sendall('hello\n')).toBeUndefined();
    expect(client.readline().toString()).toBe('echo: hello\n');
    expect(client.recv(10).length).toBe(0); // end of stream
    expect(client.recv(10).length).toBe(0);
    expect(server.get()).toEqual(['127.0.0.1', client.localPort]);
    client.close();
  });

  it('recv(max) splits and joins chunks; readline keeps the rest buffered', () => {
    const server = spawn(() => {
      const conn = listener.accept();
      conn.sendall('ab');
      sleep(20);
      conn.sendall('cdef\nsecond line\nrest');
      conn.close();
    });
    const client = connect({ port, host: '127.0.0.1' });
    expect(client.recv(1).toString()).toBe('a');
    server.join(); // everything is sent: let it arrive
    sleep(20);
    expect(client.recv(3).toString()).toBe('bcd'); // two chunks joined
    expect(client.readline().toString()).toBe('ef\n');
    expect(client.readline(4).toString()).toBe('seco'); // limit
    expect(client.readline().toString()).toBe('nd line\n');
    expect(client.readline().toString()).toBe('rest'); // last line without '\n'
    expect(client.readline().length).toBe(0);
    client.close();
  });

  it('send() returns how many bytes it took', () => {
    const server = spawn(() => {
      const conn = listener.accept();
      let total = 0;
      for (let data = conn.recv(); data.length > 0; data = conn.recv()) total += data.length;
      conn.close();
      return total;
    });
    const client = connect(port, '127.0.0.1');
    const big = Buffer.alloc(1 << 20, 1);
    let sent = 0;
    while (sent < big.length) {
      const n = client.send(big.subarray(sent));
      expect(n).toBeGreaterThan(0);
      sent += n;
    }
    expect(client.send('')).toBe(0);
    client.shutdown();
    expect(server.get()).toBe(big.length);
    client.close();
  });

  it('connection refused: Node\'s error, unchanged', () => {
    const closed = listen(0, '127.0.0.1');
    const deadPort = (closed.address() as nodeNet.AddressInfo).port;
    closed.close();
    sleep(10);
    const ours = thrown(() => connect(deadPort, '127.0.0.1'));
    const theirs = nodeError((cb) => nodeNet.connect(deadPort, '127.0.0.1').on('error', cb));
    expect(ours.constructor).toBe(theirs.constructor);
    expect(ours.code).toBe('ECONNREFUSED');
    expect([ours.errno, ours.syscall, ours.message]).toEqual([theirs.errno, theirs.syscall, theirs.message]);
  });

  it('a bad host name: ENOTFOUND from Node, unchanged', () => {
    const ours = thrown(() => connect(80, 'no-such-host.invalid', { timeout: 5000 }));
    const theirs = nodeError((cb) => nodeNet.connect(80, 'no-such-host.invalid').on('error', cb));
    expect([ours.code, ours.syscall, ours.constructor]).toEqual([theirs.code, theirs.syscall, theirs.constructor]);
  });

  it('reset mid-stream: the reader gets ECONNRESET after the data that came first', () => {
    const server = spawn(() => {
      const conn = listener.accept();
      conn.sendall('partial');
      sleep(30);
      conn.nodeSocket.resetAndDestroy();
    });
    const client = connect(port, '127.0.0.1');
    expect(client.recv().toString()).toBe('partial');
    const error = thrown(() => client.recv());
    expect(error.code).toBe('ECONNRESET');
    expect(error.syscall).toBe('read');
    // Later calls keep failing the same way; writing fails too.
    expect(thrown(() => client.recv()).code).toBe('ECONNRESET');
    expect(['ECONNRESET', 'EPIPE']).toContain(thrown(() => client.sendall('x')).code);
    server.join();
    client.close();
  });

  it('writing to a reset connection fails with EPIPE or ECONNRESET', () => {
    const server = spawn(() => listener.accept().nodeSocket.resetAndDestroy());
    const client = connect(port, '127.0.0.1');
    server.join();
    const error = thrown(() => {
      for (let i = 0; i < 100; i++) {
        client.sendall(Buffer.alloc(64 * 1024));
        sleep(5);
      }
    });
    expect(['ECONNRESET', 'EPIPE']).toContain(error.code);
    client.close();
  });

  it('the peer closing while we block in recv ends it with an empty Buffer', () => {
    const server = spawn(() => {
      const conn = listener.accept();
      sleep(30);
      conn.close();
    });
    const client = connect(port, '127.0.0.1');
    const reader = spawn(() => client.recv());
    expect(reader.get().length).toBe(0);
    server.join();
    client.close();
  });

  it('recv, readline and sendall time out with TimeoutError (code ETIMEDOUT) and the socket stays usable', () => {
    let serverConn: Socket | undefined;
    const server = spawn(() => {
      serverConn = listener.accept();
    });
    const client = connect(port, '127.0.0.1', { timeout: 50 });
    server.join();
    expect(client.timeout).toBe(50);
    const recvError = thrown(() => client.recv());
    expect(recvError).toBeInstanceOf(TimeoutError);
    expect(recvError.code).toBe('ETIMEDOUT');
    expect(recvError.message).toMatch(/recv\(\) timed out after 50 ms/);
    expect(thrown(() => client.readline())).toBeInstanceOf(TimeoutError);
    // The peer never reads: sendall of far more than the kernel buffers times out.
    client.settimeout(100);
    expect(thrown(() => client.sendall(Buffer.alloc(64 << 20)))).toBeInstanceOf(TimeoutError);
    serverConn?.sendall('late\n');
    client.settimeout(null);
    expect(client.timeout).toBeUndefined();
    expect(client.readline().toString()).toBe('late\n');
    serverConn?.close();
    client.close();
  });

  it('a tinyevent Timeout interrupts recv and send; the socket stays usable', () => {
    let serverConn: Socket | undefined;
    const server = spawn(() => {
      serverConn = listener.accept();
    });
    const client = connect(port, '127.0.0.1');
    server.join();
    const timeout = new Timeout(30);
    expect(thrown(() => Timeout.run(30, () => client.recv(), timeout))).toBe(timeout);
    expect(thrown(() => Timeout.run(50, () => {
      for (;;) client.send(Buffer.alloc(1 << 20)); // the peer never reads
    }))).toBeInstanceOf(Timeout);
    serverConn?.sendall('still here\n');
    expect(client.readline().toString()).toBe('still here\n');
    serverConn?.close();
    client.close();
  });

  it('accept() times out, and throws EBADF after close', () => {
    listener.settimeout(30);
    expect(thrown(() => listener.accept())).toBeInstanceOf(TimeoutError);
    const waiter = spawn(() => {
      listener.settimeout(null);
      return thrown(() => listener.accept());
    });
    sleep(10);
    listener.close();
    expect(waiter.get().code).toBe('EBADF');
  });

  it('a TLS handshake that never completes times out in connect', () => {
    const silent = spawn(() => {
      const conn = listener.accept(); // plain TCP: never answers the ClientHello
      while (conn.recv().length > 0);
      conn.close();
    });
    const error = thrown(() => connect(port, '127.0.0.1', { timeout: 100, tls: { rejectUnauthorized: false } }));
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error.message).toMatch(/connect to 127\.0\.0\.1:\d+ timed out after 100 ms/);
    silent.join();
  });

  it('calls on a closed socket throw EBADF; a greenlet blocked on it is woken with EBADF', () => {
    const server = spawn(() => {
      const conn = listener.accept();
      sleep(100);
      conn.close();
    });
    const client = connect(port, '127.0.0.1');
    const reader = spawn(() => thrown(() => client.recv()));
    sleep(10);
    client.close();
    client.close(); // twice is harmless
    expect(reader.get().code).toBe('EBADF');
    expect(thrown(() => client.sendall('x')).code).toBe('EBADF');
    expect(thrown(() => client.recv()).code).toBe('EBADF');
    expect(client.closed).toBe(true);
    server.join();
  });

  it('two greenlets reading one socket: the second gets ConcurrentUseError', () => {
    const server = spawn(() => {
      const conn = listener.accept();
      sleep(30);
      conn.sendall('x');
      conn.close();
    });
    const client = connect(port, '127.0.0.1');
    const first = spawn(() => client.recv());
    const second = spawn(() => thrown(() => client.recv()));
    expect(second.get()).toBeInstanceOf(ConcurrentUseError);
    expect(first.get().toString()).toBe('x');
    server.join();
    client.close();
  });

  it('killing a greenlet blocked in recv leaves the socket usable', () => {
    let serverConn: Socket | undefined;
    const server = spawn(() => {
      serverConn = listener.accept();
    });
    const client = connect(port, '127.0.0.1');
    server.join();
    const reader = spawn(() => client.recv());
    sleep(10);
    reader.kill();
    expect(reader.value).toBeInstanceOf(GreenletExit);
    serverConn?.sendall('after');
    expect(client.recv().toString()).toBe('after');
    serverConn?.close();
    client.close();
  });

  it('a slow reader applies backpressure: the writer blocks in sendall, memory stays bounded', () => {
    const total = 32 << 20;
    let written = 0;
    const writer = spawn(() => {
      const conn = listener.accept();
      const chunk = Buffer.alloc(1 << 20, 7);
      while (written < total) {
        conn.sendall(chunk);
        written += chunk.length;
      }
      conn.close();
    });
    const client = connect(port, '127.0.0.1');
    sleep(100); // nobody reads: the writer must be stuck far below the total
    expect(written).toBeLessThan(total / 2);
    let got = 0;
    for (let data = client.recv(1 << 20); data.length > 0; data = client.recv(1 << 20)) got += data.length;
    expect(got).toBe(total);
    writer.join();
    client.close();
  });

  it('rejects bad arguments with TypeError / RangeError', () => {
    expect(() => connect('80' as unknown as number)).toThrow(TypeError);
    expect(() => connect(70000)).toThrow(RangeError);
    expect(() => connect(port, '127.0.0.1', { timeout: -1 })).toThrow(RangeError);
    const server = spawn(() => listener.accept().close());
    const client = connect(port, '127.0.0.1');
    expect(() => client.recv(0)).toThrow(RangeError);
    expect(() => client.sendall(42 as unknown as string)).toThrow(TypeError);
    expect(() => client.settimeout(-5)).toThrow(RangeError);
    server.join();
    client.close();
  });
});

describe('other transports', () => {
  it('Unix domain sockets', () => {
    const file = path.join(os.tmpdir(), `tinyevent-${process.pid}.sock`);
    const unix = listen({ path: file });
    expect(unix.address()).toBe(file);
    const server = spawn(() => {
      const conn = unix.accept();
      conn.sendall(conn.readline());
      conn.close();
    });
    const client = connect({ path: file });
    client.sendall('over unix\n');
    expect(client.readline().toString()).toBe('over unix\n');
    server.join();
    client.close();
    unix.close();
  });

  it('IPv6 loopback', () => {
    const v6 = listen(0, '::1');
    const server = spawn(() => {
      const conn = v6.accept();
      conn.sendall(conn.remoteAddress ?? '');
      conn.close();
    });
    const client = connect((v6.address() as nodeNet.AddressInfo).port, '::1');
    expect(client.recv().toString()).toBe('::1');
    server.join();
    client.close();
    v6.close();
  });

  it('TLS listener and TLS client', () => {
    const { key, cert } = selfSigned();
    const secure = listen({ port: 0, host: '127.0.0.1', tls: { key, cert } });
    const server = spawn(() => {
      const conn = secure.accept();
      conn.sendall(Buffer.concat([Buffer.from('tls '), conn.readline()]));
      conn.close();
    });
    const client = connect((secure.address() as nodeNet.AddressInfo).port, 'localhost', { tls: { ca: cert } });
    client.sendall('hello\n');
    expect(client.readline().toString()).toBe('tls hello\n');
    server.join();
    client.close();
    secure.close();
  });

  it('a TLS client refuses an untrusted certificate with Node\'s error', () => {
    const { key, cert } = selfSigned();
    const secure = listen({ port: 0, host: '127.0.0.1', tls: { key, cert } });
    const error = thrown(() => connect((secure.address() as nodeNet.AddressInfo).port, 'localhost', { tls: true }));
    expect(error.code).toBe('DEPTH_ZERO_SELF_SIGNED_CERT');
    secure.close();
  });

  it('listen on a port in use: EADDRINUSE, unchanged', () => {
    const error = thrown(() => listen(port, '127.0.0.1'));
    expect(error.code).toBe('EADDRINUSE');
    expect(error.syscall).toBe('listen');
  });
});

describe('gethostbyname', () => {
  it('resolves localhost and passes IPv4 literals through', () => {
    expect(gethostbyname('localhost')).toBe('127.0.0.1');
    expect(gethostbyname('127.0.0.1')).toBe('127.0.0.1');
  });

  it('throws Node\'s resolver error unchanged, in the calling greenlet only', () => {
    const ticks: number[] = [];
    const ticker = spawn(() => {
      for (let i = 0; i < 3; i++) {
        ticks.push(i);
        sleep(1);
      }
    });
    const resolver = spawn(() => thrown(() => gethostbyname('no-such-host.invalid')));
    joinall([ticker, resolver]);
    const theirs = nodeError((cb) => void require('node:dns').lookup('no-such-host.invalid', { family: 4 }, cb));
    const ours = resolver.value as NodeJS.ErrnoException;
    expect([ours.code, ours.syscall, ours.constructor]).toEqual([theirs.code, theirs.syscall, theirs.constructor]);
    expect(ticks).toEqual([0, 1, 2]);
    expect(() => gethostbyname(5 as unknown as string)).toThrow(TypeError);
  });
});
