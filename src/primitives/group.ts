// gevent's Group: a set of greenlets to join, kill and map over together.
// Greenlets leave it when they die (a link, run on the Hub).
import { checkCount, checkFunction, checkOptions, checkTimeout, describeValue, GreenletExit } from '../core/errors';
import { Event } from './event';
import { Greenlet, spawn } from '../core/greenlet';
import { Queue } from './queue';
import { getcurrent, RawGreenlet } from '../core/raw';
import { Deadline } from '../core/waitline';

export interface KillOptions {
  /** false: throw the error in and return at once. */
  block?: boolean;
  /** Milliseconds to wait for them to die at most. */
  timeout?: number;
}

export interface JoinOptions {
  timeout?: number;
  /** Throw the error of the first member (present at the call) that failed. */
  raiseError?: boolean;
}

export interface ImapOptions {
  /** How many greenlets run at once at most (default: no bound but the pool's). */
  maxsize?: number;
}

type AnyGreenlet = Greenlet<unknown>;
/**
 * What the constructors take: any Greenlet<T> (Greenlet is invariant in T, so
 * Greenlet<unknown> would refuse a Greenlet<number>); checked at run time.
 */
export type SomeGreenlet = RawGreenlet<[], unknown>;

function checkGreenlet(value: unknown): AnyGreenlet {
  if (!(value instanceof Greenlet)) throw new TypeError(`expected a Greenlet, got ${describeValue(value)}`);
  return value as AnyGreenlet;
}

function checkIterable<T>(value: unknown): Iterable<T> {
  if (value === null || (typeof value !== 'object' && typeof value !== 'string') || typeof (value as Iterable<T>)[Symbol.iterator] !== 'function') {
    throw new TypeError(`iterable must be an iterable, got ${describeValue(value)}`);
  }
  return value as Iterable<T>;
}

function checkArgs<A extends unknown[]>(args: A | undefined): A {
  const list = args ?? ([] as unknown[] as A);
  if (!Array.isArray(list)) throw new TypeError(`args must be an array, got ${describeValue(args)}`);
  return list;
}

export class Group implements Iterable<AnyGreenlet> {
  readonly #greenlets = new Set<AnyGreenlet>();
  readonly #empty = new Event();
  readonly #onDeath = (greenlet: AnyGreenlet): void => this.discard(greenlet);

  constructor(greenlets?: Iterable<SomeGreenlet>) {
    this.#empty.set();
    if (greenlets !== undefined) for (const greenlet of checkIterable<AnyGreenlet>(greenlets)) this.add(greenlet);
  }

  /** How many greenlets it holds. */
  get size(): number {
    return this.#greenlets.size;
  }

  has<T>(greenlet: Greenlet<T>): boolean {
    return this.#greenlets.has(greenlet as unknown as AnyGreenlet);
  }

  /** Adds a greenlet; it leaves the group when it dies. */
  add<T>(greenlet: Greenlet<T>): void {
    const g = checkGreenlet(greenlet);
    if (this.#greenlets.has(g)) return;
    this.#greenlets.add(g);
    this.#empty.clear();
    g.rawlink(this.#onDeath);
  }

  /** Removes a greenlet (without killing it). */
  discard<T>(greenlet: Greenlet<T>): void {
    const g = greenlet as unknown as AnyGreenlet;
    if (!this.#greenlets.delete(g)) return;
    g.unlink(this.#onDeath);
    if (this.#greenlets.size === 0) this.#empty.set();
    this._onDiscard(g);
  }

  /** @internal Called once a member left (Pool frees its slot). */
  protected _onDiscard(_greenlet: AnyGreenlet): void {}

  /** Adds a greenlet that was created but not started, and starts it. */
  start<T>(greenlet: Greenlet<T>): void {
    this.add(greenlet);
    greenlet.start();
  }

  /** A Group never runs out of room (Pool overrides this). */
  full(): boolean {
    return false;
  }

  /** Returns at once for a Group (Pool waits for a free slot); the free slots. */
  waitAvailable(timeout?: number): number {
    checkTimeout(timeout);
    return Infinity;
  }

  /** Creates a greenlet running `fn(...args)`, adds it and starts it. */
  spawn<T, A extends unknown[]>(fn: (...args: A) => T, ...args: A): Greenlet<T> {
    checkFunction(fn, 'fn');
    const greenlet = new Greenlet<T>(fn as unknown as (...args: never[]) => T, ...args);
    this.start(greenlet);
    return greenlet;
  }

  /**
   * Waits until the group is empty; returns false if `timeout` ms passed first.
   * With `raiseError`, then throws the error of the first member that failed.
   */
  join(options: JoinOptions = {}): boolean {
    const opts = checkOptions(options, 'options');
    const deadline = new Deadline(checkTimeout(opts.timeout));
    const watched = opts.raiseError === true ? Array.from(this.#greenlets) : [];
    while (this.#greenlets.size > 0) {
      if (!this.#empty.wait(deadline.remaining())) break;
    }
    for (const greenlet of watched) {
      if (greenlet.dead && !greenlet.successful()) throw greenlet.exception;
    }
    return this.#greenlets.size === 0;
  }

  /** Kills every member (and any added meanwhile) and, by default, waits for them to die. */
  kill(error: unknown = new GreenletExit(), options: KillOptions = {}): void {
    const opts = checkOptions(options, 'options');
    const deadline = new Deadline(checkTimeout(opts.timeout));
    const killed = new Set<AnyGreenlet>();
    while (this.#greenlets.size > 0) {
      for (const greenlet of Array.from(this.#greenlets)) {
        if (killed.has(greenlet)) continue;
        killed.add(greenlet);
        greenlet.kill(error, { block: false });
      }
      if (opts.block === false) return;
      if (!this.#empty.wait(deadline.remaining())) return;
    }
  }

  /** Kills `greenlet` if it is a member. */
  killone<T>(greenlet: Greenlet<T>, error: unknown = new GreenletExit(), options: KillOptions = {}): void {
    const g = checkGreenlet(greenlet);
    if (this.#greenlets.has(g)) g.kill(error, options);
  }

  /** `fn(...args)` in a new member, waiting for its result; runs inline if called from a member. */
  apply<T, A extends unknown[]>(fn: (...args: A) => T, args?: A): T {
    checkFunction(fn, 'fn');
    const list = checkArgs(args);
    const current = getcurrent();
    if (current instanceof Greenlet && this.#greenlets.has(current as AnyGreenlet)) return fn(...list);
    return this.spawn(fn, ...list).get();
  }

  /** apply(), then `callback(result)` in a new greenlet (not a member) if given; returns the result. */
  applyCb<T, A extends unknown[]>(fn: (...args: A) => T, args?: A, callback?: (result: T) => void): T {
    checkFunction(fn, 'fn');
    const list = checkArgs(args);
    if (callback !== undefined) checkFunction(callback, 'callback');
    const result = this.apply(fn, list);
    if (callback !== undefined) spawn(callback, result);
    return result;
  }

  /**
   * `fn(...args)` in a greenlet, returned at once: never blocks, even when a
   * Pool is full (then the greenlet returned is not a member: it waits for a
   * slot and runs `fn` in a member). `callback(result)` runs in a new
   * greenlet once `fn` returned; not after a failure.
   */
  applyAsync<T, A extends unknown[]>(fn: (...args: A) => T, args?: A, callback?: (result: T) => void): Greenlet<T> {
    checkFunction(fn, 'fn');
    const list = checkArgs(args);
    if (callback !== undefined) checkFunction(callback, 'callback');
    if (this.full()) return spawn(() => this.applyCb(fn, list, callback));
    const greenlet = this.spawn(fn, ...list);
    if (callback !== undefined) greenlet.linkValue((done) => void spawn(callback, done.value as T));
    return greenlet;
  }

  /** `fn(item)` for every item, each in a member greenlet; the results in order. */
  map<I, R>(fn: (item: I) => R, iterable: Iterable<I>): R[] {
    return Array.from(this.imap(fn, iterable));
  }

  /** map(), then `callback(results)` in this greenlet if given; returns the results. */
  mapCb<I, R>(fn: (item: I) => R, iterable: Iterable<I>, callback?: (results: R[]) => void): R[] {
    if (callback !== undefined) checkFunction(callback, 'callback');
    const results = this.map(fn, iterable);
    if (callback !== undefined) callback(results);
    return results;
  }

  /** mapCb() in a new greenlet (not a member), returned at once: its value is the array. */
  mapAsync<I, R>(fn: (item: I) => R, iterable: Iterable<I>, callback?: (results: R[]) => void): Greenlet<R[]> {
    checkFunction(fn, 'fn');
    checkIterable<I>(iterable);
    if (callback !== undefined) checkFunction(callback, 'callback');
    return spawn(() => this.mapCb(fn, iterable, callback));
  }

  /**
   * Like map, yielding results in order as they come. A call that failed
   * throws its error from next() for its item; iterating on gives the rest.
   */
  imap<I, R>(fn: (item: I) => R, iterable: Iterable<I>, options: ImapOptions = {}): IterableIterator<R> {
    return this.#imap(fn, iterable, options, true);
  }

  /** Like imap, yielding results (or throwing errors) in the order they finish. */
  imapUnordered<I, R>(fn: (item: I) => R, iterable: Iterable<I>, options: ImapOptions = {}): IterableIterator<R> {
    return this.#imap(fn, iterable, options, false);
  }

  #imap<I, R>(fn: (item: I) => R, iterable: Iterable<I>, options: ImapOptions, ordered: boolean): IterableIterator<R> {
    checkFunction(fn, 'fn');
    const items = checkIterable<I>(iterable);
    const maxsize = checkCount(checkOptions(options, 'options').maxsize, 'maxsize') ?? Infinity;
    if (maxsize === 0) throw new RangeError('maxsize must be positive, got 0');
    return new MapIterator(this, fn, items[Symbol.iterator](), maxsize, ordered);
  }

  *[Symbol.iterator](): Iterator<AnyGreenlet> {
    yield* Array.from(this.#greenlets);
  }

  toString(): string {
    return `<${this.constructor.name} size=${this.size}>`;
  }
}

/**
 * imap's iterator. It spawns lazily: at most `maxsize` running, the next item
 * only once one finished. Not a generator: a generator that throws is done,
 * and gevent's imap goes on after an item's error.
 */
class MapIterator<I, R> implements IterableIterator<R> {
  readonly #finished = new Queue<{ index: number; greenlet: Greenlet<R> }>();
  readonly #running = new Set<Greenlet<R>>();
  readonly #done = new Map<number, Greenlet<R>>(); // finished out of order (imap)
  #exhausted = false;
  #closed = false;
  #spawned = 0;
  #next = 0;

  constructor(
    private readonly group: Group,
    private readonly fn: (item: I) => R,
    private readonly items: Iterator<I>,
    private readonly maxsize: number,
    private readonly ordered: boolean,
  ) {}

  next(): IteratorResult<R, undefined> {
    if (this.#closed) return { done: true, value: undefined };
    try {
      for (;;) {
        this.#fill();
        const early = this.ordered ? this.#done.get(this.#next) : undefined;
        if (early !== undefined) {
          this.#done.delete(this.#next++);
          return MapIterator.#result(early);
        }
        if (this.#running.size === 0) {
          this.#closed = true;
          return { done: true, value: undefined };
        }
        const { index, greenlet } = this.#finished.get();
        this.#running.delete(greenlet);
        if (!this.ordered) return MapIterator.#result(greenlet);
        this.#done.set(index, greenlet);
      }
    } catch (error) {
      if (error instanceof MapItemError) throw error.error;
      this.return(); // the caller was killed, or the input iterator failed: stop the rest
      throw error;
    }
  }

  /** Stops early (a `break` out of for...of): kills the calls still running. */
  return(): IteratorResult<R, undefined> {
    this.#closed = true;
    for (const greenlet of this.#running) greenlet.kill(new GreenletExit(), { block: false });
    this.#running.clear();
    return { done: true, value: undefined };
  }

  [Symbol.iterator](): this {
    return this;
  }

  #fill(): void {
    while (!this.#exhausted && this.#running.size < this.maxsize) {
      const step = this.items.next();
      if (step.done === true) {
        this.#exhausted = true;
        return;
      }
      const index = this.#spawned++;
      const greenlet = this.group.spawn(this.fn, step.value);
      this.#running.add(greenlet);
      greenlet.rawlink(() => this.#finished.put({ index, greenlet }));
    }
  }

  static #result<R>(greenlet: Greenlet<R>): IteratorResult<R, undefined> {
    if (!greenlet.successful()) throw new MapItemError(greenlet.exception);
    return { done: false, value: greenlet.value as R };
  }
}

/** Carries one item's error out of next() without closing the iterator. */
class MapItemError {
  constructor(readonly error: unknown) {}
}
