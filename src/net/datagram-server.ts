// gevent's DatagramServer: binds a UDP socket and runs handler(data, peer,
// server) in a new greenlet for each datagram, bounded by an optional pool.
// Datagrams that wait for a pool slot are bounded too: past the bound new
// ones are dropped, as a full socket buffer drops them.
import { isIPv6 } from 'node:net';
import type { AddressInfo } from 'node:net';

import type { Wake } from '../core/block';
import { checkFunction, checkOptions, describeValue } from '../core/errors';
import { OK } from '../core/fiber';
import { checkPool, Dispatcher, PoolOption } from './dispatch';
import { parseAddress } from './server';
import { SocketData } from './socket';
import { checkPort } from './target';
import { DatagramPeer, DatagramSocket, DatagramType } from './udp';
import { waitIo } from './wait';

/** Where to bind: a port, 'host:port', { port, host }, [host, port], or a DatagramSocket (bound or not). */
export type DatagramAddress = number | string | { port?: number; host?: string } | [string, number] | DatagramSocket;

export type DatagramHandler = (data: Buffer, peer: DatagramPeer, server: DatagramServer) => void;

export interface DatagramServerOptions {
  /** Bounds how many handlers run at once: a Pool, or a number (default: no bound). */
  pool?: PoolOption;
  /** 'udp4' or 'udp6' (default: 'udp6' for an IPv6 host, else 'udp4'). */
  type?: DatagramType;
  /** With a pool: how many datagrams may wait for a free slot before new ones are dropped (default 1024). */
  maxWaiting?: number;
}

/** How long stop() waits for running handlers by default (gevent's stop_timeout: 1 s). */
const STOP_TIMEOUT = 1000;
const MAX_WAITING = 1024;

function parseTarget(address: DatagramAddress): { port: number; host: string | undefined } | DatagramSocket {
  if (address instanceof DatagramSocket) return address;
  if (Array.isArray(address)) {
    const [host, port] = address as unknown[];
    if (address.length !== 2 || typeof host !== 'string') throw new TypeError(`address must be [host, port], got ${describeValue(address)}`);
    return { port: checkPort(port), host: host === '' ? undefined : host };
  }
  if (typeof address === 'object' && address !== null && 'path' in address) {
    throw new TypeError('a DatagramServer binds a UDP port: an address with a path is not one');
  }
  const target = parseAddress(address as number | string | { port?: number; host?: string });
  if (!('port' in target) || typeof target.port !== 'number') throw new TypeError(`address must name a port, got ${describeValue(address)}`);
  return { port: checkPort(target.port), host: target.host };
}

function checkMaxWaiting(value: unknown): number {
  if (value === undefined) return MAX_WAITING;
  if (typeof value !== 'number') throw new TypeError(`maxWaiting must be a number, got ${describeValue(value)}`);
  if (!(value >= 0) || (!Number.isInteger(value) && value !== Infinity)) throw new RangeError(`maxWaiting must be a non-negative integer or Infinity, got ${value}`);
  return value;
}

export class DatagramServer {
  readonly #target: { port: number; host: string | undefined } | DatagramSocket;
  readonly #handler: DatagramHandler;
  readonly #dispatcher: Dispatcher;
  readonly #type: DatagramType | undefined;
  readonly #maxWaiting: number;
  #socket: DatagramSocket | undefined;
  #stopped = false;
  #dropped = 0;
  readonly #waiters = new Set<Wake>();

  constructor(address: DatagramAddress, handler: DatagramHandler, options: DatagramServerOptions = {}) {
    checkFunction(handler, 'handler');
    const opts = checkOptions(options, 'options') as DatagramServerOptions;
    this.#target = parseTarget(address);
    this.#handler = handler;
    this.#dispatcher = new Dispatcher(checkPool(opts.pool));
    this.#type = opts.type;
    this.#maxWaiting = checkMaxWaiting(opts.maxWaiting);
    if (opts.type !== undefined && opts.type !== 'udp4' && opts.type !== 'udp6') throw new TypeError(`type must be 'udp4' or 'udp6', got ${describeValue(opts.type)}`);
  }

  /** Where it is bound (Node's AddressInfo) once started; before, what it was given. */
  get address(): AddressInfo | { port: number; host: string | undefined } {
    const socket = this.#socket ?? (this.#target instanceof DatagramSocket ? this.#target : undefined);
    if (socket !== undefined && socket._bound && !socket.closed) return socket.address();
    return this.#target instanceof DatagramSocket ? { port: 0, host: undefined } : { ...this.#target };
  }

  /** The socket it serves on (once started). */
  get socket(): DatagramSocket | undefined {
    return this.#socket;
  }
  /** True between start() and stop(). */
  get started(): boolean {
    return this.#socket !== undefined && !this.#stopped;
  }
  /** Handlers running now. */
  get running(): number {
    return this.#dispatcher.running;
  }
  /** Datagrams dropped because `maxWaiting` of them already waited for a pool slot. */
  get dropped(): number {
    return this.#dropped;
  }

  /** Binds (blocking until bound; EADDRINUSE and such are thrown) and starts serving. */
  start(): void {
    if (this.#stopped) throw new Error('this DatagramServer was stopped; create a new one');
    if (this.#socket !== undefined) return;
    let socket: DatagramSocket;
    if (this.#target instanceof DatagramSocket) {
      socket = this.#target;
      if (!socket._bound) socket.bind();
    } else {
      const type = this.#type ?? (this.#target.host !== undefined && isIPv6(this.#target.host) ? 'udp6' : 'udp4');
      socket = new DatagramSocket({ type });
      try {
        socket.bind(this.#target.port, this.#target.host);
      } catch (error) {
        socket.close();
        throw error;
      }
    }
    this.#socket = socket;
    socket._setHandler((data, peer) => {
      if (this.#dispatcher.waiting >= this.#maxWaiting) {
        this.#dropped++;
        return;
      }
      this.#dispatcher.submit({ run: () => this.#handler(data, peer, this), cancel: () => undefined });
    });
  }

  /** start(), then block until stop() is called. */
  serveForever(): void {
    this.start();
    while (!this.#stopped) {
      waitIo('DatagramServer.serveForever()', undefined, (wake) => {
        this.#waiters.add(wake);
        return () => this.#waiters.delete(wake);
      });
    }
  }

  /** Sends a datagram from the server's socket (a reply, usually); returns its size. */
  sendto(data: SocketData, port: number, host?: string): number {
    if (this.#socket === undefined) throw new Error('DatagramServer.sendto(): the server is not started');
    return this.#socket.sendto(data, port, host);
  }

  /**
   * Stops receiving (the socket closes), waits up to `timeout` ms (default
   * 1000) for running handlers, then kills those left (GreenletExit). Blocks the caller.
   */
  stop(options: { timeout?: number | null } = {}): void {
    const opts = checkOptions(options, 'options');
    if (this.#stopped) return;
    this.#stopped = true;
    this.#socket?._setHandler(undefined);
    for (const wake of this.#waiters) wake(OK);
    this.#dispatcher.stop({ timeout: opts.timeout === undefined ? STOP_TIMEOUT : (opts.timeout as number | null) });
    this.#socket?.close();
  }

  close(): void {
    this.stop();
  }

  toString(): string {
    const a = this.address;
    return `<DatagramServer ${'address' in a ? `${a.address}:${a.port}` : `${a.host ?? ''}:${a.port}`}>`;
  }
}
