// Every error class tinyevent throws, and the argument checks that throw them.

/** Thrown into a greenlet to kill it; a kill with it is not a failure. */
export class GreenletExit extends Error {
  constructor(message = 'GreenletExit') {
    super(message);
    this.name = 'GreenletExit';
  }
}

/** A root-greenlet wait that nothing can ever satisfy. */
export class LoopExit extends Error {
  constructor(message = 'This operation would block forever') {
    super(message);
    this.name = 'LoopExit';
  }
}

/** A blocking call made where blocking is impossible (inside a Hub callback). */
export class BlockingSwitchOutError extends TypeError {
  constructor(message: string) {
    super(message);
    this.name = 'BlockingSwitchOutError';
  }
}

/** Thrown by a queue's get() when no item came (non-blocking call, or timeout). */
export class Empty extends Error {
  constructor(message = 'the queue is empty') {
    super(message);
    this.name = 'Empty';
  }
}

/** Thrown by a queue's put() when no slot came free (non-blocking call, or timeout). */
export class Full extends Error {
  constructor(message = 'the queue is full') {
    super(message);
    this.name = 'Full';
  }
}

/** `value instanceof type`, or false where asking throws (a revoked Proxy). */
export function isInstance(value: unknown, type: abstract new (...args: never[]) => unknown): boolean {
  try {
    return value instanceof type;
  } catch {
    return false;
  }
}

/**
 * The name and text of a thrown value, for a report. Never throws, whatever
 * was thrown: Object.create(null), a throwing toString or getter, a revoked Proxy.
 */
export function errorText(error: unknown): { name: string; detail: string } {
  const attempt = (read: () => unknown): string | undefined => {
    try {
      const text = read();
      return typeof text === 'string' ? text : undefined;
    } catch {
      return undefined;
    }
  };
  const isError = isInstance(error, Error);
  const name = (isError ? attempt(() => (error as Error).name) : undefined) ?? typeof error;
  const detail =
    (isError ? attempt(() => (error as Error).stack) : undefined) ??
    attempt(() => String(error)) ??
    attempt(() => Object.prototype.toString.call(error)) ??
    '(a value that cannot be printed)';
  return { name, detail };
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'function') return `function ${value.name || '(anonymous)'}`;
  if (typeof value === 'object' && value !== null) return `an instance of ${value.constructor?.name ?? 'Object'}`;
  return String(value);
}

/** Checks a duration in milliseconds: a non-negative number, Infinity allowed. */
export function checkMs(value: unknown, what: string): number {
  if (typeof value !== 'number') throw new TypeError(`${what} must be a number of milliseconds, got ${describe(value)}`);
  if (Number.isNaN(value) || value < 0) throw new RangeError(`${what} must be a non-negative number of milliseconds, got ${value}`);
  return value;
}

/** Like checkMs, but undefined and null mean "no timeout". */
export function checkTimeout(value: unknown, what = 'timeout'): number | undefined {
  if (value === undefined || value === null) return undefined;
  return checkMs(value, what);
}

export function checkFunction(value: unknown, what: string): asserts value is (...args: never[]) => unknown {
  if (typeof value !== 'function') throw new TypeError(`${what} must be a function, got ${describe(value)}`);
}

export function checkCount(value: unknown, what: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number') throw new TypeError(`${what} must be a number, got ${describe(value)}`);
  if (!Number.isInteger(value) || value < 0) throw new RangeError(`${what} must be a non-negative integer, got ${value}`);
  return value;
}

export function checkOptions(value: unknown, what: string): Record<string, unknown> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw new TypeError(`${what} must be an options object, got ${describe(value)}`);
  return value as Record<string, unknown>;
}

export { describe as describeValue };
