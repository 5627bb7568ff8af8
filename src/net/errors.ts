// Errors the sync-style network layer raises itself. Errors from Node (ECONNREFUSED,
// ECONNRESET, EPIPE, ENOTFOUND, ...) are rethrown unchanged, never wrapped.

/**
 * A blocking network call (connect, recv, sendall, accept, an HTTP request) ran
 * past its timeout. Like Python's `socket.timeout` (an alias of TimeoutError):
 * `code` is 'ETIMEDOUT', so code that checks Node's error codes sees a timeout.
 */
export class TimeoutError extends Error {
  readonly code = 'ETIMEDOUT';
  constructor(message: string) {
    super(message);
    this.name = 'TimeoutError';
  }
}

/** The error a call on a socket or listener gets after close(): EBADF, as a closed fd gives. */
export function closedError(what: string): NodeJS.ErrnoException {
  const error: NodeJS.ErrnoException = new Error(`${what}: the socket is closed`);
  error.code = 'EBADF';
  return error;
}

/** Two greenlets blocking on the same direction of one socket (gevent's ConcurrentObjectUseError). */
export class ConcurrentUseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConcurrentUseError';
  }
}
