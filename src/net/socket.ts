// A Node socket behind gevent's blocking socket API. Node delivers data and
// events on the Hub; the socket buffers them and wakes the greenlet blocked in
// recv()/sendall(). Only one greenlet may block per direction at a time.
import * as net from 'node:net';

import type { Wake } from '../core/block';
import { checkOptions, checkTimeout, describeValue } from '../core/errors';
import { OK } from '../core/fiber';
import { closedError, ConcurrentUseError } from './errors';
import { waitIo } from './wait';

/** Past this many unread bytes the Node socket is paused: a slow reader slows the peer. */
const HIGH_WATER = 256 * 1024;
/** recv() and readline() return at most this many bytes unless told otherwise. */
const DEFAULT_MAX = 64 * 1024;
/** How long close() lets unsent data drain before it drops the connection. */
const LINGER_MS = 30_000;

export type SocketData = string | Uint8Array;

/** The peer of a connection, as Node's `socket.address()` describes an endpoint. */
export interface PeerAddress {
  address: string | undefined;
  port: number | undefined;
  family: string | undefined;
}

export function checkSize(value: unknown, what: string): number {
  if (typeof value !== 'number') throw new TypeError(`${what} must be a number of bytes, got ${describeValue(value)}`);
  if (!(value >= 1) || (!Number.isInteger(value) && value !== Infinity)) throw new RangeError(`${what} must be a positive integer, got ${value}`);
  return value;
}

export function toBuffer(data: unknown, what: string): Buffer {
  if (typeof data === 'string') return Buffer.from(data);
  if (Buffer.isBuffer(data)) return data;
  if (data instanceof Uint8Array) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  throw new TypeError(`${what} must be a string, Buffer or Uint8Array, got ${describeValue(data)}`);
}

export class Socket {
  readonly #sock: net.Socket;
  #chunks: Buffer[] = [];
  #buffered = 0;
  #ended = false;
  #error: Error | undefined;
  #closed = false;
  /** Node closed the socket ('close': after any 'error'). */
  #nodeClosed = false;
  #paused = false;
  #timeout: number | undefined;
  #reader: Wake | undefined;
  #writer: Wake | undefined;

  /** Wraps a connected (or connecting) Node socket. Its events are ours from now on. */
  constructor(sock: net.Socket, options: { timeout?: number | null } = {}) {
    if (!(sock instanceof net.Socket)) {
      throw new TypeError(`Socket wraps a Node net.Socket (use net.connect() or a listener's accept()), got ${describeValue(sock)}`);
    }
    this.#sock = sock;
    this.#timeout = checkTimeout(checkOptions(options, 'options').timeout);
    sock.on('data', (chunk: Buffer) => {
      this.#chunks.push(chunk);
      this.#buffered += chunk.length;
      if (this.#buffered >= HIGH_WATER && !this.#paused) {
        this.#paused = true;
        sock.pause();
      }
      this.#reader?.(OK);
    });
    sock.on('end', () => {
      this.#ended = true;
      this.#reader?.(OK);
    });
    sock.on('error', (error: Error) => {
      this.#error ??= error;
      this.#wakeAll();
    });
    sock.on('close', () => this.#onClose());
    sock.on('drain', () => this.#writer?.(OK));
  }

  #onClose(): void {
    this.#nodeClosed = true;
    this.#wakeAll();
  }

  #wakeAll(): void {
    this.#reader?.(OK);
    this.#writer?.(OK);
  }

  /** The Node socket underneath (for options such as setKeepAlive). */
  get nodeSocket(): net.Socket {
    return this.#sock;
  }
  get remoteAddress(): string | undefined {
    return this.#sock.remoteAddress;
  }
  get remotePort(): number | undefined {
    return this.#sock.remotePort;
  }
  get remoteFamily(): string | undefined {
    return this.#sock.remoteFamily;
  }
  get localAddress(): string | undefined {
    return this.#sock.localAddress;
  }
  get localPort(): number | undefined {
    return this.#sock.localPort;
  }
  /** True once close() was called. */
  get closed(): boolean {
    return this.#closed;
  }
  /** The timeout of each blocking call in ms; undefined blocks without limit. */
  get timeout(): number | undefined {
    return this.#timeout;
  }

  /** Sets the timeout of every later blocking call (null: none). A call that runs past it throws TimeoutError. */
  settimeout(ms: number | null | undefined): void {
    this.#timeout = checkTimeout(ms, 'ms');
  }

  /** Returns up to `maxBytes` bytes, waiting for at least one; an empty Buffer at end of stream. */
  recv(maxBytes: number = DEFAULT_MAX): Buffer {
    checkSize(maxBytes, 'maxBytes');
    for (;;) {
      if (this.#buffered > 0) return this.#take(maxBytes);
      this.#checkReadable('recv()');
      if (this.#ended) return Buffer.alloc(0);
      this.#waitReadable('recv()');
    }
  }

  /**
   * Returns the next line, '\n' included; at most `limit` bytes (the rest stays
   * buffered), what is left at end of stream, and an empty Buffer after it.
   */
  readline(limit: number = DEFAULT_MAX): Buffer {
    checkSize(limit, 'limit');
    let scanned = 0; // bytes already searched for '\n'
    for (;;) {
      const end = this.#findNewline(scanned, limit);
      if (end >= 0) return this.#take(end);
      scanned = this.#buffered;
      if (this.#buffered >= limit) return this.#take(limit);
      this.#checkReadable('readline()');
      if (this.#ended) return this.#take(this.#buffered);
      this.#waitReadable('readline()');
    }
  }

  /** Length of the line (with its '\n') if the buffer holds one within `limit`, else -1. */
  #findNewline(from: number, limit: number): number {
    let offset = 0;
    for (const chunk of this.#chunks) {
      if (offset >= limit) break;
      if (offset + chunk.length > from) {
        const at = chunk.indexOf(10, Math.max(0, from - offset));
        if (at >= 0) return offset + at + 1 <= limit ? offset + at + 1 : -1;
      }
      offset += chunk.length;
    }
    return -1;
  }

  #take(max: number): Buffer {
    const first = this.#chunks[0];
    let out: Buffer;
    if (first === undefined) {
      out = Buffer.alloc(0);
    } else if (first.length > max) {
      out = first.subarray(0, max);
      this.#chunks[0] = first.subarray(max);
    } else if (first.length === max || this.#chunks.length === 1) {
      out = first;
      this.#chunks.shift();
    } else {
      const parts: Buffer[] = [];
      let size = 0;
      while (size < max && this.#chunks.length > 0) {
        const chunk = this.#chunks[0];
        const want = max - size;
        if (chunk.length <= want) {
          parts.push(chunk);
          this.#chunks.shift();
          size += chunk.length;
        } else {
          parts.push(chunk.subarray(0, want));
          this.#chunks[0] = chunk.subarray(want);
          size += want;
        }
      }
      out = Buffer.concat(parts, size);
    }
    this.#buffered -= out.length;
    if (this.#paused && this.#buffered < HIGH_WATER / 2) this.#resume();
    return out;
  }

  #resume(): void {
    this.#paused = false;
    if (!this.#closed) this.#sock.resume();
  }

  #checkReadable(what: string): void {
    if (this.#error !== undefined) throw this.#error;
    if (this.#closed) throw closedError(what);
  }

  #waitReadable(what: string): void {
    if (this.#reader !== undefined) throw new ConcurrentUseError(`another greenlet is already reading from this socket (${what})`);
    if (this.#paused) this.#resume(); // a reader that needs more than the high-water mark (readline with a big limit)
    if (this.#nodeClosed) {
      this.#ended = true; // closed by Node without an 'end' (destroyed after a write): nothing more will come
      return;
    }
    waitIo(`socket ${what}`, this.#timeout, (wake) => {
      this.#reader = wake;
      return () => {
        this.#reader = undefined;
      };
    });
  }

  #checkWritable(what: string): void {
    if (this.#closed) throw closedError(what);
    if (this.#error !== undefined) throw this.#error;
  }

  /** Waits while Node's write buffer is over its high-water mark. */
  #waitWritable(what: string): void {
    while (this.#sock.writableNeedDrain && !this.#sock.destroyed) {
      if (this.#writer !== undefined) throw new ConcurrentUseError(`another greenlet is already writing to this socket (${what})`);
      waitIo(`socket ${what}`, this.#timeout, (wake) => {
        this.#writer = wake;
        return () => {
          this.#writer = undefined;
        };
      });
      this.#checkWritable(what);
    }
  }

  // Node keeps a written Buffer until the kernel takes it: sync-style callers
  // reuse theirs as soon as send returns, so what goes out is a copy
  // (`owned`: the bytes are ours already). The write is made at once, from
  // the greenlet's own thread: a loopback write usually completes inside it.
  #write(data: Buffer, owned: boolean): void {
    this.#sock.write(owned ? data : Buffer.from(data));
  }

  /**
   * Queues as much of `data` as the write buffer has room for (at least one
   * byte, waiting for room if there is none) and returns how many bytes it took.
   */
  send(data: SocketData): number {
    const buffer = toBuffer(data, 'data');
    const owned = typeof data === 'string';
    this.#checkWritable('send()');
    if (buffer.length === 0) return 0;
    this.#waitWritable('send()');
    const room = Math.max(1, this.#sock.writableHighWaterMark - this.#sock.writableLength);
    const part = buffer.length <= room ? buffer : buffer.subarray(0, room);
    this.#write(part, owned);
    return part.length;
  }

  /** Sends all of `data`, waiting while the peer is slower than us (Node's 'drain'). */
  sendall(data: SocketData): void {
    const buffer = toBuffer(data, 'data');
    this.#checkWritable('sendall()');
    if (buffer.length === 0) return;
    this.#write(buffer, typeof data === 'string');
    this.#waitWritable('sendall()');
  }

  /** Half-closes: sends FIN once queued data is out; recv() still works. */
  shutdown(): void {
    if (this.#closed) throw closedError('shutdown()');
    this.#sock.end();
  }

  /**
   * Closes the socket: queued data is still sent (for up to 30 s), then the
   * connection is released. A greenlet blocked on it gets an EBADF error.
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#chunks = [];
    this.#buffered = 0;
    const sock = this.#sock;
    if (sock.destroyed || sock.writableLength === 0 || sock.connecting) {
      sock.destroy();
    } else {
      sock.setTimeout(LINGER_MS, () => sock.destroy());
      sock.end(() => sock.destroy());
    }
    this.#wakeAll();
  }

  [Symbol.dispose](): void {
    this.close();
  }

  /** @internal Blocks until the connection is up ('connect', or 'secureConnect' for TLS). */
  _waitConnected(event: 'connect' | 'secureConnect', label: string): void {
    let connected = false;
    const onConnect = (): void => {
      connected = true;
      this.#writer?.(OK);
    };
    this.#sock.once(event, onConnect);
    try {
      while (!connected) {
        this.#checkWritable(label);
        if (this.#nodeClosed) throw closedError(label);
        waitIo(label, this.#timeout, (wake) => {
          this.#writer = wake;
          return () => {
            this.#writer = undefined;
          };
        });
      }
    } catch (error) {
      this.#sock.removeListener(event, onConnect);
      this.#closed = true;
      this.#sock.destroy();
      throw error;
    }
  }

  /** The peer's address, as StreamServer handlers receive it. */
  peer(): PeerAddress {
    return { address: this.remoteAddress, port: this.remotePort, family: this.remoteFamily };
  }

  toString(): string {
    return `<Socket ${this.localAddress ?? ''}:${this.localPort ?? ''} -> ${this.remoteAddress ?? ''}:${this.remotePort ?? ''}>`;
  }
}
