import { execFileSync } from 'node:child_process';
import * as nodeHttp from 'node:http';
import * as nodeNet from 'node:net';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { Event, joinall, setErrorHandler, sleep, spawn } from '../src/index';
import { close, createServer, HttpError, listen, request } from '../src/http';
import type { RequestHandler, ServerOptions } from '../src/http';
import { block, Wake } from '../src/core/block';
import { OK } from '../src/core/fiber';
import { connect } from '../src/net';
import { resources, settle } from './net-util';

let before: Record<string, number>;
let failures: unknown[];
let servers: nodeHttp.Server[];

beforeEach(() => {
  before = resources();
  failures = [];
  servers = [];
  setErrorHandler((error) => void failures.push(error));
});
afterEach(() => {
  for (const server of servers) close(server);
  setErrorHandler(null);
  expect(settle(before)).toEqual({});
});

function serve(handler: RequestHandler, options?: ServerOptions): { server: nodeHttp.Server; base: string; port: number } {
  const server = createServer(handler, options);
  servers.push(server);
  const address = listen(server, 0, '127.0.0.1') as nodeNet.AddressInfo;
  return { server, base: `http://127.0.0.1:${address.port}`, port: address.port };
}

/** Sends raw bytes on a new connection and returns everything the server sends until it closes. */
function raw(port: number, data: string, options: { wait?: number } = {}): string {
  const socket = connect(port, '127.0.0.1', { timeout: 5000 });
  try {
    socket.sendall(data);
    if (options.wait) sleep(options.wait);
    let out = '';
    try {
      for (let chunk = socket.recv(); chunk.length > 0; chunk = socket.recv()) out += chunk.toString();
    } catch (error) {
      // Node 24+ answers a request it refuses (431) and closes with the rest of
      // the request unread, which resets the connection: the answer came first.
      if ((error as NodeJS.ErrnoException).code !== 'ECONNRESET' || out === '') throw error;
    }
    return out;
  } finally {
    socket.close();
  }
}

const hello: RequestHandler = (req, res) => {
  res.setHeader('content-type', 'text/plain');
  res.end(`hello ${req.method} ${req.url}`);
};

describe('http.createServer', () => {
  it('runs each request in its own greenlet; handlers may block', () => {
    let running = 0;
    let peak = 0;
    // Each handler blocks until all ten run at once (a busy machine may spread
    // the requests out); handlers that ran one at a time would time out at 1.
    const allIn = new Event();
    const { base } = serve((req, res) => {
      peak = Math.max(peak, ++running);
      if (running === 10) allIn.set();
      allIn.wait(5_000);
      sleep(10);
      running--;
      res.end(req.url);
    });
    const clients = Array.from({ length: 10 }, (_, i) => spawn(() => request(`${base}/${i}`).text()));
    joinall(clients, { raiseError: true });
    expect(clients.map((g) => g.value)).toEqual(Array.from({ length: 10 }, (_, i) => `/${i}`));
    expect(peak).toBe(10);
  });

  it('req.body() returns the whole body, chunked uploads included', () => {
    const { base, port } = serve((req, res) => {
      const body = req.body();
      expect(req.body()).toBe(body); // cached
      res.end(`${body.length}:${body.toString()}`);
    });
    expect(request(`${base}/`, { method: 'POST', body: 'some body' }).text()).toBe('9:some body');
    const chunked = raw(port, 'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n');
    expect(chunked).toMatch(/^HTTP\/1\.1 200 OK/);
    expect(chunked.endsWith('5:abcde')).toBe(true);
  });

  it('requests are IncomingMessages with body() on their class; the IncomingMessage option is honoured', () => {
    class Tagged extends nodeHttp.IncomingMessage {
      tag(): string {
        return `tagged ${this.method}`;
      }
    }
    const seen: string[] = [];
    const { base } = serve((req, res) => {
      seen.push(String(req instanceof nodeHttp.IncomingMessage), String(Object.hasOwn(req, 'body')));
      res.end(`${(req as unknown as Tagged).tag()} ${req.body().toString()}`);
    }, { IncomingMessage: Tagged });
    expect(request(`${base}/`, { method: 'POST', body: 'abc' }).text()).toBe('tagged POST abc');
    expect(seen).toEqual(['true', 'false']);
    const plain = serve((req, res) => res.end(`${req.constructor === nodeHttp.IncomingMessage} ${req instanceof nodeHttp.IncomingMessage} ${typeof req.body}`));
    expect(request(`${plain.base}/`).text()).toBe('false true function');
  });

  it('a finished handler greenlet, kept by the program, keeps nothing of its request alive', () => {
    // In a child: a WeakRef made inside this test (one long promise job) would keep its target until the job ends.
    const out = execFileSync(process.execPath, ['--expose-gc', path.join(__dirname, 'scripts', 'http-retain.js')], {
      cwd: path.join(__dirname, '..'),
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(JSON.parse(out.trim().split('\n').pop() as string)).toEqual({ kept: 5, alive: 0 });
  });

  it('chunked responses and keep-alive: two requests on one connection', () => {
    const { port } = serve((req, res) => {
      res.write('part one, ');
      sleep(5);
      res.end(`part two of ${req.url}`);
    });
    const answer = raw(port, 'GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    const responses = answer.split('HTTP/1.1 200 OK').slice(1);
    expect(responses).toHaveLength(2);
    expect(responses[0]).toMatch(/Transfer-Encoding: chunked/i);
    expect(responses[0]).toMatch(/part two of \/a/);
    expect(responses[1]).toMatch(/part two of \/b/);
  });

  it('a malformed request gets a 400 and the server goes on', () => {
    const { base, port } = serve(hello);
    expect(raw(port, 'THIS IS NOT HTTP\r\n\r\n')).toMatch(/^HTTP\/1\.1 400 Bad Request/);
    expect(raw(port, 'GET / HTTP/1.1\r\nHost: x\r\nContent-Length: nope\r\n\r\n')).toMatch(/^HTTP\/1\.1 400 Bad Request/);
    expect(request(`${base}/ok`).text()).toBe('hello GET /ok');
    expect(failures).toEqual([]);
  });

  it('oversized headers get a 431', () => {
    const { base, port } = serve(hello);
    expect(raw(port, `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(64 * 1024)}\r\n\r\n`)).toMatch(/^HTTP\/1\.1 431 Request Header Fields Too Large/);
    expect(request(`${base}/ok`).status).toBe(200);
  });

  it('a handler that throws: 500 and the error report; the server goes on', () => {
    const { base } = serve((req, res) => {
      if (req.url === '/boom') throw new Error('handler failed');
      res.end('fine');
    });
    const res = request(`${base}/boom`);
    expect(res.status).toBe(500);
    expect(res.text()).toBe('Internal Server Error\n');
    expect(request(`${base}/next`).text()).toBe('fine');
    expect(failures).toHaveLength(1);
    expect((failures[0] as Error).message).toBe('handler failed');
  });

  it('a handler that throws after sending headers: the connection is dropped', () => {
    const { base } = serve((_req, res) => {
      res.writeHead(200, { 'content-length': 100 });
      res.write('partial');
      throw new Error('late failure');
    });
    expect(() => request(`${base}/`)).toThrow(expect.objectContaining({ code: 'ECONNRESET' }));
    expect(failures).toHaveLength(1);
  });

  it('HttpError answers with its status, without a report; body over maxBodyBytes is a 413', () => {
    const { base } = serve((req, res) => {
      if (req.url === '/forbidden') throw new HttpError(403);
      res.end(String(req.body().length));
    }, { maxBodyBytes: 10 });
    expect(request(`${base}/forbidden`).status).toBe(403);
    expect(request(`${base}/`, { method: 'POST', body: 'short' }).text()).toBe('5');
    const tooBig = request(`${base}/`, { method: 'POST', body: 'x'.repeat(1000) });
    expect(tooBig.status).toBe(413);
    expect(failures).toEqual([]);
  });

  it('a slow client cannot hold a connection: headersTimeout answers 408, others are served meanwhile', () => {
    const { base, port } = serve(hello, { headersTimeout: 200, requestTimeout: 300, connectionsCheckingInterval: 50 });
    const slow = spawn(() => raw(port, 'GET / HTTP/1.1\r\nHost: x\r\n')); // headers never end
    sleep(20);
    expect(request(`${base}/meanwhile`).text()).toBe('hello GET /meanwhile');
    expect(slow.get()).toMatch(/^HTTP\/1\.1 408 Request Timeout/);
  });

  it('a slow upload: requestTimeout ends it, and the handler blocked in req.body() gets an error', () => {
    const outcomes: unknown[] = [];
    const { port } = serve((req, res) => {
      try {
        req.body();
        outcomes.push('body');
      } catch (error) {
        outcomes.push((error as NodeJS.ErrnoException).code);
        throw error;
      }
      res.end();
    }, { headersTimeout: 200, requestTimeout: 300, connectionsCheckingInterval: 50 });
    const answer = raw(port, 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nonly ten b');
    expect(answer).toMatch(/^HTTP\/1\.1 408 Request Timeout/);
    for (let waited = 0; outcomes.length === 0 && waited < 2000; waited += 10) sleep(10);
    expect(outcomes).toEqual(['ECONNRESET']);
    expect(failures).toHaveLength(1);
  });

  it('an idle keep-alive connection is closed after keepAliveTimeout', () => {
    const { port } = serve(hello, { keepAliveTimeout: 100 });
    const answer = raw(port, 'GET / HTTP/1.1\r\nHost: x\r\n\r\n'); // returns when the server closes
    expect(answer).toMatch(/hello GET \//);
  });

  it('pool bounds the handlers running at once', () => {
    let running = 0;
    let peak = 0;
    const { base } = serve((_req, res) => {
      peak = Math.max(peak, ++running);
      sleep(20);
      running--;
      res.end('ok');
    }, { pool: 3 });
    const clients = Array.from({ length: 9 }, () => spawn(() => request(`${base}/`, { agent: false }).text()));
    joinall(clients, { raiseError: true });
    expect(peak).toBe(3);
  });

  it('1,000 concurrent requests', () => {
    const n = 1000;
    let arrived = 0;
    let peak = 0;
    const gate: Wake[] = [];
    const { port } = serve((_req, res) => {
      peak = Math.max(peak, ++arrived);
      if (arrived === n) for (const wake of gate) wake(OK);
      else block('gate', undefined, (wake) => void gate.push(wake)); // every handler is running at once
      res.end('ok');
    });
    let done = 0;
    const errors: unknown[] = [];
    for (let i = 0; i < n; i++) {
      const sock = nodeNet.connect(port, '127.0.0.1', () => sock.write('GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'));
      let text = '';
      sock.on('data', (d) => (text += d.toString()));
      sock.on('close', () => {
        if (text.startsWith('HTTP/1.1 200 OK')) done++;
        else errors.push(text);
      });
      sock.on('error', (error) => errors.push(error));
    }
    for (let waited = 0; done + errors.length < n && waited < 15_000; waited += 10) sleep(10);
    expect(errors).toEqual([]);
    expect(done).toBe(n);
    expect(peak).toBe(n);
  });

  it('close() waits for handlers up to its timeout, then kills them; nothing is left', () => {
    let started = false;
    const server = createServer((_req, res) => {
      started = true;
      sleep(60_000);
      res.end('never');
    });
    const { port } = listen(server, 0, '127.0.0.1') as nodeNet.AddressInfo;
    const client = spawn(() => raw(port, 'GET / HTTP/1.1\r\nHost: x\r\n\r\n'));
    while (!started) sleep(5);
    close(server, { timeout: 50 });
    expect(client.get()).toBe(''); // the connection was dropped
    expect(server.listening).toBe(false);
    expect(failures).toEqual([]);
  });

  it('listen() throws EADDRINUSE unchanged; bad options are rejected', () => {
    const { port } = serve(hello);
    const other = createServer(hello);
    expect(() => listen(other, port, '127.0.0.1')).toThrow(expect.objectContaining({ code: 'EADDRINUSE', syscall: 'listen' }));
    expect(() => createServer('x' as unknown as RequestHandler)).toThrow(TypeError);
    expect(() => createServer(hello, { pool: -1 })).toThrow(RangeError);
    expect(() => createServer(hello, { headersTimeout: -1 })).toThrow(RangeError);
  });
});
