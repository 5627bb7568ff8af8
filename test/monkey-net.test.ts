import childProcess from 'node:child_process';
import * as http from 'node:http';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { getOriginal, isPatched, joinall, patchNet, spawn, unpatchAll } from '../src/index';
import { errorFields, onLoop, startHttpServer } from './monkey-util';

// The root awaits instead of blocking: while the root greenlet blocks, Node's
// nextTick queue runs only once per loop turn, which reorders a socket's
// 'error' and 'close' (ECONNREFUSED would surface as 'socket hang up').
const inGreenlet = <T>(fn: () => T): Promise<T> => spawn(fn).promise;

type Fetch = ((url: string, init?: Record<string, unknown>) => FetchResponse) & { Response: unknown; Headers: unknown; FetchError: unknown; Request: unknown };
interface FetchResponse {
  status: number;
  statusText: string;
  ok: boolean;
  url: string;
  redirected: boolean;
  headers: { raw(): Record<string, string[]>; get(name: string): string | null };
  text(): string;
  json(): unknown;
  buffer(): Buffer;
}
type Request = (method: string, url: string, options?: Record<string, unknown>) => { statusCode: number; headers: Record<string, unknown>; body: Buffer; url: string; getBody(encoding?: string): unknown };

const requireHere = createRequire(__filename);
// Loaded before patching: these are the real packages, for side-by-side runs.
const realFetch = requireHere('sync-fetch') as Fetch;
// The real sync-request starts a sync-rpc server process; catch it to stop it afterwards.
const rpcServers: childProcess.ChildProcess[] = [];
const realRequest = ((): Request => {
  const spawnChild = childProcess.spawn;
  childProcess.spawn = ((...args: Parameters<typeof spawnChild>) => {
    const child = spawnChild(...args);
    rpcServers.push(child);
    return child;
  }) as typeof spawnChild;
  try {
    return requireHere('sync-request') as Request;
  } finally {
    childProcess.spawn = spawnChild;
  }
})();
let server: { url: string; stop: () => void };
// Nothing listens on port 1 (privileged): a reliable ECONNREFUSED.
const closedPort = 1;

beforeAll(async () => {
  server = await startHttpServer();
  patchNet();
});
afterAll(() => {
  unpatchAll();
  server.stop();
  http.globalAgent.destroy(); // idle keep-alive sockets of the in-process clients
  for (const child of rpcServers) child.kill();
});

const dateless = (headers: Record<string, unknown>): Record<string, unknown> => {
  const { date: _date, ...rest } = headers;
  return rest;
};
function fetchView(run: () => FetchResponse): unknown {
  try {
    const r = run();
    const view: Record<string, unknown> = { status: r.status, statusText: r.statusText, ok: r.ok, url: r.url, redirected: r.redirected, headers: dateless(r.headers.raw()) };
    try {
      view.text = r.text();
    } catch (error) {
      view.textError = errorFields(error);
    }
    return view;
  } catch (error) {
    return { error: errorFields(error), class: (error as object).constructor.name };
  }
}

describe('net patch: sync-fetch in-process', () => {
  it('hooks the package (a copy loaded earlier included)', () =>
    onLoop(() => {
      expect(isPatched('net')).toBe(true);
      const patched = requireHere('sync-fetch') as Fetch;
      expect(patched).not.toBe(realFetch);
      expect(patched.Response).toBe(realFetch.Response);
      expect(patched.FetchError).toBe(realFetch.FetchError);
      expect(getOriginal('sync-fetch', 'default')).toBe(realFetch);
    }));

  it('gives the same responses and errors as the real package', async () => {
    {
      const syncFetch = requireHere('sync-fetch') as Fetch;
      const cases: [string, Record<string, unknown>?][] = [
        [`${server.url}/json`],
        [`${server.url}/text`],
        [`${server.url}/status/404`],
        [`${server.url}/redirect`],
        [`${server.url}/redirect`, { redirect: 'manual' }],
        [`${server.url}/echo`, { method: 'POST', body: 'payload', headers: { 'x-test': 'header', 'content-type': 'text/plain' } }],
        [`http://127.0.0.1:${closedPort}/`],
        [`${server.url}/slow?ms=500`, { timeout: 50 }],
        ['not a url'],
      ];
      for (const [url, init] of cases) {
        const plain = fetchView(() => realFetch(url, init));
        const patched = await inGreenlet(() => fetchView(() => syncFetch(url, init)));
        expect(patched, url).toEqual(plain);
      }
      const jsonError = (f: Fetch): unknown => {
        try {
          f(`${server.url}/bad-json`).json();
        } catch (error) {
          return errorFields(error);
        }
        return undefined;
      };
      expect(await inGreenlet(() => jsonError(syncFetch))).toEqual(jsonError(realFetch));
      const response = await inGreenlet(() => syncFetch(`${server.url}/json`));
      expect(response).toBeInstanceOf(realFetch.Response as new () => unknown);
      expect(response.json()).toEqual({ hello: 'world', list: [1, 2, 3] });
      expect(response.headers.get('set-cookie')).toBe('a=1, b=2');
    }
  });

  it('requests from several greenlets overlap', () =>
    onLoop(() => {
      const syncFetch = requireHere('sync-fetch') as Fetch;
      const log: string[] = [];
      const gs = [0, 1, 2, 3].map((i) =>
        spawn(() => {
          log.push(`start ${i}`);
          const body = syncFetch(`${server.url}/slow?ms=200&id=${i}`).json() as { id: string };
          log.push(`end ${body.id}`);
        }),
      );
      joinall(gs);
      expect(log.slice(0, 4)).toEqual(['start 0', 'start 1', 'start 2', 'start 3']);
      expect(log.slice(4).sort()).toEqual(['end 0', 'end 1', 'end 2', 'end 3']);
    }));
});

describe('net patch: sync-request in-process', () => {
  const requestView = (run: () => ReturnType<Request>): unknown => {
    try {
      const r = run();
      let body: unknown;
      try {
        body = r.getBody('utf8');
      } catch (error) {
        body = errorFields(error);
      }
      return { statusCode: r.statusCode, headers: dateless(r.headers), body: r.body.toString('latin1'), isBuffer: Buffer.isBuffer(r.body), url: r.url, getBody: body };
    } catch (error) {
      return { error: errorFields(error) };
    }
  };

  it('gives the same responses and errors as the real package', async () => {
    {
      const request = requireHere('sync-request') as Request & { FormData: new () => { append(k: string, v: string): void } };
      expect(request).not.toBe(realRequest);
      const form = new request.FormData();
      form.append('field', 'value');
      const cases: [string, string, Record<string, unknown>?][] = [
        ['GET', `${server.url}/json`],
        ['GET', `${server.url}/status/500`],
        ['POST', `${server.url}/echo`, { json: { a: 1 }, headers: { 'x-test': 'h' } }],
        ['PUT', `${server.url}/echo`, { body: 'raw body' }],
        ['GET', `${server.url}/echo`, { qs: { q: 'x y' } }],
        ['GET', `${server.url}/redirect`],
        ['GET', `http://127.0.0.1:${closedPort}/`],
      ];
      for (const [method, url, options] of cases) {
        const plain = requestView(() => realRequest(method, url, options));
        const patched = await inGreenlet(() => requestView(() => request(method, url, options)));
        expect(patched, `${method} ${url}`).toEqual(plain);
      }
      const formCase = (r: Request): unknown => JSON.parse(r('POST', `${server.url}/echo`, { form }).getBody('utf8') as string).body.includes('name="field"');
      expect(await inGreenlet(() => formCase(request))).toBe(formCase(realRequest));
    }
  });

  it('requests from several greenlets overlap', () =>
    onLoop(() => {
      const request = requireHere('sync-request') as Request;
      const log: string[] = [];
      const gs = [0, 1, 2].map((i) =>
        spawn(() => {
          log.push(`start ${i}`);
          request('GET', `${server.url}/slow?ms=200&id=${i}`).getBody('utf8');
          log.push(`end ${i}`);
        }),
      );
      joinall(gs);
      expect(log.slice(0, 3)).toEqual(['start 0', 'start 1', 'start 2']);
    }));
});
