// gevent's StreamServer: listens, and runs handler(socket, address) in a new
// greenlet for each connection, bounded by an optional pool.
import type * as net from 'node:net';
import type * as tls from 'node:tls';

import type { Wake } from '../core/block';
import { checkFunction, checkOptions, describeValue } from '../core/errors';
import { OK } from '../core/fiber';
import { checkPool, Dispatcher, PoolOption } from './dispatch';
import { listen, Listener, ListenTarget } from './listener';
import { checkBacklog, checkEndpoint, checkHost, checkPort } from './target';
import { PeerAddress, Socket } from './socket';
import { waitIo } from './wait';

/** Where to listen: a port, 'host:port', [host, port] (gevent's tuple), { port, host } or { path }, or a Listener already bound. */
export type ServerAddress = number | string | readonly [host: string, port: number] | { port?: number; host?: string; path?: string } | Listener;

export type StreamHandler = (socket: Socket, address: PeerAddress) => void;

export interface StreamServerOptions {
  /** Bounds how many handlers run at once: a Pool, or a number (default: no bound). */
  pool?: PoolOption;
  /** Serve TLS: Node's tls.createServer options (key and cert at least). */
  tls?: tls.TlsOptions;
  backlog?: number;
  /** Timeout given to each connection's socket, in ms (default: none). */
  socketTimeout?: number | null;
}

/** How long stop() waits for running handlers by default (gevent's stop_timeout: 1 s). */
const STOP_TIMEOUT = 1000;

export function parseAddress(address: ServerAddress): ListenTarget | Listener {
  if (address instanceof Listener) return address;
  if (typeof address === 'number') return { port: checkPort(address) };
  if (typeof address === 'string') {
    const match = /^(.*):(\d+)$/.exec(address);
    if (match === null) throw new TypeError(`address must look like "host:port", got ${JSON.stringify(address)}`);
    const host = match[1].replace(/^\[(.*)\]$/, '$1');
    return { port: checkPort(Number(match[2])), host: host === '' ? undefined : host };
  }
  if (Array.isArray(address)) {
    if (address.length !== 2) throw new TypeError(`an address tuple is [host, port], got ${address.length} items`);
    const host = checkHost(address[0]);
    return { port: checkPort(address[1]), host: host === '' ? undefined : host };
  }
  if (typeof address === 'object' && address !== null) {
    const target = checkEndpoint<ListenTarget>(address, [], 'address');
    return { port: target.port, host: target.host, path: target.path };
  }
  throw new TypeError(`address must be a port, "host:port", [host, port], { port, host }, { path } or a Listener, got ${describeValue(address)}`);
}

export class StreamServer {
  readonly #target: ListenTarget | Listener;
  readonly #handler: StreamHandler;
  readonly #dispatcher: Dispatcher;
  readonly #options: StreamServerOptions;
  #listener: Listener | undefined;
  #stopped = false;
  #waiters = new Set<Wake>();

  constructor(address: ServerAddress, handler: StreamHandler, options: StreamServerOptions = {}) {
    checkFunction(handler, 'handler');
    this.#options = checkOptions(options, 'options') as StreamServerOptions;
    this.#target = parseAddress(address);
    checkBacklog(this.#options.backlog);
    this.#handler = handler;
    this.#dispatcher = new Dispatcher(checkPool(this.#options.pool));
  }

  /** Where it listens (Node's AddressInfo or a socket path) once started; before, what it was given. */
  get address(): net.AddressInfo | string | ListenTarget {
    if (this.#listener !== undefined && !this.#listener.closed) return this.#listener.address();
    return this.#target instanceof Listener ? this.#target.address() : { port: this.#target.port, host: this.#target.host, path: this.#target.path };
  }

  /** True between start() and stop(). */
  get started(): boolean {
    return this.#listener !== undefined && !this.#stopped;
  }

  /** Handlers running now. */
  get connections(): number {
    return this.#dispatcher.running;
  }

  /** Binds (blocking until bound; EADDRINUSE and such are thrown) and starts accepting. */
  start(): void {
    if (this.#stopped) throw new Error('this StreamServer was stopped; create a new one');
    if (this.#listener !== undefined) return;
    const opts = this.#options;
    this.#listener =
      this.#target instanceof Listener
        ? this.#target
        : listen({ ...this.#target, tls: opts.tls, backlog: opts.backlog, socketTimeout: opts.socketTimeout });
    this.#listener._setHandler((socket) =>
      this.#dispatcher.submit({
        run: () => this.#handle(socket),
        cancel: () => socket.close(),
      }),
    );
  }

  #handle(socket: Socket): void {
    try {
      this.#handler(socket, socket.peer());
    } finally {
      socket.close();
    }
  }

  /** start(), then block until stop() is called. */
  serveForever(): void {
    this.start();
    while (!this.#stopped) {
      waitIo('StreamServer.serveForever()', undefined, (wake) => {
        this.#waiters.add(wake);
        return () => this.#waiters.delete(wake);
      });
    }
  }

  /**
   * Stops accepting, waits up to `timeout` ms (default 1000) for running
   * handlers, then kills those left (GreenletExit). Blocks the caller.
   */
  stop(options: { timeout?: number | null } = {}): void {
    const opts = checkOptions(options, 'options');
    if (this.#stopped) return;
    this.#stopped = true;
    this.#listener?.close();
    for (const wake of this.#waiters) wake(OK);
    this.#dispatcher.stop({ timeout: opts.timeout === undefined ? STOP_TIMEOUT : (opts.timeout as number | null) });
  }

  close(): void {
    this.stop();
  }

  toString(): string {
    const address = this.address;
    let where: string;
    if (typeof address === 'string') where = address;
    else if ('address' in address) where = `${address.address}:${address.port}`;
    else where = address.path ?? `${address.host ?? ''}:${address.port ?? 0}`;
    return `<StreamServer ${where}>`;
  }
}
