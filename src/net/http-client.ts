// http.request(): a whole HTTP exchange that blocks only the calling greenlet,
// on Node's http/https with keep-alive agents.
import * as http from 'node:http';
import * as https from 'node:https';

import { checkCount, checkOptions, checkTimeout, describeValue } from '../core/errors';
import { errorMsg, valueMsg } from '../core/fiber';
import { TimeoutError } from './errors';
import { waitIo } from './wait';

/** Connections are kept alive and reused between requests (idle ones do not keep the process alive). */
export const agents = {
  http: new http.Agent({ keepAlive: true }),
  https: new https.Agent({ keepAlive: true }),
};

export interface RequestOptions {
  method?: string;
  headers?: http.OutgoingHttpHeaders;
  body?: string | Uint8Array;
  /** For the whole exchange, redirects included, in ms; past it a TimeoutError is thrown. */
  timeout?: number | null;
  /** How many redirects (301, 302, 303, 307, 308) to follow; default 0: the 3xx response is returned. */
  maxRedirects?: number;
  /** A response body larger than this fails with an error (default 64 MiB). */
  maxBodyBytes?: number;
  /** Node's agent to use; false for a new connection each time. Default: tinyevent's keep-alive agents. */
  agent?: http.Agent | false;
  /** TLS options for https (ca, rejectUnauthorized, cert, key, servername). */
  tls?: https.RequestOptions;
}

export interface Response {
  status: number;
  statusText: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  /** The URL that answered (after redirects). */
  url: string;
  text(): string;
  json(): unknown;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const DEFAULT_MAX_BODY = 64 * 1024 * 1024;

function toBody(body: unknown): Buffer | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string') return Buffer.from(body);
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  throw new TypeError(`body must be a string, Buffer or Uint8Array, got ${describeValue(body)}`);
}

function makeResponse(res: http.IncomingMessage, body: Buffer, url: string): Response {
  return {
    status: res.statusCode ?? 0,
    statusText: res.statusMessage ?? '',
    headers: res.headers,
    body,
    url,
    text: () => body.toString('utf8'),
    json: () => JSON.parse(body.toString('utf8')) as unknown,
  };
}

function bodyTooLarge(url: string, max: number): Error {
  const error = new RangeError(`the response body of ${url} is larger than maxBodyBytes (${max})`);
  return Object.assign(error, { code: 'ERR_BODY_TOO_LARGE' });
}

/** One request/response, no redirects. Throws Node's errors unchanged. */
function exchange(url: URL, method: string, headers: http.OutgoingHttpHeaders, body: Buffer | undefined, opts: RequestOptions, timeout: number | undefined, maxBody: number): Response {
  const secure = url.protocol === 'https:';
  const agent = opts.agent === undefined ? (secure ? agents.https : agents.http) : opts.agent;
  const label = `http.request ${method} ${url.href}`;
  return waitIo(label, timeout, (wake) => {
    let req: http.ClientRequest | undefined;
    let done = false;
    const fail = (error: unknown): void => {
      done = true;
      wake(errorMsg(error));
    };
    const onResponse = (res: http.IncomingMessage): void => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxBody) {
          fail(bodyTooLarge(url.href, maxBody));
          res.destroy();
          return;
        }
        chunks.push(chunk);
      });
      res.on('end', () => {
        done = true;
        wake(valueMsg(makeResponse(res, Buffer.concat(chunks, size), url.href)));
      });
      res.on('error', fail);
      res.on('aborted', () => fail(Object.assign(new Error('the server closed the connection before the response ended'), { code: 'ECONNRESET' })));
    };
    const options: https.RequestOptions = { ...(secure ? opts.tls : undefined), method, headers, agent };
    req = (secure ? https : http).request(url, options, onResponse);
    req.on('error', fail);
    req.end(body);
    return () => {
      if (!done) req?.destroy(); // killed or timed out: drop the exchange
      req = undefined;
    };
  }) as Response;
}

/**
 * Sends an HTTP(S) request and returns the whole response, blocking only the
 * calling greenlet. Node's errors (ECONNREFUSED, ECONNRESET, ...) are thrown
 * unchanged; past `timeout` a TimeoutError (code 'ETIMEDOUT') is thrown.
 */
export function request(url: string | URL, options: RequestOptions = {}): Response {
  const opts = checkOptions(options, 'options') as RequestOptions;
  let target = new URL(url);
  if (target.protocol !== 'http:' && target.protocol !== 'https:') throw new TypeError(`url must be http: or https:, got ${JSON.stringify(target.href)}`);
  if (opts.method !== undefined && typeof opts.method !== 'string') throw new TypeError(`method must be a string, got ${describeValue(opts.method)}`);
  let method = (opts.method ?? 'GET').toUpperCase();
  let body = toBody(opts.body);
  const headers: http.OutgoingHttpHeaders = { ...opts.headers };
  const timeout = checkTimeout(opts.timeout);
  const maxRedirects = checkCount(opts.maxRedirects, 'maxRedirects') ?? 0;
  const maxBody = checkCount(opts.maxBodyBytes, 'maxBodyBytes') ?? DEFAULT_MAX_BODY;
  const deadline = timeout === undefined ? undefined : Date.now() + timeout;
  for (let redirects = 0; ; redirects++) {
    const left = deadline === undefined ? undefined : Math.max(0, deadline - Date.now());
    let response: Response;
    try {
      response = exchange(target, method, headers, body, opts, left, maxBody);
    } catch (error) {
      if (error instanceof TimeoutError) throw new TimeoutError(`http.request ${method} ${target.href} timed out after ${timeout} ms`);
      throw error;
    }
    const location = response.headers.location;
    if (redirects >= maxRedirects || !REDIRECTS.has(response.status) || location === undefined) return response;
    const next = new URL(location, target);
    if (next.origin !== target.origin) {
      delete headers.authorization; // credentials stay with the origin they were meant for
      delete headers.cookie;
    }
    target = next;
    if (response.status === 303 || ((response.status === 301 || response.status === 302) && method === 'POST')) {
      method = 'GET';
      body = undefined;
      delete headers['content-type'];
      delete headers['content-length'];
    }
  }
}
