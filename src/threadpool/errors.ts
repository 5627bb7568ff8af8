// Rebuilding a worker's error on this side: its built-in class, or a class of
// the same name derived from the nearest built-in one, with message, stack,
// code and the other own properties, cause and AggregateError's errors.
import type { SerializedError, Thrown } from './protocol';

type ErrorClass = new (message?: string) => Error;

const BUILTIN: Record<string, ErrorClass> = {
  Error,
  TypeError,
  RangeError,
  SyntaxError,
  ReferenceError,
  EvalError,
  URIError,
};

/** A call on a ThreadPool after close(), or a task close() did not wait for. */
export class ThreadPoolClosedError extends Error {
  readonly code = 'ERR_THREADPOOL_CLOSED';
  constructor(message = 'the ThreadPool is closed') {
    super(message);
    this.name = 'ThreadPoolClosedError';
  }
}

// One class per (base, name), so errors of one custom class share a constructor.
const named = new Map<string, ErrorClass>();

function classFor(base: string, className: string): ErrorClass {
  const Base = BUILTIN[base] ?? Error;
  if (className === base || className === '' || className in BUILTIN) return BUILTIN[className] ?? Base;
  const key = `${base}:${className}`;
  let cls = named.get(key);
  if (cls === undefined) {
    cls = { [className]: class extends Base {} }[className] as ErrorClass;
    named.set(key, cls);
  }
  return cls;
}

function define(target: object, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, writable: true, enumerable: false, configurable: true });
}

function rebuildError(s: SerializedError): Error {
  let error: Error;
  if (s.base === 'DOMException' && s.className === 'DOMException') {
    error = new DOMException(s.message, s.name);
  } else if (s.base === 'AggregateError') {
    const Cls = s.className === 'AggregateError' ? AggregateError : classFor('Error', s.className);
    error = Cls === AggregateError ? new AggregateError([], s.message) : new Cls(s.message);
  } else {
    error = new (classFor(s.base, s.className))(s.message);
  }
  if (error.name !== s.name) define(error, 'name', s.name);
  define(error, 'stack', s.stack);
  for (const [key, value] of Object.entries(s.props)) {
    if (s.base === 'DOMException' && key === 'code') continue; // DOMException's code comes with its name
    (error as unknown as Record<string, unknown>)[key] = value;
  }
  for (const [key, value] of Object.entries(s.errorProps)) (error as unknown as Record<string, unknown>)[key] = rebuild(value);
  if (s.cause !== undefined) define(error, 'cause', rebuild(s.cause));
  if (s.errors !== undefined) define(error, 'errors', s.errors.map(rebuild));
  return error;
}

/** What the worker threw, as it was: an Error of its class, or the value itself. */
export function rebuild(thrown: Thrown): unknown {
  return 'error' in thrown ? rebuildError(thrown.error) : thrown.value;
}
