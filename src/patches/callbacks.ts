// callbacks (register's default): plain setTimeout / setImmediate / setInterval
// callbacks, and the 'request' handlers of http and https servers, each run on
// a greenlet thread of their own, started at once from the timer or the
// emit (no reordering). A callback that never blocks runs to completion
// before the timer returns, exactly as before; one that blocks (a patched
// execSync, readFileSync, Atomics.wait...) parks only itself and the loop goes
// on, so callbacks that block overlap instead of nesting inside each other.
//
// Why: the root greenlet blocks by turning the loop itself, so blocking root
// callbacks nest (the last one must finish before the first can resume), and a
// root wait inside a timer callback cannot see other timers fire at all.
//
// Preserved: `this` (the Timeout / Immediate), arguments, the returned handle,
// clearTimeout, util.promisify, and errors: a callback that throws before
// blocking throws from the timer as before; one that throws after blocking
// throws from a nextTick (an uncaught exception either way). An interval's
// callback never overlaps itself: a tick that comes while the previous one is
// still blocked is skipped.
import { AsyncResource } from 'node:async_hooks';
import { syncBuiltinESMExports } from 'node:module';
import http = require('node:http');
import https = require('node:https');
import timers = require('node:timers');

import { currentFiber, ensureThread, Fiber, hub, inHub, root, startFiber } from '../core/fiber';
import { dressAs, isTargetPatched, markPatched, patchItem, restoreModule } from './registry';

type Fn = (...args: unknown[]) => unknown;

class CallbackFiber extends Fiber {
  #fn: Fn;
  #self: unknown;
  #args: unknown[];
  /** Set once the timer has returned while the callback was still blocked. */
  detached = false;
  finished = false;
  failed = false;
  error: unknown = undefined;

  constructor(fn: Fn, self: unknown, args: unknown[]) {
    super();
    this.#fn = fn;
    this.#self = self;
    this.#args = args;
    this._async = new AsyncResource('tinyevent.callback', { requireManualDestroy: true });
  }
  override get dead(): boolean {
    return this.finished;
  }
  _parentFiber(): Fiber | null {
    return hub;
  }
  _deliver(): boolean {
    return false;
  }
  _body(): Fiber {
    try {
      this.#fn.apply(this.#self, this.#args);
    } catch (error) {
      this.failed = true;
      this.error = error;
      if (this.detached) {
        process.nextTick(() => {
          throw error;
        });
      }
    }
    this.finished = true;
    this._async?.emitDestroy();
    return hub;
  }
  override toString(): string {
    return '<callback greenlet>';
  }
}

/** Runs `fn` on a thread of its own now; returns whether it is still running (blocked). */
function runInGreenlet(fn: Fn, self: unknown, args: unknown[]): boolean {
  if (currentFiber() !== root || inHub()) {
    fn.apply(self, args);
    return false;
  }
  const fiber = new CallbackFiber(fn, self, args);
  try {
    ensureThread(fiber);
  } catch {
    fn.apply(self, args); // no thread to be had: run it as a plain callback
    return false;
  }
  startFiber(fiber);
  if (!fiber.finished) {
    fiber.detached = true;
    return true;
  }
  if (fiber.failed) throw fiber.error;
  return false;
}

function wrapOnce(callback: unknown): unknown {
  if (typeof callback !== 'function') return callback; // the original rejects it
  return function (this: unknown, ...args: unknown[]): void {
    runInGreenlet(callback as Fn, this, args);
  };
}

function wrapInterval(callback: unknown): unknown {
  if (typeof callback !== 'function') return callback;
  let running = false;
  return function (this: unknown, ...args: unknown[]): void {
    if (running) return;
    running = true;
    let blocked = false;
    try {
      blocked = runInGreenlet(
        function (this: unknown, ...inner: unknown[]): void {
          try {
            (callback as Fn).apply(this, inner);
          } finally {
            running = false;
          }
        },
        this,
        args,
      );
    } finally {
      if (!blocked) running = false;
    }
  };
}

function makeScheduler(original: Fn, wrap: (callback: unknown) => unknown): Fn {
  const scheduler = function (this: unknown, callback: unknown, ...rest: unknown[]): unknown {
    return original.call(this, wrap(callback), ...rest);
  };
  return dressAs(scheduler, original);
}

// A server's 'request' event runs its listeners in one greenlet per request.
function makeServerEmit(original: Fn): Fn {
  return function emit(this: http.Server, event: unknown, ...args: unknown[]): unknown {
    if (event !== 'request') return original.call(this, event, ...args);
    const listened = this.listenerCount('request') > 0;
    runInGreenlet(original, this, [event, ...args]);
    return listened;
  };
}

/** Runs plain timer callbacks and server request handlers in greenlets of their own; harmless if already done. */
export function patchCallbacksModule(): void {
  if (isTargetPatched('callbacks')) return;
  const table: [string, (callback: unknown) => unknown][] = [
    ['setTimeout', wrapOnce],
    ['setImmediate', wrapOnce],
    ['setInterval', wrapInterval],
  ];
  const timersTable = timers as unknown as Record<string, Fn>;
  for (const [name, wrap] of table) {
    const replacement = makeScheduler(timersTable[name], wrap);
    // The global and the timers module export the same function: keep them the same.
    if ((globalThis as unknown as Record<string, Fn>)[name] === timersTable[name]) patchItem('globalThis', globalThis, name, replacement);
    patchItem('timers', timers, name, replacement);
  }
  for (const [moduleName, server] of [
    ['http.Server.prototype', http.Server.prototype],
    ['https.Server.prototype', https.Server.prototype],
  ] as const) {
    patchItem(moduleName, server, 'emit', makeServerEmit(server.emit as Fn));
  }
  syncBuiltinESMExports();
  markPatched('callbacks', () => {
    restoreModule('https.Server.prototype');
    restoreModule('http.Server.prototype');
    restoreModule('timers');
    restoreModule('globalThis');
    syncBuiltinESMExports();
  });
}
