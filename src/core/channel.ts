// gevent's Channel: a rendezvous queue holding nothing. put() returns only once
// a getter has taken the item: putters and getters wait in two FIFO lines, and
// one pass on the Hub pairs them, resuming the getter first, then the putter
// (gevent's exact interleaving). A greenlet killed or timed out while waiting
// is never paired, so no item is lost or delivered twice.
import { block, CanWake, TIMED_OUT, Wake } from './block';
import { currentFiber, errorMsg, inHub, OK, root, rootResumable, schedule, unwrap, valueMsg } from './fiber';
import { BlockOptions, blockOptions, Empty, Full, StopIteration } from './queue';

interface Waiter {
  readonly wake: Wake;
  readonly canWake: CanWake;
  /** put_nowait/get_nowait: fails at the pairing pass if no partner is left. */
  readonly nowait: boolean;
}

interface Putter<T> extends Waiter {
  readonly item: T | StopIteration;
}

/** The first waiter still waiting; those already woken (killed, timed out) leave by themselves. */
function firstWaiting<W extends Waiter>(line: Set<W>): W | undefined {
  for (const waiter of line) if (waiter.canWake()) return waiter;
  return undefined;
}

export class Channel<T = unknown> implements Iterable<T> {
  // Sets keep insertion order (FIFO) and let a leaving waiter remove itself.
  readonly #getters = new Set<Waiter>();
  readonly #putters = new Set<Putter<T>>();
  #pairingDue = false;

  /** Always 0: a Channel holds no items (gevent). */
  qsize(): number {
    return 0;
  }

  /** Always true (gevent). */
  empty(): boolean {
    return true;
  }

  /** Always true: put() always waits for a getter (gevent). */
  full(): boolean {
    return true;
  }

  /** Greenlets blocked in put() minus greenlets blocked in get(), as in gevent. */
  get balance(): number {
    return this.#putters.size - this.#getters.size;
  }

  /**
   * Gives `item` to a getter, returning once the getter has it. Throws Full
   * after `timeout` ms, or at once with `block: false` if no getter waits.
   */
  put(item: T | StopIteration, options: BlockOptions = {}): void {
    const { block: blocking, ms } = blockOptions(options);
    const nowait = !blocking || ms === 0;
    if (currentFiber() === root && (nowait || inHub())) {
      // The root does not wait for the getter to run: it hands the item over,
      // and the getter runs now (gevent's put from the Hub).
      const getter = firstWaiting(this.#getters);
      if (getter === undefined) throw new Full('no greenlet is waiting in get()');
      this.#getters.delete(getter);
      getter.wake(valueMsg(item));
      return;
    }
    if (nowait && firstWaiting(this.#getters) === undefined) throw new Full('no greenlet is waiting in get()');
    const result = block('Channel.put()', nowait ? undefined : ms, (wake, canWake) => {
      const putter: Putter<T> = { wake, canWake, nowait, item };
      this.#putters.add(putter);
      if (this.#getters.size > 0) this.#schedulePairing();
      return () => void this.#putters.delete(putter);
    });
    if (result === TIMED_OUT) throw new Full('no greenlet came to get() in time');
    unwrap(result);
  }

  putNowait(item: T | StopIteration): void {
    this.put(item, { block: false });
  }

  /**
   * Takes an item from a putter, waiting for one. Throws Empty after `timeout`
   * ms, or at once with `block: false` if no putter waits.
   */
  get(options: BlockOptions = {}): T {
    const { block: blocking, ms } = blockOptions(options);
    const nowait = !blocking || ms === 0;
    if (currentFiber() === root && (nowait || inHub())) {
      // Take the item now; the putter resumes on the Hub (gevent's get from the Hub).
      const putter = firstWaiting(this.#putters);
      if (putter === undefined) throw new Empty('no greenlet is waiting in put()');
      this.#putters.delete(putter);
      schedule(() => void putter.wake(OK));
      return putter.item as T;
    }
    if (nowait && firstWaiting(this.#putters) === undefined) throw new Empty('no greenlet is waiting in put()');
    const result = block('Channel.get()', nowait ? undefined : ms, (wake, canWake) => {
      const getter: Waiter = { wake, canWake, nowait };
      this.#getters.add(getter);
      if (this.#putters.size > 0) this.#schedulePairing();
      return () => void this.#getters.delete(getter);
    });
    if (result === TIMED_OUT) throw new Empty('no greenlet came to put() in time');
    return unwrap(result) as T;
  }

  getNowait(): T {
    return this.get({ block: false });
  }

  #schedulePairing(): void {
    if (this.#pairingDue) return;
    this.#pairingDue = true;
    schedule(() => this.#pair());
  }

  #pair(): void {
    this.#pairingDue = false;
    for (;;) {
      const getter = firstWaiting(this.#getters);
      const putter = firstWaiting(this.#putters);
      if (getter === undefined || putter === undefined) break;
      this.#getters.delete(getter);
      this.#putters.delete(putter);
      getter.wake(valueMsg(putter.item)); // the getter runs first, then the putter
      if (rootResumable()) {
        // The getter is the root: it runs once this Hub callback returns, so the
        // putter and any further pairs wait until the root has run.
        schedule(() => void putter.wake(OK));
        this.#schedulePairing();
        return;
      }
      putter.wake(OK);
      if (rootResumable()) {
        this.#schedulePairing(); // the putter is the root: it runs before any further pair
        return;
      }
    }
    for (const getter of this.#getters) {
      if (getter.nowait && getter.canWake()) getter.wake(errorMsg(new Empty('no greenlet is waiting in put()')));
    }
    for (const putter of this.#putters) {
      if (putter.nowait && putter.canWake()) putter.wake(errorMsg(new Full('no greenlet is waiting in get()')));
    }
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
