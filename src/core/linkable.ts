// gevent's AbstractLinkable: an object that greenlets wait on and that calls
// its links, in FIFO order, on the Hub once it becomes ready.
import { block, TIMED_OUT } from './block';
import { checkFunction } from './errors';
import { currentFiber, inHub, OK, queuedNext, reportHubError, root, rootResumable, schedule, scheduleNext, unwrap } from './fiber';

export type LinkableCallback<S> = (source: S) => void;

export abstract class Linkable<S = unknown> {
  // A Set keeps insertion order (FIFO) and makes unlink O(1); a callback linked
  // twice is called once, as in gevent.
  #links = new Set<LinkableCallback<S>>();
  // True from the moment a notification pass is scheduled until it ends.
  #notifying = false;
  // Waiters that found it ready while a pass was due: they go after the links
  // the pass was for (gevent issue 1520: first come, first served).
  #arrivals: (() => void)[] = [];
  // The pass under way: the callbacks it has yet to call, and whether they are
  // the arrivals (which are not in #links).
  #pass: LinkableCallback<S>[] = [];
  #passArrivals = false;

  /** True when waiting on it would return at once. */
  abstract ready(): boolean;

  /**
   * Whether every link present when it became ready is called even if it stops
   * being ready meanwhile (Event), or links are only called while it is ready
   * (Semaphore).
   */
  protected get notifyAll(): boolean {
    return true;
  }

  /** Calls `callback(this)` on the Hub once it is ready. Callbacks must not block. */
  rawlink(callback: LinkableCallback<S>): void {
    checkFunction(callback, 'callback');
    this.#links.add(callback);
    this._checkAndNotify();
  }

  unlink(callback: LinkableCallback<S>): void {
    this.#links.delete(callback);
  }

  /** How many callbacks (waiting greenlets included) are linked. */
  linkcount(): number {
    return this.#links.size;
  }

  /** @internal Schedules one notification pass if it is ready and linked. */
  protected _checkAndNotify(): void {
    if (this.#notifying || this.#links.size === 0 || !this.ready()) return;
    this.#notifying = true;
    schedule(() => this.#notifyLinks());
  }

  #notifyLinks(): void {
    this.#pass = Array.from(this.#links); // only the links present now: later ones wait for the next pass
    this.#passArrivals = false;
    this.#continuePass();
  }

  #continuePass(): void {
    const onlyWhileReady = !this.notifyAll;
    for (;;) {
      if (this.#pass.length === 0) {
        // Then the arrivals so far; any arriving meanwhile wait for the next pass.
        if (this.#passArrivals || this.#arrivals.length === 0) break;
        this.#passArrivals = true;
        this.#pass = this.#arrivals as LinkableCallback<S>[];
        this.#arrivals = [];
        continue;
      }
      if (onlyWhileReady && !this.ready()) break;
      const link = this.#pass.shift() as LinkableCallback<S>;
      if (!this.#passArrivals && !this.#links.delete(link)) continue; // unlinked by an earlier callback
      const queued = queuedNext();
      try {
        link(this as unknown as S);
      } catch (error) {
        reportHubError(error, 'a link callback');
      }
      if (queuedNext() > queued || rootResumable()) {
        // gevent switches into each woken waiter before it calls the next link:
        // the greenlet (or root) this link woke is queued, and runs before the rest.
        scheduleNext(() => this.#continuePass());
        return;
      }
    }
    this.#pass = [];
    this.#notifying = false;
    // Arrivals that came during the arrivals' turn wait as ordinary links.
    for (const resume of this.#arrivals) this.#links.add(resume as LinkableCallback<S>);
    this.#arrivals = [];
    this._checkAndNotify();
  }

  /**
   * @internal For a wait that finds it ready: true if a notification pass is
   * due, so the caller must wait for its turn (_waitTurn) before returning.
   */
  protected _notificationDue(): boolean {
    // Hub callbacks cannot wait: for them a set flag is simply set.
    return this.#notifying && !(currentFiber() === root && inHub());
  }

  /** @internal Waits, with no timeout, until the notification pass due reaches this caller. */
  protected _waitTurn(label: string): void {
    const result = block(label, undefined, (wake) => {
      const resume = (): void => void wake(OK);
      this.#arrivals.push(resume);
      return () => {
        const index = this.#arrivals.indexOf(resume);
        if (index >= 0) this.#arrivals.splice(index, 1);
        this.#links.delete(resume as LinkableCallback<S>);
      };
    });
    if (result !== TIMED_OUT) unwrap(result);
  }

  /**
   * Blocks until a notification pass reaches this waiter: true, or false once
   * `ms` (already checked) passed. A kill or Timeout thrown in propagates.
   */
  protected _waitCore(label: string, ms: number | undefined): boolean {
    const result = block(label, ms, (wake) => {
      const callback = (): void => void wake(OK);
      this.rawlink(callback);
      return () => this.unlink(callback);
    });
    if (result === TIMED_OUT) return false;
    unwrap(result);
    return true;
  }
}
