// gevent's Channel: a rendezvous queue. put() waits until a getter is waiting,
// get() waits for a putter. Nothing is handed to a parked greenlet: an item put
// for a getter that is then killed stays here for the next getter.
import { Fifo } from './fifo';
import { BlockOptions, blockOptions, Empty, Full, StopIteration } from './queue';
import { WaitLine } from './waitline';

export class Channel<T = unknown> implements Iterable<T> {
  readonly #items = new Fifo<T | StopIteration>();
  readonly #getters: WaitLine = new WaitLine(() => this.#items.length);
  // A putter may go once some getter in get() has no item yet.
  readonly #putters: WaitLine = new WaitLine(() => this.#getters.waiting + this.#getters.reserved - this.#items.length);

  /** Items put and not yet taken (normally 0: only a getter that left after being paired leaves one). */
  qsize(): number {
    return this.#items.length;
  }

  empty(): boolean {
    return this.#items.length === 0;
  }

  /** True unless a getter is waiting for an item. */
  full(): boolean {
    return !this.#putters.canTake();
  }

  /** Greenlets blocked in put() minus greenlets blocked in get(), as in gevent. */
  get balance(): number {
    return this.#putters.waiting + this.#putters.reserved - (this.#getters.waiting + this.#getters.reserved);
  }

  /** Gives `item` to a getter, waiting until one is waiting. Full with `block: false` or after `timeout` ms. */
  put(item: T | StopIteration, options: BlockOptions = {}): void {
    const { block, ms } = blockOptions(options);
    const putters = this.#putters;
    if (putters.canTake() || (block && putters.awaitTurn('Channel.put()', ms))) return this.#insert(item);
    throw new Full('no greenlet is waiting in get()');
  }

  putNowait(item: T | StopIteration): void {
    this.put(item, { block: false });
  }

  /** Takes an item from a putter, waiting for one. Empty with `block: false` or after `timeout` ms. */
  get(options: BlockOptions = {}): T {
    const { block, ms } = blockOptions(options);
    const getters = this.#getters;
    // Joining the line makes one more getter without an item: a putter may go.
    const announce = (): void => this.#putters.pump();
    if (getters.canTake() || (block && getters.awaitTurn('Channel.get()', ms, announce))) return this.#items.shift() as T;
    throw new Empty('no greenlet is waiting in put()');
  }

  getNowait(): T {
    return this.get({ block: false });
  }

  #insert(item: T | StopIteration): void {
    this.#items.push(item);
    this.#getters.pump();
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
    return `<Channel balance=${this.balance}>`;
  }
}
