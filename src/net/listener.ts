// net.listen(): a listening socket whose accept() blocks the calling greenlet.
import * as net from 'node:net';
import * as tls from 'node:tls';

import type { Wake } from '../core/block';
import { checkOptions, checkTimeout, describeValue } from '../core/errors';
import { errorMsg, OK } from '../core/fiber';
import { Fifo } from '../core/fifo';
import { closedError, ConcurrentUseError } from './errors';
import { Socket } from './socket';
import { checkBacklog, checkEndpoint, toTarget } from './target';
import { waitIo } from './wait';

export interface ListenOptions {
  /** Accept TLS connections: Node's tls.createServer options (key and cert at least). */
  tls?: tls.TlsOptions;
  /** The kernel's queue of connections not yet accepted (Node's backlog, default 511). */
  backlog?: number;
  /** Timeout of accept() in ms (default: none). */
  timeout?: number | null;
  /** Timeout given to each accepted socket (default: none). */
  socketTimeout?: number | null;
  /** Disable Nagle's algorithm on accepted sockets (default true). */
  noDelay?: boolean;
}

export interface ListenTarget extends ListenOptions {
  port?: number;
  host?: string;
  /** A Unix domain socket path instead of port/host. */
  path?: string;
}

export class Listener {
  readonly #server: net.Server;
  #pending = new Fifo<Socket>();
  #waiter: Wake | undefined;
  #closed = false;
  #error: Error | undefined;
  #timeout: number | undefined;
  #socketTimeout: number | undefined;
  #onSocket: ((socket: Socket) => void) | undefined;

  /** @internal Use listen(). */
  constructor(server: net.Server, secure: boolean, options: ListenOptions) {
    if (!(server instanceof net.Server)) throw new TypeError(`Listener wraps a Node net.Server (use net.listen()), got ${describeValue(server)}`);
    options = checkOptions(options, 'options') as ListenOptions;
    this.#server = server;
    this.#timeout = checkTimeout(options.timeout);
    this.#socketTimeout = checkTimeout(options.socketTimeout, 'socketTimeout');
    const noDelay = options.noDelay !== false;
    server.on(secure ? 'secureConnection' : 'connection', (raw: net.Socket) => {
      if (noDelay && raw.remoteFamily !== undefined) raw.setNoDelay(true);
      const socket = new Socket(raw, { timeout: this.#socketTimeout });
      if (this.#closed) {
        socket.close();
      } else if (this.#onSocket !== undefined) {
        this.#onSocket(socket);
      } else {
        this.#pending.push(socket);
        this.#waiter?.(OK);
      }
    });
    // Errors after listen() succeeded (EMFILE on accept, ...) go to the next accept().
    server.on('error', (error: Error) => {
      if (!server.listening) return; // bindServer() reports those
      this.#error = error;
      this.#waiter?.(OK);
    });
  }

  /** The address it listens on (Node's AddressInfo, or the path of a Unix socket). */
  address(): net.AddressInfo | string {
    const address = this.#server.address();
    if (address === null) throw closedError('address()');
    return address;
  }

  /** The Node server underneath. */
  get nodeServer(): net.Server {
    return this.#server;
  }

  get closed(): boolean {
    return this.#closed;
  }

  settimeout(ms: number | null | undefined): void {
    this.#timeout = checkTimeout(ms, 'ms');
  }

  /** Waits for the next connection and returns it as a Socket. */
  accept(): Socket {
    for (;;) {
      const socket = this.#pending.shift();
      if (socket !== undefined) return socket;
      if (this.#closed) throw closedError('accept()');
      const error = this.#error;
      this.#error = undefined;
      if (error !== undefined) throw error;
      if (this.#waiter !== undefined) throw new ConcurrentUseError('another greenlet is already accepting on this listener');
      waitIo('accept()', this.#timeout, (wake) => {
        this.#waiter = wake;
        return () => {
          this.#waiter = undefined;
        };
      });
    }
  }

  /** @internal Hands every new connection to `onSocket` on the Hub instead of queueing it for accept(). */
  _setHandler(onSocket: (socket: Socket) => void): void {
    this.#onSocket = onSocket;
    for (let socket = this.#pending.shift(); socket !== undefined; socket = this.#pending.shift()) onSocket(socket);
  }

  /** Stops listening; connections not yet accepted are closed, a greenlet in accept() gets EBADF. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#server.close();
    for (let socket = this.#pending.shift(); socket !== undefined; socket = this.#pending.shift()) socket.close();
    this.#waiter?.(OK);
  }

  [Symbol.dispose](): void {
    this.close();
  }

  toString(): string {
    const address = this.#server.address();
    return `<Listener ${typeof address === 'string' ? address : address === null ? 'closed' : `${address.address}:${address.port}`}>`;
  }
}

const LISTEN_KEYS = ['tls', 'backlog', 'timeout', 'socketTimeout', 'noDelay'] as const;

/**
 * Listens and returns a Listener once the socket is bound (EADDRINUSE and
 * other errors are thrown unchanged). `listen(port, host?, options?)` or
 * `listen({ port, host } | { path }, ...)`; port 0 picks a free port.
 */
export function listen(port: number, host?: string, options?: ListenOptions): Listener;
export function listen(target: ListenTarget): Listener;
export function listen(portOrTarget: number | ListenTarget, host?: string, options?: ListenOptions): Listener {
  const target = toTarget(portOrTarget, host, options);
  checkEndpoint(target, LISTEN_KEYS, 'the listen address');
  const backlog = checkBacklog(target.backlog);
  const secure = target.tls !== undefined;
  const server = secure ? tls.createServer(checkOptions(target.tls, 'tls')) : net.createServer({ allowHalfOpen: true });
  const listener = new Listener(server, secure, target);
  bindServer(server, target.path !== undefined ? { path: target.path, backlog } : { port: target.port ?? 0, host: target.host, backlog });
  return listener;
}

/** Starts `server` listening and blocks until it is bound; throws Node's error (EADDRINUSE, EACCES, ...). */
export function bindServer(server: net.Server, options: net.ListenOptions): void {
  waitIo(`listen on ${options.path ?? `${options.host ?? ''}:${options.port ?? 0}`}`, undefined, (wake) => {
    const onListening = (): void => void wake(OK);
    const onError = (error: Error): void => void wake(errorMsg(error));
    server.once('listening', onListening);
    server.once('error', onError);
    server.listen(options);
    return () => {
      server.removeListener('listening', onListening);
      server.removeListener('error', onError);
    };
  });
}
