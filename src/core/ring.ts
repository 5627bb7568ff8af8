// An intrusive circular list: each entry carries its own links, and removing
// it clears them. For long-lived collections whose members come and go
// quickly (running greenlets, a server's requests) instead of a Set or Map:
// once a Set's or Map's table is in V8's old generation, the keys it held
// survive minor GCs until the next full GC, and what they hold is copied and
// promoted with them.

/** What an entry of a Ring carries; subclasses add what it holds. */
export class RingLink {
  prev: RingLink | undefined = undefined;
  next: RingLink | undefined = undefined;
}

export class Ring<E extends RingLink> {
  readonly #head = new RingLink();

  constructor() {
    this.#head.prev = this.#head.next = this.#head;
  }

  /** Appends `entry`, which is in no ring. */
  push(entry: E): void {
    const head = this.#head;
    entry.prev = head.prev;
    entry.next = head;
    (head.prev as RingLink).next = entry;
    head.prev = entry;
  }

  /** Takes `entry` out and clears its links; false if it was in no ring. */
  remove(entry: E): boolean {
    if (entry.prev === undefined) return false;
    (entry.prev as RingLink).next = entry.next;
    (entry.next as RingLink).prev = entry.prev;
    entry.prev = entry.next = undefined;
    return true;
  }

  /** The entries, oldest first (removing the current one while iterating is allowed). */
  *[Symbol.iterator](): Generator<E, void, undefined> {
    const head = this.#head;
    for (let entry = head.next as RingLink; entry !== head; ) {
      const next = entry.next as RingLink;
      yield entry as E;
      entry = next;
    }
  }
}
