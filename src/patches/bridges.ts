// Sync bridges: libraries that call a worker synchronously (synckit,
// make-synchronized, hand-written ones) "post a request, Atomics.wait on a
// shared counter, read the reply with receiveMessageOnPort", written for one
// call in flight. With greenlets a second call would post while the first
// waits, the worker may answer it first, and whichever caller wakes first
// reads the other's reply. Replies carry no address tinyevent could route by
// (make-synchronized's carry none at all), so each bridge's calls run one at
// a time, in order, while other greenlets (and calls through other bridges)
// keep running:
// - a bridge is the port a greenlet posted to right before it waited in
//   Atomics.wait (worker.postMessage posts to the worker's own port), and the
//   location it waited on;
// - while one call is in flight, a greenlet posting to its bridge waits there
//   (first come, first served) until that call has read its reply, timed out,
//   or blocked on something else;
// - its Atomics.wait on the bridge's location then waits for the value to
//   move on from what it was when its post went out: a counter it read before
//   posting may have moved meanwhile, for the calls before it.
//
// Waits on one SharedArrayBuffer location also take turns (inTurn): a library
// made for one waiter per thread wakes one waiter (Atomics.notify(.., 1)), so a
// second greenlet waiting there would sleep until its timeout; in turn, it sees
// the value has changed and returns 'not-equal', as a later waiter would.
import worker = require('node:worker_threads');
import Module from 'node:module';

import { block } from '../core/block';
import type { Wake } from '../core/block';
import { currentFiber, Fiber, Msg, OK, schedule, unwrap } from '../core/fiber';
import { Lock } from '../primitives/semaphore';
import { cooperative } from './cooperate';
import { dressAs, patchItem, restoreModule } from './registry';

type Post = (this: object, ...args: unknown[]) => void;
type Receive = (port: unknown) => { message: unknown } | undefined;
type View = Int32Array | BigInt64Array;

interface Location {
  readonly view: View;
  readonly index: number;
}

interface Bridge {
  /** The caller whose call is in flight; null while the next caller is being handed the bridge. */
  holder: Fiber | null | undefined;
  readonly queue: { fiber: Fiber; wake: Wake }[];
  location?: Location;
}

/** Posted-to port → its bridge. */
const bridges = new WeakMap<object, Bridge>();
/** The port each fiber posted to since its last wait. */
const lastPost = new WeakMap<Fiber, object>();
/** The bridge each fiber is making a call through. */
const holding = new WeakMap<Fiber, Bridge>();
/** The bridge location's value when a fiber's post went out, until its wait uses it. */
const baseOf = new WeakMap<Fiber, unknown>();
/** Fibers inside a patched Atomics.wait now. */
const waiting = new WeakSet<Fiber>();

function locationOf(view: unknown, index: unknown): Location | undefined {
  if (!(view instanceof Int32Array || view instanceof BigInt64Array)) return undefined;
  const i = Number(index);
  return Number.isInteger(i) && i >= 0 && i < view.length ? { view, index: i } : undefined;
}

function sameLocation(a: Location | undefined, b: Location | undefined): boolean {
  return a !== undefined && b !== undefined && a.view.buffer === b.view.buffer && a.view.byteOffset + a.index * a.view.BYTES_PER_ELEMENT === b.view.byteOffset + b.index * b.view.BYTES_PER_ELEMENT;
}

function hold(bridge: Bridge, fiber: Fiber): void {
  bridge.holder = fiber;
  holding.set(fiber, bridge);
}

/** Gives the bridge to the first greenlet waiting to post through it. */
function handOn(bridge: Bridge): void {
  const next = bridge.queue.shift();
  if (next === undefined) {
    bridge.holder = undefined;
    return;
  }
  hold(bridge, next.fiber);
  next.wake(OK);
}

/** The call `fiber` makes through its bridge is over: the next caller goes on (from the Hub). */
function finishCall(fiber: Fiber): void {
  const bridge = holding.get(fiber);
  if (bridge === undefined) return;
  holding.delete(fiber);
  baseOf.delete(fiber);
  if (bridge.holder !== fiber) return;
  bridge.holder = null;
  // After the caller's own code has gone on (synckit spends the notification after reading).
  schedule(() => handOn(bridge));
}

/** Blocks `fiber` until the bridge is handed to it. */
function waitForBridge(bridge: Bridge, fiber: Fiber): void {
  const entry = { fiber, wake: undefined as unknown as Wake };
  let msg: Msg;
  try {
    msg = block('postMessage() (a sync bridge busy with another call)', undefined, (wake) => {
      entry.wake = wake;
      bridge.queue.push(entry);
      return () => {
        const index = bridge.queue.indexOf(entry);
        if (index >= 0) bridge.queue.splice(index, 1);
      };
    }) as Msg;
  } catch (error) {
    if (bridge.holder === fiber) finishCall(fiber);
    throw error;
  }
  if (msg.error && bridge.holder === fiber) finishCall(fiber); // killed just as it was handed the bridge
  unwrap(msg);
}

function makePost(original: Post): Post {
  const postMessage = function postMessage(this: object, ...args: unknown[]): void {
    if (!cooperative()) return original.apply(this, args);
    const fiber = currentFiber();
    const bridge = bridges.get(this);
    if (bridge !== undefined && holding.get(fiber) !== bridge) {
      finishCall(fiber); // a call through another bridge is over
      if (bridge.holder === undefined && bridge.queue.length === 0) hold(bridge, fiber);
      else waitForBridge(bridge, fiber);
      if (bridge.location !== undefined) baseOf.set(fiber, Atomics.load(bridge.location.view as Int32Array, bridge.location.index));
      // A sync call waits right after posting; a post that is not followed by a
      // wait (an asynchronous message to the same worker) holds nothing.
      schedule(() => {
        if (holding.get(fiber) === bridge && !waiting.has(fiber)) finishCall(fiber);
      });
    }
    lastPost.set(fiber, this);
    return original.apply(this, args);
  };
  return dressAs(postMessage, original);
}

function makeReceive(original: Receive): Receive {
  const receiveMessageOnPort = function receiveMessageOnPort(port: unknown): { message: unknown } | undefined {
    const result = original(port);
    if (result !== undefined) finishCall(currentFiber());
    return result;
  };
  return dressAs(receiveMessageOnPort, original);
}

/**
 * Around a cooperative Atomics.wait(view, index, expected, ms): `wait(expected)`
 * does the waiting. The first wait after a post through a bridge waits from
 * the value the bridge's location had when that post went out.
 */
export function bridgeWait(view: unknown, index: unknown, expected: unknown, wait: (expected: unknown) => string): string {
  const fiber = currentFiber();
  const location = locationOf(view, index);
  const port = lastPost.get(fiber);
  lastPost.delete(fiber);
  if (port !== undefined && location !== undefined && !bridges.has(port) && !holding.has(fiber)) {
    const bridge: Bridge = { holder: undefined, queue: [], location };
    bridges.set(port, bridge);
    hold(bridge, fiber); // free: nobody knew it was a bridge
  }
  const bridge = holding.get(fiber);
  if (bridge !== undefined && baseOf.has(fiber) && sameLocation(bridge.location, location)) {
    expected = baseOf.get(fiber);
    baseOf.delete(fiber);
  }
  waiting.add(fiber);
  let result = 'timed-out';
  try {
    result = wait(expected);
    return result;
  } finally {
    waiting.delete(fiber);
    if (holding.has(fiber)) {
      if (result === 'timed-out') finishCall(fiber);
      // The Hub runs this once the caller has blocked again: unless that is
      // another wait of the same call, the call is over.
      else
        schedule(() => {
          if (!waiting.has(fiber)) finishCall(fiber);
        });
    }
  }
}

/** Patches MessagePort.prototype.postMessage and receiveMessageOnPort; returns the undo. */
export function patchBridges(): () => void {
  patchItem('MessagePort.prototype', worker.MessagePort.prototype, 'postMessage', makePost(worker.MessagePort.prototype.postMessage as Post));
  patchItem('worker_threads', worker, 'receiveMessageOnPort', makeReceive(worker.receiveMessageOnPort as Receive));
  Module.syncBuiltinESMExports();
  return () => {
    restoreModule('worker_threads');
    restoreModule('MessagePort.prototype');
    Module.syncBuiltinESMExports();
  };
}

// ------------------------------------------------------------- wait turns

interface Turn {
  readonly lock: Lock;
  users: number;
}
const turns = new WeakMap<ArrayBufferLike, Map<number, Turn>>();

/** Runs `wait` once no other greenlet waits on `buffer[index]` (first come, first served). */
export function inTurn<T>(buffer: ArrayBufferLike, index: number, wait: () => T): T {
  let locations = turns.get(buffer);
  if (locations === undefined) turns.set(buffer, (locations = new Map()));
  let turn = locations.get(index);
  if (turn === undefined) locations.set(index, (turn = { lock: new Lock(), users: 0 }));
  turn.users++;
  try {
    turn.lock.acquire();
    try {
      return wait();
    } finally {
      turn.lock.release();
    }
  } finally {
    if (--turn.users === 0) locations.delete(index);
  }
}
