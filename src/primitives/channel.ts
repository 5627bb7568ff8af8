// gevent's Channel: a rendezvous queue holding nothing. put() returns only once
// a getter has taken the item: putters and getters wait in two FIFO lines, and
// one pass on the Hub pairs them, resuming the getter first, then the putter
// (gevent's exact interleaving). A pairing is a reservation: the getter takes
// the item only when it runs, and only from a putter still waiting, and then
// resumes the putter. A greenlet killed or timed out before its side of the
// pairing ran takes nothing and gives nothing: no item is lost or delivered twice.
import { block, CanWake, TIMED_OUT, Wake } from '../core/block';
import { currentFiber, errorMsg, inHub, OK, rethrowLater, root, schedule, scheduleNext, unwrap } from '../core/fiber';
import { GreenletExit } from '../core/errors';
import { BlockOptions, blockOptions, Empty, Full, StopIteration } from './queue';
import { sleep } from '../core/waiting';

interface Waiter {
  readonly wake: Wake;
  readonly canWake: CanWake;
  /** put_nowait/get_nowait: fails at the pairing pass if no partner is left. */
  readonly nowait: boolean;
}

interface Putter<T> extends Waiter {
  readonly item: T | StopIteration;
  /** A getter took the item: the put succeeded, whatever reaches the putter after. */
  taken: boolean;
}

interface Getter<T> extends Waiter {
  /** The putter a pairing reserved for it, until it runs. */
  partner: Putter<T> | undefined;
}

/** The first waiter still waiting; those already woken (killed, timed out) leave by themselves. */
function firstWaiting<W extends Waiter>(line: Set<W>): W | undefined {
  for (const waiter of line) if (waiter.canWake()) return waiter;
  return undefined;
}

export class Channel<T = unknown> implements Iterable<T> {
  // Sets keep insertion order (FIFO) and let a leaving waiter remove itself.
  readonly #getters = new Set<Getter<T>>();
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
      // The root hands the item over at once (gevent's put from the Hub); the
      // getter runs next, and outside Hub callbacks before the put returns, as
      // gevent's main greenlet waits for the getter to take it.
      const getter = firstWaiting(this.#getters);
      if (getter === undefined) throw new Full('no greenlet is waiting in get()');
      this.#getters.delete(getter);
      // A putter that is always there until taken: if the getter leaves first,
      // the item goes to the next getter.
      const handed: Putter<T> = { wake: () => true, canWake: () => !handed.taken, nowait: true, item, taken: false };
      getter.partner = handed;
      getter.wake(OK);
      if (!inHub()) sleep(0);
      return;
    }
    if (nowait && firstWaiting(this.#getters) === undefined) throw new Full('no greenlet is waiting in get()');
    const putter: Putter<T> = { wake: () => false, canWake: () => false, nowait, item, taken: false };
    const result = block('Channel.put()', nowait ? undefined : ms, (wake, canWake) => {
      Object.assign(putter, { wake, canWake });
      this.#putters.add(putter);
      if (this.#getters.size > 0) this.#schedulePairing();
      return () => void this.#putters.delete(putter);
    });
    if (putter.taken) {
      // The item is gone: the put succeeded. A kill that came after still ends
      // the greenlet, at its next block; a Timeout lost the race.
      if (result !== TIMED_OUT && result.error && result.value instanceof GreenletExit) rethrowLater(result);
      return;
    }
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
      putter.taken = true;
      schedule(() => void putter.wake(OK));
      return putter.item as T;
    }
    if (nowait && firstWaiting(this.#putters) === undefined) throw new Empty('no greenlet is waiting in put()');
    for (;;) {
      const getter: Getter<T> = { wake: () => false, canWake: () => false, nowait, partner: undefined };
      let result: ReturnType<typeof block>;
      try {
        result = block('Channel.get()', nowait ? undefined : ms, (wake, canWake) => {
          Object.assign(getter, { wake, canWake });
          this.#getters.add(getter);
          if (this.#putters.size > 0) this.#schedulePairing();
          return () => void this.#getters.delete(getter);
        });
      } catch (error) {
        this.#release(getter);
        throw error;
      }
      const putter = getter.partner;
      if (result === TIMED_OUT || result.error || putter === undefined) {
        this.#release(getter);
        if (result === TIMED_OUT) throw new Empty('no greenlet came to put() in time');
        return unwrap(result) as T;
      }
      getter.partner = undefined;
      if (!putter.canWake()) continue; // its putter left (killed, timed out) before this ran: wait again
      putter.taken = true;
      putter.wake(OK);
      return putter.item as T;
    }
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
    const getter = firstWaiting(this.#getters);
    const putter = firstWaiting(this.#putters);
    if (getter === undefined || putter === undefined) {
      this.#pairingDue = false;
      for (const g of this.#getters) {
        if (g.nowait && g.canWake()) g.wake(errorMsg(new Empty('no greenlet is waiting in put()')));
      }
      for (const p of this.#putters) {
        if (p.nowait && p.canWake()) p.wake(errorMsg(new Full('no greenlet is waiting in get()')));
      }
      return;
    }
    this.#getters.delete(getter);
    this.#putters.delete(putter);
    // The getter runs first and resumes the putter once it has the item; the
    // next pair comes after both (woken fibers run next, in the order woken).
    getter.partner = putter;
    getter.wake(OK);
    scheduleNext(() => this.#pair());
  }

  /** A getter that ends without its reserved item puts its putter back first in line. */
  #release(getter: Getter<T>): void {
    const putter = getter.partner;
    getter.partner = undefined;
    if (putter === undefined || !putter.canWake()) return;
    const rest = [...this.#putters];
    this.#putters.clear();
    for (const p of [putter, ...rest]) this.#putters.add(p);
    this.#schedulePairing();
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
