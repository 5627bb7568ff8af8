// gevent's Event: a flag that greenlets wait on until it is set.
import { checkTimeout } from '../core/errors';
import { Linkable } from '../core/linkable';

export class Event extends Linkable<Event> {
  #flag = false;

  isSet(): boolean {
    return this.#flag;
  }

  ready(): boolean {
    return this.#flag;
  }

  /** Sets the flag; every waiter is woken (on the Hub, in FIFO order). */
  set(): void {
    this.#flag = true;
    this._checkAndNotify();
  }

  /** Resets the flag; wait() blocks again. */
  clear(): void {
    this.#flag = false;
  }

  /**
   * Blocks until the flag is set or `timeout` ms pass. Returns true if the flag
   * was set (even if cleared again before this greenlet ran), false on timeout.
   */
  wait(timeout?: number): boolean {
    const ms = checkTimeout(timeout);
    if (this.#flag) {
      if (this._notificationDue()) this._waitTurn('Event.wait()');
      return true;
    }
    return this._waitCore('Event.wait()', ms);
  }

  override toString(): string {
    return `<Event ${this.#flag ? 'set' : 'clear'}>`;
  }
}
