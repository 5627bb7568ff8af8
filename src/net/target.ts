// The argument forms connect() and listen() share: (port, host?, options?) or ({ port, host | path, ...options }).
import { checkOptions, describeValue } from '../core/errors';

export interface Endpoint {
  port?: number;
  host?: string;
  path?: string;
}

export function checkPort(port: unknown): number {
  if (typeof port !== 'number') throw new TypeError(`port must be a number, got ${describeValue(port)}`);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new RangeError(`port must be an integer from 0 to 65535, got ${port}`);
  return port;
}

/** Folds the positional form into the object form. */
export function toTarget<T extends Endpoint>(portOrTarget: number | T, host: string | undefined, options: object | undefined): T {
  if (typeof portOrTarget === 'object' && portOrTarget !== null) return portOrTarget;
  if (host !== undefined && typeof host !== 'string') throw new TypeError(`host must be a string, got ${describeValue(host)}`);
  return { ...checkOptions(options, 'options'), port: checkPort(portOrTarget), host } as T;
}

/** Node's listen backlog: an integer from 0 to 2^31 - 1 (undefined: Node's default). */
export function checkBacklog(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number') throw new TypeError(`backlog must be a number, got ${describeValue(value)}`);
  if (!Number.isInteger(value) || value < 0 || value > 2 ** 31 - 1) {
    throw new RangeError(`backlog must be an integer from 0 to 2147483647, got ${value}`);
  }
  return value;
}

export function checkHost(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new TypeError(`host must be a string, got ${describeValue(value)}`);
  return value;
}

/**
 * Checks an address object: only `allowed` keys, and a port or a path, so
 * that an empty or misspelt object ({ prot: 8080 }) never becomes a random port.
 */
export function checkEndpoint<T extends Endpoint>(value: object, allowed: readonly string[], what: string): T {
  for (const key of Object.keys(value)) {
    if (key !== 'port' && key !== 'host' && key !== 'path' && !allowed.includes(key)) {
      throw new TypeError(`${what} has an unknown key ${JSON.stringify(key)} (expected port, host or path)`);
    }
  }
  const target = value as T;
  if (target.path !== undefined) {
    if (typeof target.path !== 'string') throw new TypeError(`path must be a string, got ${describeValue(target.path)}`);
    if (target.port !== undefined || target.host !== undefined) throw new TypeError(`${what} takes a path or a port and host, not both`);
    return target;
  }
  if (target.port === undefined) throw new TypeError(`${what} needs a port (or a path), got ${describeObject(value)}`);
  checkPort(target.port);
  checkHost(target.host);
  return target;
}

function describeObject(value: object): string {
  const keys = Object.keys(value);
  return keys.length === 0 ? 'an empty object' : `an object with keys ${keys.join(', ')}`;
}
