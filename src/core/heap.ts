// A binary min-heap, the store behind PriorityQueue.

export type Compare<T> = (a: T, b: T) => number;

/** Natural order: numbers, bigints, strings and arrays of them (lexicographically, like tuples). */
export function naturalCompare(a: unknown, b: unknown): number {
  if (Array.isArray(a) && Array.isArray(b)) {
    const n = Math.min(a.length, b.length);
    for (let i = 0; i < n; i++) {
      const c = naturalCompare(a[i], b[i]);
      if (c !== 0) return c;
    }
    return a.length - b.length;
  }
  const x = a as number;
  const y = b as number;
  return x < y ? -1 : y < x ? 1 : 0;
}

export class Heap<T> {
  #items: T[] = [];
  compare: Compare<T>;

  constructor(compare: Compare<T>) {
    this.compare = compare;
  }

  get length(): number {
    return this.#items.length;
  }

  peek(): T | undefined {
    const items = this.#items;
    return items.length > 0 ? items[0] : undefined; // no read out of bounds: optimized code would deoptimize on it
  }

  // Both operations compare first and move items only after every comparison
  // returned: a comparison that throws leaves the heap exactly as it was.
  push(item: T): void {
    const items = this.#items;
    let i = items.length;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.compare(item, items[parent]) >= 0) break;
      i = parent;
    }
    let hole = items.length;
    items.push(item);
    while (hole > i) {
      const parent = (hole - 1) >> 1;
      items[hole] = items[parent];
      hole = parent;
    }
    items[i] = item;
  }

  shift(): T | undefined {
    const items = this.#items;
    if (items.length === 0) return undefined;
    const top = items[0];
    const n = items.length - 1;
    const last = items[n];
    const path: number[] = [];
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      if (child + 1 < n && this.compare(items[child + 1], items[child]) < 0) child++;
      if (this.compare(items[child], last) >= 0) break;
      path.push(child);
      i = child;
    }
    items.pop();
    if (n > 0) {
      let hole = 0;
      for (const child of path) {
        items[hole] = items[child];
        hole = child;
      }
      items[hole] = last;
    }
    return top;
  }
}
