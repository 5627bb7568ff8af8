// The shape zlib and crypto patches share: a synchronous function whose
// asynchronous form takes the same arguments plus a Node-style callback and
// runs on libuv's thread pool. Inside a greenlet the patched function starts
// that form and blocks only the caller; an argument the form rejects while
// starting falls back to the original, so validation errors are its own.
import { callOriginal, cooperative, NodeCallback, viaTwin } from './cooperate';

export type Fn = (...args: unknown[]) => unknown;
/** Starts the asynchronous form for these arguments, or undefined: "call the original". */
export type Plan = (args: unknown[]) => ((callback: NodeCallback<unknown>) => void) | undefined;

/** Drops trailing undefined arguments past the first `keep`, so optional ones stay optional for the twin. */
export function positional(args: unknown[], arity: number): unknown[] {
  let end = Math.min(args.length, arity);
  while (end > 0 && args[end - 1] === undefined) end--;
  return args.slice(0, end);
}

/** The usual plan: the first `arity` arguments, then the callback, whose value is the result. */
export function withCallback(twin: () => Fn, arity: number): Plan {
  return (args) => (callback) => void twin()(...positional(args, arity), callback);
}

/** Wraps `original` so a cooperative call runs `plan`'s asynchronous form. */
export function cooperativeVersion(label: string, original: Fn, plan: Plan): Fn {
  const patched = function (this: unknown): unknown {
    // `arguments`, not a rest parameter: the plain path stays as cheap as a direct call.
    // eslint-disable-next-line prefer-rest-params
    if (!cooperative()) return original.apply(this, arguments as unknown as unknown[]);
    // eslint-disable-next-line prefer-rest-params
    const args = Array.prototype.slice.call(arguments) as unknown[];
    const start = plan(args);
    if (start === undefined) return callOriginal(original, this, args, patched);
    // CPU work on libuv's pool: the greenlet's thread sleeps rather than spin against it.
    return viaTwin(label, patched, start, () => callOriginal(original, this, args, patched), true);
  };
  return patched;
}
