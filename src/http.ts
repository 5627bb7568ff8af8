// tinyevent/http: blocking-style HTTP client and a greenlet-per-request server.
export { agents, request } from './net/http-client';
export type { RequestOptions, Response } from './net/http-client';
export { close, createServer, HttpError, listen } from './net/http-server';
export type { Request, RequestHandler, ServerOptions } from './net/http-server';
export { TimeoutError } from './net/errors';
