// Blocking on I/O: block() plus the network layer's timeout error.
import { block, Disarm, TIMED_OUT, Wake } from '../core/block';
import { unwrap } from '../core/fiber';
import { TimeoutError } from './errors';

/** Blocks until `arm`'s wake fires; throws TimeoutError after `timeout` ms. Returns the woken value. */
export function waitIo(label: string, timeout: number | undefined, arm: (wake: Wake) => Disarm | void): unknown {
  const result = block(label, timeout, arm);
  if (result === TIMED_OUT) throw new TimeoutError(`${label} timed out after ${timeout} ms`);
  return unwrap(result);
}
