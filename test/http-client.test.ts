import * as nodeHttp from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { joinall, sleep, spawn } from '../src/index';
import { request, TimeoutError } from '../src/http';
import { resources, selfSigned, settle, thrown } from './net-util';

// A plain Node server (callbacks only) so the client is tested on its own.
let inFlight = 0;
let peak = 0;
const server = nodeHttp.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const url = new URL(req.url ?? '/', 'http://x');
    const body = Buffer.concat(chunks).toString();
    switch (url.pathname) {
      case '/json':
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ method: req.method, body, header: req.headers['x-test'] ?? null, port: req.socket.remotePort }));
        return;
      case '/slow':
        inFlight++;
        peak = Math.max(peak, inFlight);
        setTimeout(() => {
          inFlight--;
          res.end('slow');
        }, Number(url.searchParams.get('ms') ?? 50));
        return;
      case '/redirect':
        res.writeHead(Number(url.searchParams.get('code') ?? 302), { location: '/json' });
        res.end('moved');
        return;
      case '/loop':
        res.writeHead(302, { location: '/loop' });
        res.end();
        return;
      case '/reset':
        res.writeHead(200, { 'content-length': 100 });
        res.write('partial');
        setTimeout(() => req.socket.resetAndDestroy(), 10);
        return;
      case '/big':
        res.end(Buffer.alloc(1 << 20));
        return;
      default:
        res.statusCode = 404;
        res.end('not found');
    }
  });
});
let base: string;
let before: Record<string, number>;

beforeAll(() => {
  let ready = false;
  server.listen(0, '127.0.0.1', () => (ready = true));
  while (!ready) sleep(1);
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.close();
  server.closeAllConnections();
});
beforeEach(() => {
  before = resources();
});
afterEach(() => {
  server.closeIdleConnections();
  expect(settle(before)).toEqual({});
});

describe('http.request', () => {
  it('GET: status, headers, body, text(), json()', () => {
    const res = request(`${base}/json`, { headers: { 'x-test': 'yes' } });
    expect(res.status).toBe(200);
    expect(res.statusText).toBe('OK');
    expect(res.headers['content-type']).toBe('application/json');
    expect(Buffer.isBuffer(res.body)).toBe(true);
    expect(res.json()).toMatchObject({ method: 'GET', body: '', header: 'yes' });
    expect(JSON.parse(res.text())).toEqual(res.json());
    expect(request(`${base}/nothing`).status).toBe(404);
  });

  it('POST with a string or Buffer body', () => {
    expect(request(`${base}/json`, { method: 'post', body: 'hello' }).json()).toMatchObject({ method: 'POST', body: 'hello' });
    expect(request(new URL(`${base}/json`), { method: 'PUT', body: Buffer.from('bytes') }).json()).toMatchObject({ method: 'PUT', body: 'bytes' });
  });

  it('reuses connections (keep-alive)', () => {
    const first = request(`${base}/json`).json() as { port: number };
    const second = request(`${base}/json`).json() as { port: number };
    expect(second.port).toBe(first.port);
  });

  it('blocks only the calling greenlet: requests run concurrently', () => {
    peak = 0;
    const greenlets = Array.from({ length: 20 }, () => spawn(() => request(`${base}/slow?ms=100`).text()));
    joinall(greenlets, { raiseError: true });
    expect(greenlets.map((g) => g.value)).toEqual(new Array(20).fill('slow'));
    expect(peak).toBe(20);
  });

  it('redirects are off by default; maxRedirects follows them (303 becomes GET)', () => {
    const plain = request(`${base}/redirect`);
    expect(plain.status).toBe(302);
    expect(plain.headers.location).toBe('/json');
    const followed = request(`${base}/redirect?code=303`, { method: 'POST', body: 'x', maxRedirects: 3 });
    expect(followed.status).toBe(200);
    expect(followed.url).toBe(`${base}/json`);
    expect(followed.json()).toMatchObject({ method: 'GET', body: '' });
    const kept = request(`${base}/redirect?code=307`, { method: 'POST', body: 'y', maxRedirects: 1 });
    expect(kept.json()).toMatchObject({ method: 'POST', body: 'y' });
    expect(request(`${base}/loop`, { maxRedirects: 2 }).status).toBe(302);
  });

  it('a timeout throws TimeoutError (code ETIMEDOUT) naming the request; the server keeps serving', () => {
    const error = thrown(() => request(`${base}/slow?ms=500`, { timeout: 50 }));
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error.code).toBe('ETIMEDOUT');
    expect(error.message).toBe(`http.request GET ${base}/slow?ms=500 timed out after 50 ms`);
    expect(request(`${base}/json`, { timeout: 5000 }).status).toBe(200);
    sleep(500); // let the abandoned response finish on the server
  });

  it('connection refused: Node\'s error, unchanged', () => {
    const closed = nodeHttp.createServer();
    let port = 0;
    closed.listen(0, '127.0.0.1', () => {
      port = (closed.address() as AddressInfo).port;
      closed.close();
    });
    while (port === 0) sleep(1);
    sleep(10);
    const error = thrown(() => request(`http://127.0.0.1:${port}/`));
    expect(error.code).toBe('ECONNREFUSED');
    expect(error.syscall).toBe('connect');
    expect(error.constructor).toBe(Error);
  });

  it('a connection reset mid-response is an error', () => {
    const error = thrown(() => request(`${base}/reset`));
    expect(error.code).toBe('ECONNRESET');
  });

  it('maxBodyBytes bounds what is buffered', () => {
    const error = thrown(() => request(`${base}/big`, { maxBodyBytes: 1000 }));
    expect(error).toBeInstanceOf(RangeError);
    expect(error.code).toBe('ERR_BODY_TOO_LARGE');
    expect(request(`${base}/big`).body.length).toBe(1 << 20);
  });

  it('killing the greenlet aborts its request', () => {
    const greenlet = spawn(() => request(`${base}/slow?ms=300`));
    sleep(30);
    greenlet.kill();
    expect(greenlet.dead).toBe(true);
    sleep(350);
  });

  it('https with a trusted CA, and Node\'s error for an untrusted certificate', () => {
    const { key, cert } = selfSigned();
    const secure = https.createServer({ key, cert }, (req, res) => res.end(`secure ${req.url}`));
    let port = 0;
    secure.listen(0, '127.0.0.1', () => (port = (secure.address() as AddressInfo).port));
    while (port === 0) sleep(1);
    expect(request(`https://localhost:${port}/x`, { tls: { ca: cert } }).text()).toBe('secure /x');
    expect(thrown(() => request(`https://localhost:${port}/x`)).code).toBe('DEPTH_ZERO_SELF_SIGNED_CERT');
    secure.close();
    secure.closeAllConnections();
  });

  it('rejects bad arguments', () => {
    expect(() => request('ftp://example/')).toThrow(TypeError);
    expect(() => request('not a url')).toThrow(TypeError);
    expect(() => request(`${base}/`, { body: 42 as unknown as string })).toThrow(TypeError);
    expect(() => request(`${base}/`, { timeout: -1 })).toThrow(RangeError);
    expect(() => request(`${base}/`, { maxRedirects: 1.5 })).toThrow(RangeError);
  });
});
