import { describe, expect, it } from 'vitest';

import { Ring, RingLink } from '../src/core/ring';

class Item extends RingLink {
  constructor(readonly n: number) {
    super();
  }
}

describe('Ring', () => {
  it('keeps entries in the order pushed; remove takes one out, once, and clears its links', () => {
    const ring = new Ring<Item>();
    const items = [1, 2, 3, 4].map((n) => new Item(n));
    for (const item of items) ring.push(item);
    expect([...ring].map((i) => i.n)).toEqual([1, 2, 3, 4]);
    expect(ring.remove(items[1])).toBe(true);
    expect(ring.remove(items[1])).toBe(false);
    expect([items[1].prev, items[1].next]).toEqual([undefined, undefined]);
    expect([...ring].map((i) => i.n)).toEqual([1, 3, 4]);
    ring.push(items[1]);
    expect([...ring].map((i) => i.n)).toEqual([1, 3, 4, 2]);
  });

  it('the entry being visited may be removed while iterating', () => {
    const ring = new Ring<Item>();
    for (const n of [1, 2, 3]) ring.push(new Item(n));
    const seen: number[] = [];
    for (const item of ring) {
      seen.push(item.n);
      ring.remove(item);
    }
    expect(seen).toEqual([1, 2, 3]);
    expect([...ring]).toEqual([]);
  });
});
