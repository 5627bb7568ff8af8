// net.connect(): open a TCP, TLS or Unix-socket connection, blocking the calling greenlet.
import * as net from 'node:net';
import * as tls from 'node:tls';

import { checkOptions, checkTimeout, describeValue } from '../core/errors';
import { Socket } from './socket';
import { checkPort, toTarget } from './target';

export interface ConnectOptions {
  /** Timeout of the connect and, after it, of every blocking call on the socket (ms). */
  timeout?: number | null;
  /** Connect with TLS: true, or Node's tls.connect options (ca, servername, rejectUnauthorized, ...). */
  tls?: boolean | tls.ConnectionOptions;
  /** Disable Nagle's algorithm (default true: small request/response exchanges are not delayed). */
  noDelay?: boolean;
}

export interface ConnectTarget extends ConnectOptions {
  port?: number;
  host?: string;
  /** A Unix domain socket path instead of port/host. */
  path?: string;
}

/**
 * Connects and returns a blocking-style Socket once the connection is up.
 * `connect(port, host?, options?)` or `connect({ port, host } | { path }, ...)`.
 * Node's errors (ECONNREFUSED, ENOTFOUND, ...) are thrown unchanged; a timeout throws TimeoutError.
 */
export function connect(port: number, host?: string, options?: ConnectOptions): Socket;
export function connect(target: ConnectTarget): Socket;
export function connect(portOrTarget: number | ConnectTarget, host?: string, options?: ConnectOptions): Socket {
  const target = toTarget(portOrTarget, host, options);
  const timeout = checkTimeout(target.timeout);
  const host_ = target.host ?? (target.path === undefined ? 'localhost' : undefined);
  let where: string;
  let endpoint: { port: number; host?: string } | { path: string };
  if (target.path !== undefined) {
    if (typeof target.path !== 'string') throw new TypeError(`path must be a string, got ${describeValue(target.path)}`);
    endpoint = { path: target.path };
    where = target.path;
  } else {
    endpoint = { port: checkPort(target.port), host: host_ };
    where = `${host_}:${target.port}`;
  }
  const secure = target.tls !== undefined && target.tls !== false;
  let raw: net.Socket;
  if (secure) {
    const tlsOptions = target.tls === true ? {} : (checkOptions(target.tls, 'tls') as tls.ConnectionOptions);
    const servername = tlsOptions.servername ?? (host_ !== undefined && !net.isIP(host_) ? host_ : undefined);
    raw = tls.connect({ ...tlsOptions, ...endpoint, servername });
  } else {
    raw = net.connect({ ...endpoint, allowHalfOpen: true });
  }
  if (target.noDelay !== false && target.path === undefined) raw.setNoDelay(true);
  const socket = new Socket(raw, { timeout });
  socket._waitConnected(secure ? 'secureConnect' : 'connect', `connect to ${where}`);
  return socket;
}
