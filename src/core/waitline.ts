// A FIFO line of greenlets waiting for a countable resource (queue items, free
// slots, permits). Waking carries no ownership: `pump` wakes as many waiters as
// there are resources and counts them as reserved; each woken waiter re-checks
// and takes one itself. A waiter that leaves without taking (killed, timed out)
// passes its turn on with another pump, so nothing is lost or taken twice.
import { block, TIMED_OUT, Wake } from './block';
import { currentFiber, OK, root, schedule, unwrap } from './fiber';

interface Waiter {
  prev: Waiter | undefined;
  next: Waiter | undefined;
  wake: Wake | undefined;
  woken: boolean;
}

/** Wakes a waiter; from the root greenlet the wake is deferred to the Hub, so a caller never switches away mid-call. */
function wakeSoon(wake: Wake): void {
  if (currentFiber() === root) schedule(() => void wake(OK));
  else wake(OK);
}

export class WaitLine {
  #head: Waiter | undefined;
  #tail: Waiter | undefined;
  #waiting = 0;
  #reserved = 0;

  /** `available()` counts the resources, reserved ones included. */
  constructor(private readonly available: () => number) {}

  /** Greenlets waiting and not yet woken. */
  get waiting(): number {
    return this.#waiting;
  }

  /** Woken greenlets that have not run yet: each is owed one resource. */
  get reserved(): number {
    return this.#reserved;
  }

  /** True if a newcomer may take a resource now without passing anyone in line. */
  canTake(): boolean {
    return this.#waiting === 0 && this.available() - this.#reserved > 0;
  }

  /**
   * True if a resource is left that nobody was woken for. Right after wait()
   * returns this is the returning waiter's own (pump hands out all surplus at
   * once, so no one else in line is owed it).
   */
  surplus(): boolean {
    return this.available() - this.#reserved > 0;
  }

  /** Wakes waiters, in order, while resources are left that nobody was woken for. */
  pump(): void {
    while (this.#head !== undefined && this.available() - this.#reserved > 0) {
      const waiter = this.#head;
      this.#remove(waiter);
      waiter.woken = true;
      this.#reserved++;
      wakeSoon(waiter.wake as Wake);
    }
  }

  /**
   * Blocks in line until woken (true) or `timeout` passes (false); a kill or
   * Timeout propagates. `front` rejoins at the head (a woken waiter that found
   * nothing). On return the caller takes a resource if surplus(), else waits
   * again or gives up.
   */
  wait(label: string, timeout: number | undefined, front = false, onJoin?: () => void): boolean {
    const waiter: Waiter = { prev: undefined, next: undefined, wake: undefined, woken: false };
    try {
      const result = block(label, timeout, (wake) => {
        waiter.wake = wake;
        this.#insert(waiter, front);
        onJoin?.();
        return () => {
          if (waiter.woken) this.#reserved--;
          else this.#remove(waiter);
        };
      });
      if (result === TIMED_OUT) return false;
      unwrap(result);
    } catch (error) {
      this.pump(); // killed (or LoopExit): pass on whatever was reserved for this waiter
      throw error;
    }
    return true;
  }

  /**
   * Waits in line until the caller may take a resource (true) or `timeout` ms
   * passed (false). A woken waiter that finds nothing rejoins at the head.
   */
  awaitTurn(label: string, timeout: number | undefined, onJoin?: () => void): boolean {
    const deadline = new Deadline(timeout);
    let front = false;
    for (;;) {
      const woken = this.wait(label, deadline.remaining(), front, onJoin);
      if (this.surplus()) return true;
      if (!woken) return false;
      front = true;
    }
  }

  #insert(waiter: Waiter, front: boolean): void {
    if (front) {
      waiter.next = this.#head;
      if (this.#head) this.#head.prev = waiter;
      else this.#tail = waiter;
      this.#head = waiter;
    } else {
      waiter.prev = this.#tail;
      if (this.#tail) this.#tail.next = waiter;
      else this.#head = waiter;
      this.#tail = waiter;
    }
    this.#waiting++;
  }

  #remove(waiter: Waiter): void {
    if (waiter.prev) waiter.prev.next = waiter.next;
    else this.#head = waiter.next;
    if (waiter.next) waiter.next.prev = waiter.prev;
    else this.#tail = waiter.prev;
    waiter.prev = waiter.next = undefined;
    this.#waiting--;
  }
}

/** A deadline in ms on the monotonic clock; `remaining()` is what is left of it. */
export class Deadline {
  readonly #end: number;
  constructor(ms: number | undefined) {
    this.#end = ms === undefined || ms === Infinity ? Infinity : performance.now() + ms;
  }
  remaining(): number | undefined {
    return this.#end === Infinity ? undefined : Math.max(0, this.#end - performance.now());
  }
}
