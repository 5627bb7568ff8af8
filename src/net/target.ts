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
