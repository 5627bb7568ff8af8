// gevent's queues: Queue (FIFO), LifoQueue, PriorityQueue. Getters and putters
// wait in FIFO lines; a woken waiter re-checks and takes its item or slot
// itself, so a greenlet killed or timed out while blocked takes nothing.
import { checkOptions, checkTimeout, describeValue, Empty, Full } from '../core/errors';
import { Fifo } from '../core/fifo';
import { Compare, Heap, naturalCompare } from '../core/heap';
import { WaitLine } from '../core/waitline';

export { Empty, Full };

/** Put it in a queue to end a `for (const item of queue)` loop. */
export const StopIteration: unique symbol = Symbol.for('tinyevent.StopIteration');
export type StopIteration = typeof StopIteration;

/** What a queue keeps its items in. */
export interface Store<T> {
  readonly length: number;
  push(item: T): void;
  shift(): T | undefined;
  peek(): T | undefined;
}

export interface BlockOptions {
  /** false: never wait, throw Empty/Full at once. */
  block?: boolean;
  /** Milliseconds to wait at most. */
  timeout?: number;
}

/** Checks a queue size: a positive integer or Infinity (undefined/null mean Infinity). */
export function checkMaxsize(maxsize: unknown, hint: string): number {
  if (maxsize === undefined || maxsize === null) return Infinity;
  if (typeof maxsize !== 'number') throw new TypeError(`maxsize must be a number, got ${describeValue(maxsize)}`);
  if (maxsize === 0) throw new RangeError(`maxsize must be positive, got 0: ${hint}`);
  if (maxsize !== Infinity && (!Number.isInteger(maxsize) || maxsize < 0)) {
    throw new RangeError(`maxsize must be a positive integer or Infinity, got ${maxsize}`);
  }
  return maxsize;
}

function checkIterable(value: unknown, what: string): Iterable<unknown> {
  if (value === null || typeof value !== 'object' || typeof (value as Iterable<unknown>)[Symbol.iterator] !== 'function') {
    throw new TypeError(`${what} must be an iterable, got ${describeValue(value)}`);
  }
  return value as Iterable<unknown>;
}

/** @internal Reads `{ block, timeout }`. */
export function blockOptions(options: unknown): { block: boolean; ms: number | undefined } {
  const opts = checkOptions(options, 'options');
  return { block: opts.block !== false, ms: checkTimeout(opts.timeout) };
}

export class Queue<T = unknown> implements Iterable<T> {
  /** The most items it holds; Infinity means unbounded. */
  readonly maxsize: number;
  /** @internal */
  protected readonly _store: Store<T | StopIteration>;
  readonly #getters = new WaitLine(() => this._store.length);
  readonly #putters = new WaitLine(() => this.maxsize - this._store.length);

  constructor(maxsize: number = Infinity, items?: Iterable<T>) {
    this.maxsize = checkMaxsize(maxsize, 'use a Channel for a queue whose put() waits for a getter');
    this._store = this._makeStore();
    this._fill(items);
  }

  /** @internal The store; subclasses pick theirs. */
  protected _makeStore(): Store<T | StopIteration> {
    return new Fifo<T | StopIteration>();
  }

  /** @internal Adds the constructor's initial items. */
  protected _fill(items: Iterable<T> | undefined): void {
    if (items === undefined || items === null) return;
    for (const item of checkIterable(items, 'items') as Iterable<T>) {
      if (this._store.length >= this.maxsize) throw new RangeError(`more initial items than maxsize (${this.maxsize})`);
      this._store.push(item);
    }
  }

  /** @internal Called after each item put (not for the initial items). */
  protected _onPut(): void {}

  qsize(): number {
    return this._store.length;
  }

  empty(): boolean {
    return this._store.length === 0;
  }

  full(): boolean {
    return this._store.length >= this.maxsize;
  }

  /**
   * Adds `item`, waiting for a free slot if the queue is full. Throws Full with
   * `block: false` or once `timeout` ms passed; a greenlet killed while waiting
   * adds nothing.
   */
  put(item: T | StopIteration, options: BlockOptions = {}): void {
    const { block, ms } = blockOptions(options);
    const putters = this.#putters;
    if (putters.canTake() || (block && putters.awaitTurn('Queue.put()', ms))) return this.#insert(item);
    throw new Full();
  }

  putNowait(item: T | StopIteration): void {
    this.put(item, { block: false });
  }

  /**
   * Removes and returns the next item, waiting for one if the queue is empty.
   * Throws Empty with `block: false` or once `timeout` ms passed; a greenlet
   * killed while waiting takes nothing.
   */
  get(options: BlockOptions = {}): T {
    const { block, ms } = blockOptions(options);
    const getters = this.#getters;
    if (getters.canTake() || (block && getters.awaitTurn('Queue.get()', ms))) return this.#take();
    throw new Empty();
  }

  getNowait(): T {
    return this.get({ block: false });
  }

  /** Returns the next item without removing it, waiting for one like get(). */
  peek(options: BlockOptions = {}): T {
    const { block, ms } = blockOptions(options);
    if (this._store.length > 0) return this._store.peek() as T;
    if (!block) throw new Empty();
    const getters = this.#getters;
    if (!getters.awaitTurn('Queue.peek()', ms)) throw new Empty();
    const item = this._store.peek() as T;
    getters.pump(); // the item stays: hand its turn to the next getter
    return item;
  }

  peekNowait(): T {
    return this.peek({ block: false });
  }

  /** Greenlets blocked in get() or peek(). */
  get getters(): number {
    return this.#getters.waiting + this.#getters.reserved;
  }

  /** Greenlets blocked in put(). */
  get putters(): number {
    return this.#putters.waiting + this.#putters.reserved;
  }

  #insert(item: T | StopIteration): void {
    try {
      this._store.push(item); // a PriorityQueue's compare may throw: the store is then unchanged
    } catch (error) {
      if (this.#putters.waiting > 0) this.#putters.pump(); // the slot this put had is free again
      throw error;
    }
    this._onPut();
    if (this.#getters.waiting > 0) this.#getters.pump();
  }

  #take(): T {
    const item = this._store.shift() as T;
    if (this.#putters.waiting > 0) this.#putters.pump();
    return item;
  }

  /** Yields items as get() returns them, until it gets StopIteration. */
  *[Symbol.iterator](): Generator<T, void, undefined> {
    for (;;) {
      const item = this.get() as T | StopIteration;
      if (item === StopIteration) return;
      yield item;
    }
  }

  toString(): string {
    return `<${this.constructor.name} maxsize=${this.maxsize} qsize=${this.qsize()}>`;
  }
}

class Stack<T> implements Store<T> {
  #items: T[] = [];
  get length(): number {
    return this.#items.length;
  }
  push(item: T): void {
    this.#items.push(item);
  }
  shift(): T | undefined {
    return this.#items.pop();
  }
  peek(): T | undefined {
    return this.#items[this.#items.length - 1];
  }
}

/** A queue that returns the most recently put item first. */
export class LifoQueue<T = unknown> extends Queue<T> {
  protected override _makeStore(): Store<T | StopIteration> {
    return new Stack<T | StopIteration>();
  }
}

export interface PriorityQueueOptions<T> {
  /** Orders items, smallest first; default: natural `<` order (arrays compare like tuples). */
  compare?: Compare<T>;
}

// StopIteration sorts last, so it ends an iteration after the real items.
function stopLast<T>(compare: Compare<T>): Compare<T | StopIteration> {
  return (a, b) => (a === StopIteration ? (b === StopIteration ? 0 : 1) : b === StopIteration ? -1 : compare(a, b));
}

/** A queue that returns the smallest item first (a binary heap). */
export class PriorityQueue<T = unknown> extends Queue<T> {
  constructor(maxsize: number = Infinity, items?: Iterable<T>, options: PriorityQueueOptions<T> = {}) {
    super(maxsize); // the items come after the comparator is in place
    const compare = checkOptions(options, 'options').compare;
    if (compare !== undefined) {
      if (typeof compare !== 'function') throw new TypeError(`compare must be a function, got ${describeValue(compare)}`);
      (this._store as Heap<T | StopIteration>).compare = stopLast(compare as Compare<T>);
    }
    this._fill(items);
  }

  protected override _makeStore(): Store<T | StopIteration> {
    return new Heap<T | StopIteration>(stopLast<T>(naturalCompare));
  }
}
