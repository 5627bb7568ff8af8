// gevent's Group: a set of greenlets to join, kill and map over together.
// Greenlets leave it when they die (a link, run on the Hub).
import { checkCount, checkFunction, checkOptions, checkTimeout, describeValue, GreenletExit } from './errors';
import { Event } from './event';
import { Greenlet, spawn } from './greenlet';
import { Queue } from './queue';
import { getcurrent, RawGreenlet } from './raw';
import { Deadline } from './waitline';

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
    const list = (args ?? []) as A;
    if (!Array.isArray(list)) throw new TypeError(`args must be an array, got ${describeValue(args)}`);
    const current = getcurrent();
    if (current instanceof Greenlet && this.#greenlets.has(current as AnyGreenlet)) return fn(...list);
    return this.spawn(fn, ...list).get();
  }

  /** `fn(...args)` in a new member; returns the greenlet. */
  applyAsync<T, A extends unknown[]>(fn: (...args: A) => T, args?: A): Greenlet<T> {
    const list = (args ?? []) as A;
    if (!Array.isArray(list)) throw new TypeError(`args must be an array, got ${describeValue(args)}`);
    return this.spawn(fn, ...list);
  }

  /** `fn(item)` for every item, each in a member greenlet; the results in order. */
  map<I, R>(fn: (item: I) => R, iterable: Iterable<I>): R[] {
    return Array.from(this.imap(fn, iterable));
  }

  /** map() in a new greenlet (not a member): its value is the array. */
  mapAsync<I, R>(fn: (item: I) => R, iterable: Iterable<I>): Greenlet<R[]> {
    checkFunction(fn, 'fn');
    checkIterable<I>(iterable);
    return spawn(() => this.map(fn, iterable));
  }

  /** Like map, yielding results in order as they come; a failure is thrown here. */
  imap<I, R>(fn: (item: I) => R, iterable: Iterable<I>, options: ImapOptions = {}): Generator<R, void, undefined> {
    return this.#imap(fn, iterable, options, true);
  }

  /** Like imap, yielding results in the order they finish. */
  imapUnordered<I, R>(fn: (item: I) => R, iterable: Iterable<I>, options: ImapOptions = {}): Generator<R, void, undefined> {
    return this.#imap(fn, iterable, options, false);
  }

  #imap<I, R>(fn: (item: I) => R, iterable: Iterable<I>, options: ImapOptions, ordered: boolean): Generator<R, void, undefined> {
    checkFunction(fn, 'fn');
    const items = checkIterable<I>(iterable);
    const maxsize = checkCount(checkOptions(options, 'options').maxsize, 'maxsize') ?? Infinity;
    if (maxsize === 0) throw new RangeError('maxsize must be positive, got 0');
    return this.#run(fn, items, maxsize, ordered);
  }

  // Spawns lazily: at most `maxsize` running, the next item only once one finished.
  *#run<I, R>(fn: (item: I) => R, items: Iterable<I>, maxsize: number, ordered: boolean): Generator<R, void, undefined> {
    const finished = new Queue<{ index: number; greenlet: Greenlet<R> }>();
    const running = new Set<Greenlet<R>>();
    const done = new Map<number, Greenlet<R>>(); // finished out of order (imap)
    const iterator = items[Symbol.iterator]();
    let exhausted = false;
    let spawned = 0;
    let next = 0;
    try {
      for (;;) {
        while (!exhausted && running.size < maxsize) {
          const step = iterator.next();
          if (step.done === true) {
            exhausted = true;
            break;
          }
          const index = spawned++;
          const greenlet = this.spawn(fn, step.value);
          running.add(greenlet);
          greenlet.rawlink(() => finished.put({ index, greenlet }));
        }
        if (ordered && done.has(next)) {
          const greenlet = done.get(next) as Greenlet<R>;
          done.delete(next++);
          yield greenlet.value as R;
          continue;
        }
        if (running.size === 0) return;
        const { index, greenlet } = finished.get();
        running.delete(greenlet);
        if (!greenlet.successful()) throw greenlet.exception;
        if (ordered) done.set(index, greenlet);
        else yield greenlet.value as R;
      }
    } finally {
      // Abandoned (break, a failure, or the caller killed): stop the rest.
      for (const greenlet of running) greenlet.kill(new GreenletExit(), { block: false });
    }
  }

  *[Symbol.iterator](): Iterator<AnyGreenlet> {
    yield* Array.from(this.#greenlets);
  }

  toString(): string {
    return `<${this.constructor.name} size=${this.size}>`;
  }
}
