// When a patched call may yield, and the one way it waits for an asynchronous twin.
//
// Policy (see monkey.ts for the user-facing summary):
// - in a spawned greenlet (or a plain callback that register runs on a thread): yield;
// - inside Hub callbacks (inHub()), while a module loads (require() reads files
//   and resolves paths with the public fs functions: yielding there would show
//   other greenlets half-initialised modules), or while the process exits: call
//   the original;
// - in the root greenlet: yield only while other greenlets exist, so plain
//   scripts keep their exact synchronous behaviour and cost.
import Module from 'node:module';

import { block } from '../core/block';
import { currentFiber, errorMsg, Fiber, greenletThreads, hubQueueLength, inHub, microtasksCanRun, Msg, root, unwrap, valueMsg } from '../core/fiber';

// Per fiber: a greenlet inside require() must not make the others use the originals.
const loaderDepth = new Map<Fiber, number>();

function othersExist(): boolean {
  return hubQueueLength() > 0 || greenletThreads() > 0;
}

/**
 * True if a patched call made now should run its twin and block only this
 * greenlet. `settlesPromises`: the twin waits on a promise, which a root
 * greenlet blocked inside a microtask (code after an `await`, an ES module's
 * top level) could never see settle: V8 runs no nested microtask checkpoint.
 */
export function cooperative(settlesPromises = false): boolean {
  const fiber = currentFiber();
  // The root first, and cheapest: a plain script (no other greenlet) keeps its cost.
  // inHub() describes the main thread: a greenlet started from a Hub callback may block.
  if (fiber === root && (!othersExist() || inHub() || (process as { _exiting?: boolean })._exiting === true)) return false;
  if (loaderDepth.size > 0 && loaderDepth.has(fiber)) return false;
  return fiber !== root || !settlesPromises || microtasksCanRun();
}

/** Runs `fn` as module-loader code: patched calls inside it use the originals. */
export function asLoader<T>(fn: () => T): T {
  const fiber = currentFiber();
  loaderDepth.set(fiber, (loaderDepth.get(fiber) ?? 0) + 1);
  try {
    return fn();
  } finally {
    const depth = (loaderDepth.get(fiber) ?? 1) - 1;
    if (depth === 0) loaderDepth.delete(fiber);
    else loaderDepth.set(fiber, depth);
  }
}

type LoaderFn = (this: unknown, ...args: unknown[]) => unknown;
interface Loader {
  _load: LoaderFn;
  _resolveFilename: LoaderFn;
}
let loaderUsers = 0;
let loaderSaved: { load: LoaderFn; resolve: LoaderFn } | undefined;

/** Makes require() and require.resolve() use the original fs functions (counted: fs and net both need it). */
export function guardLoader(): () => void {
  const loader = Module as unknown as Loader;
  if (loaderUsers++ === 0) {
    const load = loader._load;
    const resolve = loader._resolveFilename;
    loaderSaved = { load, resolve };
    loader._load = function _load(this: unknown, ...args: unknown[]): unknown {
      return asLoader(() => load.apply(this, args));
    };
    loader._resolveFilename = function _resolveFilename(this: unknown, ...args: unknown[]): unknown {
      return asLoader(() => resolve.apply(this, args));
    };
  }
  let released = false;
  return () => {
    if (released) return;
    released = true;
    if (--loaderUsers === 0 && loaderSaved !== undefined) {
      loader._load = loaderSaved.load;
      loader._resolveFilename = loaderSaved.resolve;
      loaderSaved = undefined;
    }
  };
}

export type NodeCallback<T> = (error: unknown, value?: T) => void;

/**
 * Starts an asynchronous operation and blocks the current greenlet until its
 * Node-style callback fires. An error it reports gets a stack that starts at
 * `caller`'s call site, as the synchronous original's would. `patient`: the
 * operation takes a while (CPU work on libuv's pool): the greenlet's thread
 * sleeps at once instead of spinning for the baton, leaving the cores to it.
 */
export function awaitCallback<T>(label: string, caller: (...args: never[]) => unknown, start: (callback: NodeCallback<T>) => void, patient = false): T {
  let failure: unknown = undefined;
  const msg = block(label, undefined, (wake) => {
    start((error, value) => {
      if (error) {
        failure = error;
        wake(errorMsg(error));
      } else {
        wake(valueMsg(value));
      }
    });
  }, patient) as Msg;
  try {
    return unwrap(msg) as T;
  } catch (error) {
    if (error === failure && error instanceof Error) Error.captureStackTrace(error, caller);
    throw error;
  }
}

/** Blocks the current greenlet until `promise` settles, trimming the stack of its rejection like awaitCallback. */
export function awaitPromise<T>(label: string, caller: (...args: never[]) => unknown, promise: PromiseLike<T>): T {
  return awaitCallback<T>(label, caller, (callback) => {
    promise.then(
      (value) => callback(null, value),
      (error: unknown) => callback(error ?? new Error(String(error))),
    );
  });
}

/**
 * Calls the original for a call the cooperative path does not model (most
 * often an argument the original itself rejects); its error's stack then
 * starts at the caller, without tinyevent's frames.
 */
export function callOriginal<T>(original: (...args: never[]) => unknown, self: unknown, args: unknown[], caller: (...args: never[]) => unknown): T {
  try {
    return (original as (...a: unknown[]) => T).apply(self, args);
  } catch (error) {
    if (error instanceof Error) Error.captureStackTrace(error, caller);
    throw error;
  }
}

/**
 * Calls the twin through awaitCallback; if the twin throws while starting (an
 * argument check), calls the original instead, so the error is exactly its own.
 */
export function viaTwin<T>(
  label: string,
  caller: (...args: never[]) => unknown,
  start: (callback: NodeCallback<T>) => void,
  fallback: () => T,
  patient = false,
): T {
  let started = false;
  let startError: unknown;
  try {
    return awaitCallback<T>(label, caller, (callback) => {
      try {
        start(callback);
        started = true;
      } catch (error) {
        startError = error;
        throw error;
      }
    }, patient);
  } catch (error) {
    if (!started && error === startError) return fallback();
    throw error;
  }
}

