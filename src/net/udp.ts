// gevent's UDP socket on Node's dgram: Node delivers datagrams on the Hub, the
// socket queues them (within a bound: past it, new datagrams are dropped, as a
// full kernel buffer drops them) and wakes the greenlet blocked in recvfrom().
// sendto() blocks until Node has handed the datagram to the kernel, so its
// errors (EMSGSIZE, ENOTFOUND, ...) are thrown at the call.
import * as dgram from 'node:dgram';
import type { AddressInfo } from 'node:net';

import type { Wake } from '../core/block';
import { checkOptions, checkTimeout, describeValue } from '../core/errors';
import { errorMsg, OK, valueMsg } from '../core/fiber';
import { Fifo } from '../core/fifo';
import { closedError, ConcurrentUseError } from './errors';
import { checkSize, SocketData, toBuffer } from './socket';
import { checkPort } from './target';
import { waitIo } from './wait';

/** recvfrom() returns at most this many bytes unless told otherwise (gevent's usual buffer, a whole datagram). */
const DEFAULT_MAX = 65536;
/** Past this many queued datagrams, or bytes, new ones are dropped. */
const MAX_QUEUED = 4096;
const MAX_QUEUED_BYTES = 4 * 1024 * 1024;

export type DatagramType = 'udp4' | 'udp6';

export interface UdpOptions {
  type?: DatagramType;
  /** Blocking calls end after this many ms with a TimeoutError (default: none). */
  timeout?: number | null;
  reuseAddr?: boolean;
  ipv6Only?: boolean;
  recvBufferSize?: number;
  sendBufferSize?: number;
}

/** A datagram and where it came from, as recvfrom() returns it. */
export interface Datagram {
  data: Buffer;
  address: string;
  port: number;
  family: string;
}

/** Where a datagram came from (the handler of a DatagramServer gets it). */
export interface DatagramPeer {
  address: string;
  port: number;
  family: string;
}

function checkType(value: unknown): DatagramType {
  if (value === undefined) return 'udp4';
  if (value !== 'udp4' && value !== 'udp6') throw new TypeError(`type must be 'udp4' or 'udp6', got ${describeValue(value)}`);
  return value;
}

function checkHost(value: unknown, what = 'host'): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new TypeError(`${what} must be a string, got ${describeValue(value)}`);
  return value;
}

export class DatagramSocket {
  readonly #sock: dgram.Socket;
  readonly #type: DatagramType;
  readonly #queue = new Fifo<Datagram>();
  #queuedBytes = 0;
  #dropped = 0;
  #timeout: number | undefined;
  /** An error Node reported on the socket ('error': ECONNREFUSED from an ICMP reply, ...): the next receive throws it. */
  #error: Error | undefined;
  #closed = false;
  #bound = false;
  #connected = false;
  #reader: Wake | undefined;
  #onDatagram: ((data: Buffer, peer: DatagramPeer) => void) | undefined;
  /** Wakes a greenlet blocked in bind() or connect() (an 'error' event is its error). */
  #setup: Wake | undefined;
  /** Wakes a greenlet blocked in bind() on 'listening'. */
  #binding: Wake | undefined;

  constructor(options: UdpOptions = {}) {
    const opts = checkOptions(options, 'options') as UdpOptions;
    this.#type = checkType(opts.type);
    this.#timeout = checkTimeout(opts.timeout);
    this.#sock = dgram.createSocket({
      type: this.#type,
      reuseAddr: opts.reuseAddr,
      ipv6Only: opts.ipv6Only,
      recvBufferSize: opts.recvBufferSize,
      sendBufferSize: opts.sendBufferSize,
    });
    this.#sock.on('message', (data: Buffer, rinfo: dgram.RemoteInfo) => this.#onMessage(data, rinfo));
    this.#sock.on('error', (error: Error) => {
      if (this.#setup?.(errorMsg(error))) return; // bind()'s or connect()'s error
      this.#error = error;
      this.#reader?.(OK);
    });
    this.#sock.on('listening', () => {
      this.#bound = true;
      this.#binding?.(OK);
    });
    this.#sock.on('close', () => this.#reader?.(OK));
  }

  #onMessage(data: Buffer, rinfo: dgram.RemoteInfo): void {
    if (this.#onDatagram !== undefined) return this.#onDatagram(data, { address: rinfo.address, port: rinfo.port, family: rinfo.family });
    if (this.#queue.length >= MAX_QUEUED || this.#queuedBytes + data.length > MAX_QUEUED_BYTES) {
      this.#dropped++;
      return;
    }
    this.#queue.push({ data, address: rinfo.address, port: rinfo.port, family: rinfo.family });
    this.#queuedBytes += data.length;
    this.#reader?.(OK);
  }

  /** The Node dgram socket underneath (setBroadcast, setTTL, addMembership, ...). */
  get nodeSocket(): dgram.Socket {
    return this.#sock;
  }
  get type(): DatagramType {
    return this.#type;
  }
  get closed(): boolean {
    return this.#closed;
  }
  /** The timeout of each blocking call in ms; undefined blocks without limit. */
  get timeout(): number | undefined {
    return this.#timeout;
  }
  /** Datagrams received but not yet read. */
  get queued(): number {
    return this.#queue.length;
  }
  /** Datagrams dropped because the queue was full (4096 datagrams or 4 MiB unread). */
  get dropped(): number {
    return this.#dropped;
  }

  /** Sets the timeout of every later blocking call (null: none). A call that runs past it throws TimeoutError. */
  settimeout(ms: number | null | undefined): void {
    this.#timeout = checkTimeout(ms, 'ms');
  }

  /** Binds to `port` (0: any free one) on `host` (default: every address), blocking until bound. */
  bind(port: number = 0, host?: string): void {
    checkPort(port);
    const address = checkHost(host);
    this.#checkOpen('bind()');
    this.#waitSetup('bind()', (wake) => {
      this.#binding = wake;
      this.#sock.bind({ port, address });
    });
  }

  /** Sets the default peer of send()/recv(); datagrams from anyone else are no longer received (the kernel filters them). */
  connect(port: number, host?: string): void {
    checkPort(port);
    const address = checkHost(host);
    this.#checkOpen('connect()');
    // Node hands a failed lookup to the callback, other errors to 'error'.
    this.#waitSetup('connect()', (wake) => this.#sock.connect(port, address, (error?: Error) => wake(error ? errorMsg(error) : OK)));
    this.#connected = true;
    this.#bound = true;
  }

  /** Forgets the peer set by connect(). */
  disconnect(): void {
    this.#checkOpen('disconnect()');
    this.#sock.disconnect();
    this.#connected = false;
  }

  #waitSetup(what: string, start: (wake: Wake) => void): void {
    waitIo(`DatagramSocket.${what}`, this.#timeout, (wake) => {
      this.#setup = wake;
      start(wake);
      return () => {
        this.#setup = undefined;
        this.#binding = undefined;
      };
    });
  }

  /** Sends one datagram to `port` on `host` (Node's default: localhost); returns its size. Binds to a free port first if needed. */
  sendto(data: SocketData, port: number, host?: string): number {
    const buffer = toBuffer(data, 'data');
    checkPort(port);
    const address = checkHost(host);
    this.#checkOpen('sendto()');
    return this.#send('sendto()', (done) => this.#sock.send(buffer, port, address, done), buffer.length);
  }

  /** Sends one datagram to the connected peer; returns its size. */
  send(data: SocketData): number {
    const buffer = toBuffer(data, 'data');
    this.#checkOpen('send()');
    if (!this.#connected) {
      this.#sock.send(buffer); // not connected: throws Node's own error for a send without a port (ERR_SOCKET_BAD_PORT)
      return buffer.length;
    }
    return this.#send('send()', (done) => this.#sock.send(buffer, done), buffer.length);
  }

  #send(what: string, start: (done: (error: Error | null) => void) => void, size: number): number {
    waitIo(`DatagramSocket.${what}`, this.#timeout, (wake) => {
      start((error) => wake(error ? errorMsg(error) : valueMsg(size)));
    });
    this.#bound = true;
    return size;
  }

  /**
   * The next datagram and its sender, waiting for one. A datagram longer than
   * `maxBytes` is cut to `maxBytes` and the rest discarded, as recvfrom(2)
   * does. An error Node reported meanwhile (ECONNREFUSED when a connected
   * peer is gone) is thrown once; the socket stays usable.
   */
  recvfrom(maxBytes: number = DEFAULT_MAX): Datagram {
    checkSize(maxBytes, 'maxBytes');
    for (;;) {
      this.#checkOpen('recvfrom()');
      const error = this.#error;
      if (error !== undefined) {
        this.#error = undefined;
        throw error;
      }
      const datagram = this.#queue.shift();
      if (datagram !== undefined) {
        this.#queuedBytes -= datagram.data.length;
        if (datagram.data.length > maxBytes) datagram.data = datagram.data.subarray(0, maxBytes);
        return datagram;
      }
      if (this.#reader !== undefined) throw new ConcurrentUseError('another greenlet is already receiving on this socket (recvfrom())');
      waitIo('DatagramSocket.recvfrom()', this.#timeout, (wake) => {
        this.#reader = wake;
        return () => {
          this.#reader = undefined;
        };
      });
    }
  }

  /** The next datagram's data (see recvfrom()). */
  recv(maxBytes: number = DEFAULT_MAX): Buffer {
    return this.recvfrom(maxBytes).data;
  }

  /** The bound address (Node's AddressInfo); before bind, Node's error (EBADF, getsockname). */
  address(): AddressInfo {
    return this.#sock.address();
  }

  /** The connected peer (Node's AddressInfo); Node's ERR_SOCKET_DGRAM_NOT_CONNECTED if not connected. */
  remoteAddress(): AddressInfo {
    return this.#sock.remoteAddress();
  }

  /** Closes the socket; a greenlet blocked on it gets an EBADF error. Closing twice is harmless. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    while (this.#queue.shift() !== undefined);
    this.#queuedBytes = 0;
    this.#sock.close();
    this.#reader?.(OK);
    this.#setup?.(OK);
  }

  [Symbol.dispose](): void {
    this.close();
  }

  #checkOpen(what: string): void {
    if (this.#closed) throw closedError(`DatagramSocket.${what}`);
  }

  /** @internal Datagrams go to `handler` (on the Hub) instead of the queue: DatagramServer. */
  _setHandler(handler: ((data: Buffer, peer: DatagramPeer) => void) | undefined): void {
    this.#onDatagram = handler;
    for (let d = this.#queue.shift(); d !== undefined && handler !== undefined; d = this.#queue.shift()) {
      handler(d.data, { address: d.address, port: d.port, family: d.family });
    }
    this.#queuedBytes = 0;
  }

  /** @internal True once bound (bind(), connect() or a first send). */
  get _bound(): boolean {
    return this.#bound;
  }

  toString(): string {
    let where = 'unbound';
    if (this.#bound && !this.#closed) {
      const a = this.#sock.address();
      where = `${a.address}:${a.port}`;
    }
    return `<DatagramSocket ${this.#type} ${where}${this.#connected ? ' connected' : ''}${this.#closed ? ' closed' : ''}>`;
  }
}

/** gevent's socket(AF_INET/AF_INET6, SOCK_DGRAM): a new, unbound DatagramSocket. */
export function udp(options: UdpOptions = {}): DatagramSocket {
  return new DatagramSocket(options);
}
