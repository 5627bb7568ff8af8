// gevent's ThreadPool on worker_threads: apply() runs a function in a worker
// and blocks only the calling greenlet. Workers start on demand up to
// maxThreads, run one task at a time, and are unref'd while idle so an idle
// pool never keeps the process alive. A caller killed while it waits gets
// the kill at once: a queued task is dropped, a running one's worker is
// terminated (its work is abandoned) and replaced when needed.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Worker } from 'node:worker_threads';

import { AsyncResult } from '../primitives/asyncresult';
import { block, TIMED_OUT } from '../core/block';
import { checkOptions, checkTimeout, describeValue } from '../core/errors';
import { errorMsg, Msg, OK, unwrap, valueMsg } from '../core/fiber';
import { Fifo } from '../core/fifo';
import { engine } from '../core/native';
import { rebuild, ThreadPoolClosedError } from './errors';
import type { Payload, ResultMessage, TaskMessage } from './protocol';
import { startWorker } from './start';

export interface ThreadPoolOptions {
  /** How many worker threads may run at once (default: the process's CPUs, os.availableParallelism()). */
  maxThreads?: number;
  /** A module (CommonJS or ESM) whose exports apply() may name instead of passing a function. */
  filename?: string | URL;
}

/** A function sent by its source, or the name of an export of the pool's `filename`. */
export type PoolFunction<A extends unknown[] = unknown[], R = unknown> = ((...args: A) => R) | string;

type Settle = (ok: boolean, value: unknown) => void;

interface Task {
  readonly id: number;
  readonly fn: Payload;
  readonly args: unknown[];
  readonly settle: Settle;
  slot: Slot | undefined;
  done: boolean;
}

interface Slot {
  readonly worker: Worker;
  task: Task | undefined;
  retired: boolean;
}

/** The process's CPUs: with TINYEVENT_CPU=shared or auto the calling thread may be pinned to one. */
function processCpus(): number {
  engine.widenCpus(true);
  try {
    return os.availableParallelism();
  } finally {
    engine.widenCpus(false);
  }
}

function checkMaxThreads(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number') throw new TypeError(`maxThreads must be a number, got ${describeValue(value)}`);
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`maxThreads must be a positive integer, got ${value}`);
  return value;
}

function checkFilename(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  let file: string;
  if (value instanceof URL) file = fileURLToPath(value);
  else if (typeof value === 'string' && value !== '') file = value.startsWith('file:') ? fileURLToPath(value) : path.resolve(value);
  else throw new TypeError(`filename must be a path or a file URL, got ${describeValue(value)}`);
  fs.statSync(file); // ENOENT now rather than at the first call
  return file;
}

export class ThreadPool {
  /** undefined: the process's CPUs, counted at first use (creating the default pool costs nothing). */
  #maxThreads: number | undefined;
  readonly #filename: string | undefined;
  readonly #slots = new Set<Slot>();
  readonly #idle: Slot[] = [];
  readonly #queue = new Fifo<Task>();
  readonly #running = new Map<number, Task>();
  #nextId = 1;
  #closed = false;
  /** Wakes close() once no task is queued or running. */
  #onDrained: (() => void) | undefined;

  constructor(options: ThreadPoolOptions = {}) {
    const opts = checkOptions(options, 'options');
    this.#maxThreads = checkMaxThreads(opts.maxThreads);
    this.#filename = checkFilename(opts.filename);
  }

  /** The most worker threads it runs at once. */
  get maxThreads(): number {
    return (this.#maxThreads ??= processCpus());
  }
  /** Worker threads alive now (they start on demand). */
  get size(): number {
    return this.#slots.size;
  }
  /** Tasks queued or running. */
  get pending(): number {
    return this.#queue.length + this.#running.size;
  }
  get closed(): boolean {
    return this.#closed;
  }
  get filename(): string | undefined {
    return this.#filename;
  }

  /**
   * Runs `fn(...args)` in a worker thread and returns its result (a
   * structured clone; a returned promise is awaited there). Blocks only the
   * calling greenlet; throws the worker's error with its class, message,
   * code and stack.
   */
  apply<A extends unknown[], R>(fn: PoolFunction<A, R>, args?: A): Awaited<R> {
    const payload = this.#payload(fn);
    const list = this.#args(args);
    this.#checkOpen();
    let task: Task | undefined;
    const msg = block('ThreadPool.apply()', undefined, (wake) => {
      task = this.#submit(payload, list, (ok, value) => wake(ok ? valueMsg(value) : errorMsg(value)));
      return () => {
        if (task !== undefined && !task.done) this.#cancel(task);
      };
    }, true) as Msg; // patient: the thread sleeps rather than spin against the workers
    return unwrap(msg) as Awaited<R>;
  }

  /** Starts `fn(...args)` in a worker; the AsyncResult gets its value or error. Never blocks. */
  spawn<A extends unknown[], R>(fn: PoolFunction<A, R>, ...args: A): AsyncResult<Awaited<R>> {
    const payload = this.#payload(fn);
    this.#checkOpen();
    const result = new AsyncResult<Awaited<R>>();
    this.#submit(payload, args, (ok, value) => (ok ? result.set(value as Awaited<R>) : result.setException(value)));
    return result;
  }

  /** fn(item) for every item, in worker threads at once; the results in order. The first error (in order) is thrown. */
  map<T, R>(fn: PoolFunction<[T], R>, iterable: Iterable<T>): Awaited<R>[] {
    const payload = this.#payload(fn);
    if (iterable === null || typeof (iterable as { [Symbol.iterator]?: unknown })?.[Symbol.iterator] !== 'function') {
      throw new TypeError(`iterable must be iterable, got ${describeValue(iterable)}`);
    }
    this.#checkOpen();
    const results: AsyncResult<Awaited<R>>[] = [];
    const tasks: Task[] = [];
    try {
      for (const item of iterable) {
        const result = new AsyncResult<Awaited<R>>();
        results.push(result);
        tasks.push(this.#submit(payload, [item], (ok, value) => (ok ? result.set(value as Awaited<R>) : result.setException(value))));
      }
      return results.map((result) => result.get());
    } finally {
      for (const task of tasks) if (!task.done) this.#cancel(task); // an error or a kill: the rest is not wanted
    }
  }

  /**
   * Stops taking work, waits up to `timeout` ms (default: no limit) for the
   * queued and running tasks, fails those left with ThreadPoolClosedError,
   * and ends every worker thread. Blocks the caller; closing twice is harmless.
   */
  close(options: { timeout?: number | null } = {}): void {
    const timeout = checkTimeout(checkOptions(options, 'options').timeout);
    this.#closed = true;
    if (this.pending > 0 && timeout !== 0) {
      const result = block('ThreadPool.close()', timeout, (wake) => {
        this.#onDrained = () => wake(OK);
        return () => {
          this.#onDrained = undefined;
        };
      });
      if (result !== TIMED_OUT) unwrap(result as Msg);
    }
    const error = new ThreadPoolClosedError('the ThreadPool was closed before this task finished');
    for (let task = this.#queue.shift(); task !== undefined; task = this.#queue.shift()) this.#finish(task, false, error);
    for (const task of [...this.#running.values()]) this.#finish(task, false, error);
    const exits = [...this.#slots].map((slot) => this.#retire(slot));
    this.#idle.length = 0;
    if (exits.length === 0) return;
    let left = exits.length;
    const msg = block('ThreadPool.close()', undefined, (wake) => {
      for (const exited of exits) void exited.then(() => --left === 0 && wake(OK));
    }) as Msg;
    unwrap(msg);
  }

  [Symbol.dispose](): void {
    this.close();
  }

  toString(): string {
    return `<ThreadPool ${this.size}/${this.maxThreads} threads, ${this.pending} tasks${this.#closed ? ', closed' : ''}>`;
  }

  #checkOpen(): void {
    if (this.#closed) throw new ThreadPoolClosedError();
  }

  #payload(fn: unknown): Payload {
    if (typeof fn === 'string') {
      if (this.#filename === undefined) throw new TypeError(`fn ${JSON.stringify(fn)} names an export, but this ThreadPool has no filename`);
      if (fn === '') throw new TypeError('fn must name an export of filename, got ""');
      return { name: fn };
    }
    if (typeof fn !== 'function') throw new TypeError(`fn must be a function or the name of an export of filename, got ${describeValue(fn)}`);
    const source = Function.prototype.toString.call(fn);
    if (/\{\s*\[native code\]\s*\}$/.test(source)) {
      throw new TypeError(`fn must be a self-contained function (its source is sent to the worker); ${fn.name || 'it'} is native or bound`);
    }
    return { source };
  }

  #args(args: unknown): unknown[] {
    if (args === undefined) return [];
    if (!Array.isArray(args)) throw new TypeError(`args must be an array, got ${describeValue(args)}`);
    return args;
  }

  #submit(fn: Payload, args: unknown[], settle: Settle): Task {
    const task: Task = { id: this.#nextId++, fn, args, settle, slot: undefined, done: false };
    const slot = this.#freeSlot();
    if (slot !== undefined) this.#dispatch(slot, task);
    else this.#queue.push(task);
    return task;
  }

  #freeSlot(): Slot | undefined {
    const idle = this.#idle.pop();
    if (idle !== undefined) return idle;
    return this.#slots.size < this.maxThreads ? this.#startWorker() : undefined;
  }

  #startWorker(): Slot {
    const worker = startWorker({ workerData: { filename: this.#filename } });
    const slot: Slot = { worker, task: undefined, retired: false };
    worker.on('message', (message: ResultMessage) => this.#onResult(slot, message));
    worker.on('error', (error: Error) => this.#onCrash(slot, error));
    worker.on('exit', (code: number) => this.#onCrash(slot, new Error(`the ThreadPool worker exited with code ${code} while running this task`)));
    this.#slots.add(slot);
    return slot;
  }

  #dispatch(slot: Slot, task: Task): void {
    slot.task = task;
    task.slot = slot;
    this.#running.set(task.id, task);
    slot.worker.ref();
    try {
      slot.worker.postMessage({ id: task.id, fn: task.fn, args: task.args } satisfies TaskMessage);
    } catch (error) {
      this.#finish(task, false, error); // arguments that cannot be cloned (DataCloneError)
      this.#release(slot);
    }
  }

  #onResult(slot: Slot, message: ResultMessage): void {
    const task = slot.task;
    if (slot.retired || task === undefined || task.id !== message.id) return;
    if (message.ok) this.#finish(task, true, message.value);
    else this.#finish(task, false, rebuild(message.thrown));
    this.#release(slot);
  }

  /** The worker died (an uncaught error outside the task's promise, process.exit()): its task fails. */
  #onCrash(slot: Slot, error: Error): void {
    if (slot.retired) return;
    const task = slot.task;
    void this.#retire(slot);
    if (task !== undefined) this.#finish(task, false, error);
    this.#pump();
  }

  #finish(task: Task, ok: boolean, value: unknown): void {
    if (task.done) return;
    task.done = true;
    this.#running.delete(task.id);
    if (task.slot !== undefined && task.slot.task === task) task.slot.task = undefined;
    task.settle(ok, value);
    if (this.pending === 0) this.#onDrained?.();
  }

  /** The slot is free: it takes the next queued task, or idles unref'd. */
  #release(slot: Slot): void {
    if (slot.retired) return;
    slot.task = undefined;
    const next = this.#nextQueued();
    if (next !== undefined) return this.#dispatch(slot, next);
    slot.worker.unref();
    this.#idle.push(slot);
  }

  #nextQueued(): Task | undefined {
    for (let task = this.#queue.shift(); task !== undefined; task = this.#queue.shift()) if (!task.done) return task;
    return undefined;
  }

  /** Starts queued tasks on new workers while there is room (after a worker was retired). */
  #pump(): void {
    while (this.#queue.length > 0 && this.#slots.size < this.maxThreads && !this.#closed) {
      const next = this.#nextQueued();
      if (next === undefined) return;
      this.#dispatch(this.#startWorker(), next);
    }
  }

  /** Drops a task nobody waits for: from the queue, or by terminating the worker that runs it. */
  #cancel(task: Task): void {
    const slot = task.slot;
    task.done = true;
    this.#running.delete(task.id);
    if (slot === undefined) {
      this.#queue.remove(task);
    } else if (slot.task === task) {
      void this.#retire(slot);
      this.#pump();
    }
    if (this.pending === 0) this.#onDrained?.();
  }

  /** Takes the slot out of the pool and ends its thread; resolves once it exited. */
  #retire(slot: Slot): Promise<unknown> {
    if (!slot.retired) {
      slot.retired = true;
      this.#slots.delete(slot);
      const at = this.#idle.indexOf(slot);
      if (at >= 0) this.#idle.splice(at, 1);
      slot.task = undefined;
    }
    return slot.worker.terminate();
  }
}
