// Blocking helpers of the top-level API: sleep, waitFor, wait, iwait, joinall, killall.
import { block, TIMED_OUT } from './block';
import { checkCount, checkMs, checkOptions, checkTimeout, describeValue, GreenletExit } from './errors';
import { beginPark, cancelPark, currentFiber, errorMsg, inHub, Msg, OK, park, root, schedule, unwrap, valueMsg, wake } from './fiber';
import { engine, runTicks } from './native';
import { Fifo } from './fifo';
import { Greenlet, Waitable } from './greenlet';
import { Timeout } from './timeout';
import { startTimer, TimerHandle } from './timers';

/**
 * Blocks the current greenlet only, for `ms` milliseconds. `sleep(0)` lets
 * every greenlet that is already ready run first, then resumes.
 */
export function sleep(ms = 0): void {
  checkMs(ms, 'ms');
  if (ms === 0) {
    const result = block('sleep(0)', undefined, (wake) => {
      schedule(() => wake(OK));
    });
    if (result !== TIMED_OUT) unwrap(result);
    return;
  }
  // block() written out: a sleeping greenlet then holds a timer and one closure
  // (every minor GC copies what parked greenlets hold), and one frame less.
  const self = currentFiber();
  const seq = beginPark(self, sleepLabel(ms));
  let timer: TimerHandle;
  try {
    timer = startTimer(ms, () => void wake(self, seq, OK));
  } catch (error) {
    cancelPark(self, seq);
    throw error;
  }
  let msg: Msg;
  try {
    msg = park(self, seq, ms >= 1);
  } finally {
    timer.cancel();
  }
  unwrap(msg);
}

let lastSleep = { ms: 0, label: 'sleep(0)' };

/** The park label of sleep(ms); greenlets sleeping alike share it. */
function sleepLabel(ms: number): string {
  if (lastSleep.ms !== ms) lastSleep = { ms, label: `sleep(${ms})` };
  return lastSleep.label;
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (typeof value === 'object' || typeof value === 'function') && value !== null && typeof (value as PromiseLike<unknown>).then === 'function';
}

/**
 * Blocks the current greenlet until `promise` settles: returns its value or
 * throws its reason, or throws a Timeout if `timeout` passes first.
 */
export function waitFor<T>(promise: PromiseLike<T> | T, options: { timeout?: number } = {}): T {
  if (!isThenable(promise)) throw new TypeError(`waitFor() needs a Promise or thenable, got ${describeValue(promise)}`);
  const ms = checkTimeout(checkOptions(options, 'options').timeout);
  let settled = false;
  const result = block('waitFor(promise)', ms, (wake) => {
    promise.then(
      (value) => {
        settled = true;
        wake(valueMsg(value));
      },
      (reason: unknown) => {
        settled = true;
        wake(errorMsg(reason));
      },
    );
    return undefined;
  });
  if (result === TIMED_OUT && !settled) throw new Timeout(ms);
  return unwrap(result === TIMED_OUT ? OK : result) as T;
}

function checkWaitables(objects: unknown, what: string): Waitable[] {
  if (objects === null || typeof objects !== 'object' || typeof (objects as Iterable<unknown>)[Symbol.iterator] !== 'function') {
    throw new TypeError(`${what} must be an iterable of greenlets or events, got ${describeValue(objects)}`);
  }
  // The same object twice is waited for once (it becomes ready once).
  const list = Array.from(new Set(objects as Iterable<unknown>));
  for (const item of list) {
    const candidate = item as Partial<Waitable> | null;
    if (candidate === null || typeof candidate !== 'object' || typeof candidate.rawlink !== 'function' || typeof candidate.unlink !== 'function') {
      throw new TypeError(`${what} must contain only objects with rawlink() and unlink(), got ${describeValue(item)}`);
    }
    if (item === currentFiber() && !(item as Greenlet<unknown>).dead) {
      throw new RangeError(`${String(item)} cannot wait for itself (it would block forever)`);
    }
  }
  return list as Waitable[];
}

/** Yields `objects` as they become ready, until `count` of them did or `timeout` passes. */
export function iwait<T extends Waitable>(objects: Iterable<T>, options: { timeout?: number; count?: number } = {}): Generator<T, void, undefined> {
  // Checked here, at the call, not at the first next().
  const list = checkWaitables(objects, 'objects') as T[];
  const opts = checkOptions(options, 'options');
  const ms = checkTimeout(opts.timeout);
  const count = Math.min(checkCount(opts.count, 'count') ?? list.length, list.length);
  return iwaitChecked(list, ms, count);
}

function* iwaitChecked<T extends Waitable>(list: T[], ms: number | undefined, count: number): Generator<T, void, undefined> {
  const readyQueue = new Fifo<T>();
  let wakeWaiter: (() => void) | undefined;
  const onReady = (source: T): void => {
    readyQueue.push(source);
    wakeWaiter?.();
  };
  const callback = onReady as (source: unknown) => void;
  for (const item of list) item.rawlink(callback);
  const deadline = ms === undefined ? Infinity : Date.now() + ms;
  try {
    for (let yielded = 0; yielded < count; yielded++) {
      while (readyQueue.length === 0) {
        const left = deadline === Infinity ? undefined : Math.max(0, deadline - Date.now());
        const result = block('iwait()', left, (wake) => {
          wakeWaiter = () => void wake(OK);
          return () => {
            wakeWaiter = undefined;
          };
        });
        if (result === TIMED_OUT) return;
        unwrap(result);
      }
      yield readyQueue.shift() as T;
    }
  } finally {
    for (const item of list) item.unlink(callback);
  }
}

/**
 * Waits for `objects` (greenlets, events, anything with rawlink) and returns
 * those that became ready. With no objects (root greenlet only), runs the loop
 * until nothing is left to do and returns true, or false if `timeout` passed.
 */
export function wait<T extends Waitable>(objects?: Iterable<T> | null, options: { timeout?: number; count?: number } = {}): T[] | boolean {
  const opts = checkOptions(options, 'options');
  if (objects === undefined || objects === null) return waitForLoop(checkTimeout(opts.timeout));
  const list = checkWaitables(objects, 'objects') as T[];
  const ms = checkTimeout(opts.timeout);
  const count = Math.min(checkCount(opts.count, 'count') ?? list.length, list.length);
  return collectReady(list, ms, count, false);
}

/**
 * What iwait() yields, collected: the objects in the order they became ready,
 * until `count` did, `timeout` passed, or (`stopAtFailure`) a greenlet among
 * them failed. The waiter is woken once, at the end, not for each object.
 */
function collectReady<T extends Waitable>(list: T[], ms: number | undefined, count: number, stopAtFailure: boolean): T[] {
  const done: T[] = [];
  let failed = false;
  let wakeWaiter: (() => void) | undefined;
  const over = (): boolean => failed || done.length >= count;
  const onReady = (source: T): void => {
    if (over()) return;
    done.push(source);
    if (stopAtFailure && !(source as unknown as Greenlet<unknown>).successful()) failed = true;
    if (over()) wakeWaiter?.();
  };
  const callback = onReady as (source: unknown) => void;
  for (const item of list) item.rawlink(callback);
  try {
    if (!over()) {
      const result = block('iwait()', ms, (wake) => {
        wakeWaiter = () => void wake(OK);
        return () => {
          wakeWaiter = undefined;
        };
      });
      if (result !== TIMED_OUT) unwrap(result);
    }
  } finally {
    for (const item of list) item.unlink(callback);
  }
  return done;
}

function waitForLoop(ms: number | undefined): boolean {
  if (currentFiber() !== root) throw new TypeError('wait() with no objects runs the loop, which only the root greenlet can do');
  if (inHub()) throw new TypeError('wait() with no objects cannot run inside a Hub callback');
  let timedOut = false;
  // Node's setTimeout turns a delay past 2^31 - 1 ms (Infinity too) into 1 ms.
  const timer = ms === undefined || ms > 2 ** 31 - 1 ? undefined : setTimeout(() => (timedOut = true), ms);
  timer?.unref();
  try {
    while (!timedOut) {
      const alive = engine.runOnce();
      if (!alive) {
        runTicks();
        if (!engine.loopAlive()) return true;
      }
    }
    return false;
  } finally {
    if (timer !== undefined) clearTimeout(timer);
  }
}

/**
 * Waits for `greenlets` to finish and returns those that did. `raiseError`
 * rethrows the first failure; `count` stops after that many finished.
 */
export function joinall<T extends Greenlet<unknown>>(
  greenlets: Iterable<T>,
  options: { timeout?: number; raiseError?: boolean; count?: number } = {},
): T[] {
  const opts = checkOptions(options, 'options');
  const list = checkWaitables(greenlets, 'objects') as T[];
  const ms = checkTimeout(opts.timeout as number | undefined);
  const count = Math.min(checkCount(opts.count, 'count') ?? list.length, list.length);
  const raiseError = opts.raiseError === true;
  const done = collectReady(list, ms, count, raiseError);
  const last = done[done.length - 1];
  if (raiseError && last !== undefined && !last.successful()) throw last.exception;
  return done;
}

/**
 * Kills every greenlet (throwing `error` into each) and, by default, waits for
 * them; throws a Timeout if they are not all dead within `timeout` ms.
 */
export function killall(greenlets: Iterable<Greenlet<unknown>>, error: unknown = new GreenletExit(), options: { block?: boolean; timeout?: number } = {}): void {
  const list = checkWaitables(greenlets, 'greenlets') as unknown as Greenlet<unknown>[];
  const opts = checkOptions(options, 'options');
  const ms = checkTimeout(opts.timeout);
  for (const greenlet of list) {
    if (!(greenlet instanceof Greenlet)) throw new TypeError(`killall() takes Greenlets, got ${describeValue(greenlet)}`);
  }
  for (const greenlet of list) greenlet._killNoWait(error);
  if (opts.block === false) return;
  joinall(list, { timeout: ms });
  if (list.some((greenlet) => !greenlet.dead)) throw new Timeout(ms);
}
