// Name resolution that blocks only the calling greenlet.
import * as dns from 'node:dns';
import * as net from 'node:net';

import { describeValue } from '../core/errors';
import { errorMsg, valueMsg } from '../core/fiber';
import { waitIo } from './wait';

/**
 * Resolves `host` to one IPv4 address string, as the system resolver does
 * (dns.lookup: /etc/hosts, then DNS). Node's errors (ENOTFOUND, EAI_AGAIN) are thrown unchanged.
 */
export function gethostbyname(host: string): string {
  if (typeof host !== 'string') throw new TypeError(`host must be a string, got ${describeValue(host)}`);
  // dns.lookup('') "resolves" to null; there is no address to return.
  if (host === '') throw new TypeError('host must be a non-empty string, got ""');
  if (net.isIPv4(host)) return host;
  return waitIo(`gethostbyname(${JSON.stringify(host)})`, undefined, (wake) => {
    dns.lookup(host, { family: 4 }, (error, address) => wake(error ? errorMsg(error) : valueMsg(address)));
  }) as string;
}
