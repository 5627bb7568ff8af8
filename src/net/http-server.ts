// http.createServer(): Node's http.Server, with each request handled in its
// own greenlet (bounded by an optional pool) so handlers may block.
import * as http from 'node:http';
import * as net from 'node:net';

import { checkFunction, checkOptions, checkTimeout, describeValue, GreenletExit } from '../core/errors';
import { errorMsg, OK, valueMsg } from '../core/fiber';
import { checkPool, Dispatcher, PoolOption } from './dispatch';
import { bindServer } from './listener';
import { checkHost, checkPort } from './target';
import { waitIo } from './wait';

/** Node's IncomingMessage plus body(): the whole request body, blocking the handler's greenlet. */
export interface Request extends http.IncomingMessage {
  body(): Buffer;
}

export type RequestHandler = (req: Request, res: http.ServerResponse) => void;

export interface ServerOptions extends http.ServerOptions {
  /** Bounds how many handlers run at once: a Pool, or a number (default: no bound). */
  pool?: PoolOption;
  /** A request body larger than this makes req.body() fail and the response a 413 (default 16 MiB). */
  maxBodyBytes?: number;
  /** Time allowed to receive the request headers, ms (default 20 s; Node's is 60 s). */
  headersTimeout?: number;
  /** Time allowed to receive the whole request, ms (default 60 s; Node's is 300 s). */
  requestTimeout?: number;
  /** How long an idle keep-alive connection stays open, ms (default 5 s, as Node). */
  keepAliveTimeout?: number;
  /** How often the header and request timeouts are checked, ms (default 1 s; Node's is 30 s). */
  connectionsCheckingInterval?: number;
}

/** An error a handler (or req.body()) throws to answer with that status instead of 500. */
export class HttpError extends Error {
  readonly status: number;
  constructor(status: number, message = http.STATUS_CODES[status] ?? 'Error') {
    // Node sends statuses 100 to 999 only: anything else would leave the client unanswered.
    if (typeof status !== 'number') throw new TypeError(`status must be a number, got ${describeValue(status)}`);
    if (!Number.isInteger(status) || status < 100 || status > 999) {
      throw new RangeError(`status must be an integer from 100 to 999, got ${status}`);
    }
    super(String(message));
    this.name = 'HttpError';
    this.status = status;
  }
}

const DEFAULT_MAX_BODY = 16 * 1024 * 1024;
const dispatchers = new WeakMap<http.Server, Dispatcher>();

function readBody(req: http.IncomingMessage, maxBytes: number): Buffer {
  if (req.readableEnded) return Buffer.alloc(0);
  return waitIo('req.body()', undefined, (wake) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > maxBytes) {
        wake(errorMsg(new HttpError(413, `request body larger than ${maxBytes} bytes`)));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => void wake(valueMsg(Buffer.concat(chunks, size)));
    const onError = (error: Error): void => void wake(errorMsg(error));
    const onClose = (): void => {
      if (!req.complete) wake(errorMsg(Object.assign(new Error('the client closed the connection before the request body ended'), { code: 'ECONNRESET' })));
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
    return () => {
      req.removeListener('data', onData);
      req.removeListener('end', onEnd);
      req.removeListener('error', onError);
      req.removeListener('close', onClose);
    };
  }) as Buffer;
}

function answerError(res: http.ServerResponse, error: unknown): void {
  if (res.headersSent || res.destroyed || error instanceof GreenletExit) {
    res.destroy();
    return;
  }
  const status = error instanceof HttpError ? error.status : 500;
  try {
    sendError(res, status);
  } catch {
    // Whatever was thrown (a subclass with a status Node refuses), the client gets an answer.
    if (res.headersSent) res.destroy();
    else sendError(res, 500);
  }
}

function sendError(res: http.ServerResponse, status: number): void {
  const text = `${http.STATUS_CODES[status] ?? 'Error'}\n`;
  // A failed request may leave its body unread: close rather than parse what follows.
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(text), connection: 'close' });
  res.end(text);
}

/**
 * Node's IncomingMessage (or the class given as the IncomingMessage option)
 * with body() on its prototype: nothing to add to each request.
 */
function requestClass(base: typeof http.IncomingMessage, maxBody: number): typeof http.IncomingMessage {
  return class IncomingMessage extends base implements Request {
    #body: Buffer | undefined;
    body(): Buffer {
      return (this.#body ??= readBody(this, maxBody));
    }
  };
}

/** One request, for the Dispatcher: run() handles it in its greenlet, cancel() drops it. */
class RequestJob {
  readonly #handler: RequestHandler;
  readonly #req: Request;
  readonly #res: http.ServerResponse;
  constructor(handler: RequestHandler, req: Request, res: http.ServerResponse) {
    this.#handler = handler;
    this.#req = req;
    this.#res = res;
  }

  run(): void {
    const res = this.#res;
    try {
      this.#handler(this.#req, res);
    } catch (error) {
      answerError(res, error);
      if (!(error instanceof HttpError)) throw error; // the greenlet's error report
    }
  }

  cancel(): void {
    this.#res.destroy();
  }
}

/**
 * Node's http.createServer, where `handler(req, res)` runs in its own greenlet
 * per request and may block. A throwing handler gets a 500 (if nothing was
 * sent yet) and gevent's error report; the server goes on.
 */
export function createServer(handler: RequestHandler, options: ServerOptions = {}): http.Server {
  checkFunction(handler, 'handler');
  const { pool, maxBodyBytes, ...nodeOptions } = checkOptions(options, 'options') as ServerOptions;
  const dispatcher = new Dispatcher(checkPool(pool));
  if (maxBodyBytes !== undefined && (typeof maxBodyBytes !== 'number' || !(maxBodyBytes >= 0))) {
    throw new TypeError(`maxBodyBytes must be a non-negative number, got ${describeValue(maxBodyBytes)}`);
  }
  const maxBody = maxBodyBytes ?? DEFAULT_MAX_BODY;
  const requestTimeout = checkTimeout(nodeOptions.requestTimeout, 'requestTimeout') ?? 60_000;
  const server = http.createServer({
    ...nodeOptions,
    IncomingMessage: requestClass(nodeOptions.IncomingMessage ?? http.IncomingMessage, maxBody),
    // Node wants headersTimeout <= requestTimeout: the default follows a shorter requestTimeout, as Node's does.
    headersTimeout: checkTimeout(nodeOptions.headersTimeout, 'headersTimeout') ?? (requestTimeout > 0 ? Math.min(20_000, requestTimeout) : 20_000),
    requestTimeout,
    keepAliveTimeout: checkTimeout(nodeOptions.keepAliveTimeout, 'keepAliveTimeout') ?? 5_000,
    connectionsCheckingInterval: checkTimeout(nodeOptions.connectionsCheckingInterval, 'connectionsCheckingInterval') ?? 1_000,
  });
  server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    dispatcher.submit(new RequestJob(handler, req as Request, res));
  });
  dispatchers.set(server, dispatcher);
  return server;
}

function checkServer(server: unknown, what: string): void {
  const ok = server instanceof net.Server && (what === 'listen' || typeof (server as http.Server).closeAllConnections === 'function');
  if (!ok) throw new TypeError(`http.${what}() takes a server from http.createServer(), got ${describeValue(server)}`);
}

/**
 * Starts `server` listening and blocks the calling greenlet until it listens
 * (Node's listen() is asynchronous); returns its address. Errors such as
 * EADDRINUSE are thrown unchanged.
 */
export function listen(server: net.Server, port = 0, host?: string): net.AddressInfo | string {
  checkServer(server, 'listen');
  bindServer(server, { port: checkPort(port), host: checkHost(host) });
  return server.address() as net.AddressInfo | string;
}

/**
 * Closes `server` and blocks until it is closed: stops accepting, closes idle
 * keep-alive connections, waits up to `timeout` ms (default 1000) for running
 * handlers, then kills those left and drops every connection.
 */
export function close(server: http.Server, options: { timeout?: number | null } = {}): void {
  checkServer(server, 'close');
  const timeout = checkTimeout(checkOptions(options, 'options').timeout);
  // Callbacks, not a promise: close() may be called where promises cannot settle (inside a microtask).
  let closed = !server.listening;
  let wakeClosed: ((msg: typeof OK) => void) | undefined;
  if (!closed) {
    server.close(() => {
      closed = true;
      wakeClosed?.(OK);
    });
  }
  server.closeIdleConnections();
  dispatchers.get(server)?.stop({ timeout: timeout ?? 1000 });
  server.closeAllConnections();
  while (!closed) {
    waitIo('http close()', undefined, (wake) => {
      wakeClosed = wake;
      return () => {
        wakeClosed = undefined;
      };
    });
  }
}
