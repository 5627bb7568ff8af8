// gevent's RLock: a lock its owner greenlet may acquire again; each acquire
// needs its release, and only the owner may release.
import { currentFiber, Fiber } from '../core/fiber';
import { AcquireOptions, holdLock, Lock, runLocked } from './semaphore';

export class RLock {
  readonly #lock = new Lock();
  #owner: Fiber | undefined;
  #count = 0;

  /** Takes the lock, or counts one more hold if the current greenlet owns it. */
  acquire(options: AcquireOptions = {}): boolean {
    const me = currentFiber();
    if (this.#owner === me) {
      this.#count++;
      return true;
    }
    if (!this.#lock.acquire(options)) return false;
    this.#owner = me;
    this.#count = 1;
    return true;
  }

  /** Drops one hold; the last one frees the lock. Throws if the caller does not own it. */
  release(): void {
    if (this.#owner !== currentFiber() || this.#count === 0) throw new Error('cannot release an RLock the current greenlet does not hold');
    if (--this.#count === 0) {
      this.#owner = undefined;
      this.#lock.release();
    }
  }

  locked(): boolean {
    return this.#count > 0;
  }

  /** True if the current greenlet holds it. */
  isOwned(): boolean {
    return this.#count > 0 && this.#owner === currentFiber();
  }

  /** acquire(), fn(), release() even if fn throws; returns what fn returns. */
  run<R>(fn: () => R): R {
    return runLocked(this, fn);
  }

  /** acquire(), and a handle whose dispose releases: `using _ = rlock.hold()`. */
  hold(): Disposable {
    return holdLock(this);
  }

  toString(): string {
    return `<RLock ${this.#count > 0 ? `held ${this.#count}x` : 'free'}>`;
  }
}
