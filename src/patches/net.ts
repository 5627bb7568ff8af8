// net: the synchronous HTTP wrappers people already call run in-process on the
// Hub, blocking only the calling greenlet, instead of a child process per call.
//
// How: a package hook (modhook.ts) swaps the entry file's exports.
// - sync-fetch (index.js): the real module loads; its exported function is
//   replaced by one that does in-process what its worker.js does in a child
//   (node-fetch, the same serialisation round trip), and builds the result
//   with sync-fetch's own deserializeResponse / deserializeError, so the
//   Response, Headers and FetchError objects are its own classes.
// - sync-request (lib/index.js): replaced before it loads (loading it starts
//   sync-rpc's server process); requests go through then-request in-process,
//   as its worker does, and come back as its http-response-object Response.
//   The real module is loaded only if a call must fall back to it.
// Calls that cannot yield (see cooperate.ts) use the real packages.
import Module, { createRequire } from 'node:module';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

import { awaitPromise, cooperative } from './cooperate';
import { addHook, brand, entrySuffix, PackageHook, removeHook, requireReal } from './modhook';
import { isTargetPatched, markPatched } from './registry';

type Fn = (...args: unknown[]) => unknown;
type Ctor = new (...args: unknown[]) => unknown;
// node-fetch 3 is an ES module. tsc turns import() into require(), and a
// `new Function` import has no loader behind it under vm-based runners; a
// module compiled by Node's own CommonJS loader always has one.
let importer: ((specifier: string) => Promise<Record<string, unknown>>) | undefined;
function importModule(specifier: string): Promise<Record<string, unknown>> {
  if (importer === undefined) {
    const filename = path.join(__dirname, 'tinyevent-esm-import.js');
    const helper = new Module(filename) as Module & { _compile(code: string, filename: string): void; filename: string; paths: string[] };
    helper.filename = filename;
    helper.paths = [];
    helper._compile('module.exports = (specifier) => import(specifier);', filename);
    importer = helper.exports as (specifier: string) => Promise<Record<string, unknown>>;
  }
  return importer(specifier);
}

// ---------------------------------------------------------------- sync-fetch

interface FetchParts {
  serializeRequest: (request: unknown) => [string, Record<string, unknown>];
  deserializeResponse: (...parts: unknown[]) => unknown;
  deserializeError: (...parts: unknown[]) => Error;
  nodeFetch: () => Promise<Record<string, unknown>>;
}

function fetchParts(filename: string): FetchParts {
  const req = createRequire(filename);
  let loaded: Promise<Record<string, unknown>> | undefined;
  const nodeFetchUrl = pathToFileURL(req.resolve('node-fetch')).href;
  return {
    serializeRequest: (req('./src/request.js') as Pick<FetchParts, 'serializeRequest'>).serializeRequest,
    deserializeResponse: (req('./src/response.js') as Pick<FetchParts, 'deserializeResponse'>).deserializeResponse,
    deserializeError: (req('./src/error.js') as Pick<FetchParts, 'deserializeError'>).deserializeError,
    nodeFetch: () => (loaded ??= importModule(nodeFetchUrl)),
  };
}

type Wire = [number, ...unknown[]];
interface ErrorLike {
  constructor: { name: string };
  message: string;
  type?: string;
  code?: string;
  name?: string;
  cause?: unknown;
}

// worker.js serializeError / respondWithError.
function serializeError(error: ErrorLike): [string, unknown[]] {
  return [error.constructor.name, [error.message, error.type, { code: error.code }]];
}
function errorWire(error: ErrorLike): Wire {
  if (error.cause && error.message === 'fetch failed') return errorWire(error.cause as ErrorLike);
  return [1, serializeError(error)];
}

function timeoutSignal(timeout: unknown): AbortSignal {
  if (!Number.isInteger(timeout)) throw new TypeError('Expected an integer');
  const controller = new AbortController();
  setTimeout(() => controller.abort('timeout'), timeout as number).unref();
  return controller.signal;
}

/** worker.js, in-process: returns the message the worker would print. */
async function fetchWire(parts: FetchParts, message: string): Promise<Wire> {
  const [resource, init] = JSON.parse(message) as [string, Record<string, unknown>];
  let response: { headers: { raw(): unknown }; status: number; statusText: string; redirected: boolean; type: string; url: string; arrayBuffer(): Promise<ArrayBuffer> };
  try {
    const nodeFetch = await parts.nodeFetch();
    const Headers = nodeFetch.Headers as Ctor;
    const Request = nodeFetch.Request as Ctor;
    init.body = init.body ? Buffer.from(init.body as string, 'base64') : undefined;
    init.headers = new Headers(init.headers);
    if (init.timeout) {
      const signal = timeoutSignal(init.timeout);
      init.signal = init.signal ? AbortSignal.any([init.signal as AbortSignal, signal]) : signal;
    }
    response = (await (nodeFetch.default as Fn)(new Request(resource, init), {})) as typeof response;
  } catch (error) {
    const e = error as ErrorLike;
    if (e.name === 'AbortError' && init.signal && (init.signal as AbortSignal).reason === 'timeout') e.type = 'request-timeout';
    return errorWire(e);
  }
  const serialize = (body: string, bodyError?: ErrorLike): Wire => [
    0,
    body,
    { headers: response.headers.raw(), status: response.status, statusText: response.statusText, redirected: response.redirected, type: response.type, url: response.url },
    bodyError ? serializeError(bodyError) : null,
  ];
  try {
    return serialize(Buffer.from(await response.arrayBuffer()).toString('base64'));
  } catch (error) {
    const e = error as ErrorLike;
    if (e.name === 'AbortError' && init.signal && (init.signal as AbortSignal).reason === 'timeout') e.type = 'body-timeout';
    return serialize('', e);
  }
}

function wrapSyncFetch(real: Fn & Record<string, unknown>, filename: string): Fn {
  let parts: FetchParts | undefined;
  const syncFetch = function syncFetch(resource: unknown, init: unknown): unknown {
    if (!cooperative(true)) return real(resource, init);
    parts ??= fetchParts(filename);
    const Request = (syncFetch as unknown as { Request: Ctor }).Request;
    const request = parts.serializeRequest(new Request(resource, init));
    const wire = awaitPromise('sync-fetch', syncFetch, fetchWire(parts, JSON.stringify(request)));
    // The worker's answer crosses a pipe as JSON: keep that round trip, it shapes the values.
    const [status, ...response] = JSON.parse(JSON.stringify(wire)) as Wire;
    if (status === 0) return parts.deserializeResponse(...response);
    throw parts.deserializeError(...(response[0] as unknown[]));
  };
  for (const key of ['Headers', 'FetchError', 'Request', 'Response']) {
    (syncFetch as unknown as Record<string, unknown>)[key] = real[key];
  }
  return brand(syncFetch, real);
}

// ---------------------------------------------------------------- sync-request

interface JsonBuffer {
  stringify(value: unknown): string;
  parse(text: string): unknown;
}
interface RequestWire {
  m: string;
  u: string;
  o?: Record<string, unknown>;
}

function replaceSyncRequest(filename: string): Fn {
  const req = createRequire(filename);
  const GenericResponse = req('http-response-object') as Ctor;
  const formData = req('./FormData') as { FormData: Ctor; getFormDataEntries(form: unknown): { key: string; value: unknown; fileName?: string }[] };
  let thenRequest: { default: Fn; FormData: Ctor } | undefined;
  let json: JsonBuffer | undefined;
  let real: Fn | undefined;
  const request = function request(method: unknown, url: unknown, options?: Record<string, unknown>): unknown {
    if (!cooperative(true)) {
      real ??= requireReal(filename) as Fn;
      return real(method, url, options);
    }
    thenRequest ??= req('then-request') as { default: Fn; FormData: Ctor };
    json ??= createRequire(req.resolve('sync-rpc'))('./json-buffer') as JsonBuffer;
    // lib/index.js: the request message.
    const { form, ...opts } = options || { form: undefined };
    if (form) opts.form = formData.getFormDataEntries(form);
    const message: RequestWire = { m: method as string, u: (url && typeof url === 'object' ? (url as URL).href : url) as string, o: opts };
    // lib/worker.js, on the far side of sync-rpc's JSON wire.
    const wire = json.parse(json.stringify(message)) as RequestWire;
    const { form: entries, ...workerOpts } = wire.o || { form: undefined };
    if (entries) {
      const fd = new thenRequest.FormData() as { append(key: string, value: unknown, fileName?: string): void };
      for (const entry of entries as { key: string; value: unknown; fileName?: string }[]) fd.append(entry.key, entry.value, entry.fileName);
      workerOpts.form = fd;
    }
    type Outcome = { ok: true; value: { s: number; h: unknown; b: unknown; u: string } } | { ok: false; error: ErrorLike };
    const outcome = (thenRequest.default(wire.m, wire.u, workerOpts) as Promise<{ statusCode: number; headers: unknown; body: unknown; url: string }>).then(
      (r): Outcome => ({ ok: true, value: { s: r.statusCode, h: r.headers, b: r.body, u: r.url } }),
      (error: unknown): Outcome => ({ ok: false, error: error as ErrorLike }),
    );
    // A kill or Timeout of this greenlet propagates from here unchanged.
    const settled = awaitPromise('sync-request', request, outcome);
    if (!settled.ok) {
      // sync-rpc's extractValue: only the code and message cross the wire.
      const failure = json.parse(json.stringify({ code: settled.error.code, message: settled.error.message })) as ErrorLike;
      const error = new Error(failure.message) as Error & { code?: string };
      error.code = failure.code;
      throw error;
    }
    const answer = json.parse(json.stringify(settled.value)) as { s: number; h: unknown; b: unknown; u: string };
    return new GenericResponse(answer.s, answer.h, answer.b, answer.u);
  };
  const exported = request as Fn & Record<string, unknown>;
  exported.default = request;
  exported.FormData = formData.FormData;
  return brand(exported);
}

// ---------------------------------------------------------------- the hooks

const hooks: PackageHook[] = [
  { suffix: entrySuffix('sync-fetch', 'index.js'), wrap: (exports, filename) => wrapSyncFetch(exports as Fn & Record<string, unknown>, filename) },
  { suffix: entrySuffix('sync-request', 'lib/index.js'), replace: (filename) => replaceSyncRequest(filename) },
];

/** Hooks sync-fetch and sync-request (when installed); harmless if already patched. */
export function patchNetModule(): void {
  if (isTargetPatched('net')) return;
  for (const hook of hooks) addHook(hook);
  markPatched('net', () => {
    for (const hook of hooks) removeHook(hook);
  });
}
