// Cases ported from greenlet's own test suite (test_greenlet.py, test_throw.py,
// test_generator.py, test_generator_nested.py), on tinyevent's raw greenlets.
import { describe, expect, it } from 'vitest';

import { getcurrent, greenlet, GreenletExit, RawGreenlet, RootGreenlet } from '../src/greenlet';

class SomeError extends Error {}

const parentOf = (): RawGreenlet | RootGreenlet => {
  const parent = (getcurrent() as RawGreenlet).parent;
  if (parent === null) throw new Error('no parent');
  return parent;
};

function fmain(seen: unknown[]): never {
  try {
    parentOf().switch();
  } catch (error) {
    seen.push((error as object).constructor);
    throw error;
  }
  throw new SomeError();
}

function sendException(g: RawGreenlet, error: unknown): void {
  const crasher = greenlet((e: unknown) => {
    throw e;
  }, g);
  crasher.switch(error);
}

describe("greenlet's test_greenlet.py", () => {
  it('test_simple', () => {
    const lst: number[] = [];
    const g = greenlet(() => {
      lst.push(1);
      parentOf().switch();
      lst.push(3);
    });
    lst.push(0);
    g.switch();
    lst.push(2);
    g.switch();
    lst.push(4);
    expect(lst).toEqual([0, 1, 2, 3, 4]);
  });

  it('test_two_children', () => {
    const lst: number[] = [];
    const f = (): void => {
      lst.push(1);
      parentOf().switch();
      lst.push(1, 1);
    };
    const g = greenlet(f);
    const h = greenlet(f);
    g.switch();
    expect(lst).toHaveLength(1);
    h.switch();
    expect(lst).toHaveLength(2);
    h.switch();
    expect(lst).toHaveLength(4);
    expect(h.dead).toBe(true);
    g.switch();
    expect(lst).toHaveLength(6);
    expect(g.dead).toBe(true);
  });

  it('test_two_recursive_children', () => {
    const lst: string[] = [];
    const f = (): void => {
      lst.push('b');
      parentOf().switch();
    };
    const g = greenlet(() => {
      lst.push('a');
      greenlet(f).switch();
      lst.push('c');
    });
    g.switch();
    expect(lst).toEqual(['a', 'b', 'c']);
  });

  it('test_exception: a reparented greenlet sends its error to the new parent, which dies of it too', () => {
    const seen: unknown[] = [];
    const g1 = greenlet(fmain);
    const g2 = greenlet(fmain);
    g1.switch(seen);
    g2.switch(seen);
    g2.parent = g1;
    expect(seen).toEqual([]);
    expect(() => g2.switch()).toThrow(SomeError);
    expect(seen).toEqual([SomeError]);
    // Both are dead now: a switch to g2 comes back to the caller.
    expect(g2.switch()).toBe(undefined);
    expect(g2.switch(25)).toBe(25);
    expect(seen).toEqual([SomeError]);
  });

  it('test_send_exception: an error raised in a child of g1 is thrown into g1 where it waits', () => {
    const seen: unknown[] = [];
    const g1 = greenlet(fmain);
    g1.switch(seen);
    expect(() => sendException(g1, new RangeError('k'))).toThrow(RangeError);
    expect(seen).toEqual([RangeError]);
  });

  it('test_parent_return_failure: a child returning into a parent without run gets its TypeError to the caller', () => {
    const g1 = greenlet();
    const g2 = greenlet(() => undefined, g1);
    expect(() => g2.switch()).toThrow(TypeError);
    expect([g1.dead, g2.dead]).toEqual([true, true]);
  });

  it('test_falling_off_end_switches_to_unstarted_parent_works', () => {
    const parentNeverStarted = greenlet((x: number) => [x, 24]);
    const child = greenlet(() => 42, parentNeverStarted);
    expect(child.switch()).toEqual([42, 24]);
  });

  it('test_switch_to_dead_greenlet_reparent: switching to a dead child starts its new, unstarted parent', () => {
    const seen: number[] = [];
    const parentNeverStarted = greenlet(() => void seen.push(24));
    const child = greenlet(() => void seen.push(42));
    child.switch();
    expect(seen).toEqual([42]);
    child.parent = parentNeverStarted;
    expect(child.switch()).toBe(undefined);
    expect(seen).toEqual([42, 24]);
  });

  it('test_main_greenlet_parent_is_none', () => {
    expect(getcurrent().parent).toBe(null);
  });

  it('test_set_parent_wrong_types', () => {
    const g = greenlet(() => void parentOf().switch());
    for (const p of [null, 1, {}, '42']) expect(() => (g.parent = p as never)).toThrow(TypeError);
    g.switch();
    for (const p of [null, 1, {}, '42']) expect(() => (g.parent = p as never)).toThrow(TypeError);
    g.switch();
    expect(g.dead).toBe(true);
  });

  it('test_trivial_cycle and test_deeper_cycle', () => {
    const glet = greenlet(() => undefined);
    expect(() => (glet.parent = glet)).toThrow('cyclic parent chain');
    const g1 = greenlet(() => undefined);
    const g2 = greenlet(() => undefined);
    const g3 = greenlet(() => undefined);
    g1.parent = g2;
    g2.parent = g3;
    expect(() => (g3.parent = g1)).toThrow('cyclic parent chain');
  });

  it('test_dead: the string form says dead, not started', () => {
    const g = greenlet(() => undefined);
    g.switch();
    expect(String(g)).toMatch(/dead>$/);
    expect(String(g)).not.toMatch(/started/);
  });
});

describe("greenlet's test_throw.py", () => {
  const back = (value: unknown): unknown => parentOf().switch(value);

  it('test_class and test_val: the error thrown in is caught where the greenlet waits', () => {
    const g = greenlet(() => {
      try {
        back('ok');
      } catch (error) {
        if (error instanceof RangeError && error.message === 'ciao') {
          back('ok');
          return;
        }
      }
      back('fail');
    });
    expect(g.switch()).toBe('ok');
    expect(g.throw(new RangeError('ciao'))).toBe('ok');
  });

  it('test_kill: throw() with no error kills with GreenletExit, which comes back as the value', () => {
    const g = greenlet(() => {
      back('ok');
      back('fail');
    });
    expect(g.switch()).toBe('ok');
    const res = g.throw();
    expect(res).toBeInstanceOf(GreenletExit);
    expect(g.dead).toBe(true);
    expect(g.throw()).toBeInstanceOf(GreenletExit); // eaten by the already-dead greenlet
  });

  it('test_throw_goes_to_original_parent (the three cases)', () => {
    const main = getcurrent();
    const f1 = (): string => {
      try {
        main.switch('f1 ready to catch');
      } catch (error) {
        if (error instanceof RangeError) return 'caught';
        throw error;
      }
      return 'normal exit';
    };
    const f2 = (): void => void main.switch('from f2');

    let g1 = greenlet(f1);
    let g2 = greenlet(f2, g1);
    expect(() => g2.throw(new RangeError())).toThrow(RangeError);
    expect([g2.dead, g1.dead]).toEqual([true, true]);

    g1 = greenlet(f1);
    g2 = greenlet(f2, g1);
    expect(g1.switch()).toBe('f1 ready to catch');
    expect(g2.throw(new RangeError())).toBe('caught');
    expect([g2.dead, g1.dead]).toEqual([true, true]);

    g1 = greenlet(f1);
    g2 = greenlet(f2, g1);
    expect(g1.switch()).toBe('f1 ready to catch');
    expect(g2.switch()).toBe('from f2');
    expect(g2.throw(new RangeError())).toBe('caught');
    expect([g2.dead, g1.dead]).toEqual([true, true]);
  });
});

// greenlet's test_generator.py and test_generator_nested.py: generators built on switch.
class Genlet<A extends unknown[]> extends RawGreenlet {
  constructor(
    private readonly fn: (...args: A) => void,
    private readonly args: A,
  ) {
    super(undefined, getcurrent());
  }
  *[Symbol.iterator](): Generator<unknown, void, undefined> {
    for (;;) {
      this.parent = getcurrent();
      const result = this.switch();
      if (this.dead) return;
      yield result;
    }
  }
  protected override run(): void {
    this.fn(...this.args);
  }
}

function Yield(value: unknown): void {
  let g: RawGreenlet | RootGreenlet | null = getcurrent();
  while (!(g instanceof Genlet)) {
    if (g === null || g instanceof RootGreenlet) throw new Error('Yield outside a genlet');
    g = g.parent;
  }
  (g.parent as RawGreenlet | RootGreenlet).switch(value);
}

describe("greenlet's generators", () => {
  it('test_generator', () => {
    const seen: unknown[] = [];
    const g = (n: number): void => {
      for (let i = 0; i < n; i++) {
        seen.push(i);
        Yield(i);
      }
    };
    const gen = new Genlet(g, [5]);
    const got: unknown[] = [];
    for (const x of gen) got.push(x);
    expect(got).toEqual([0, 1, 2, 3, 4]);
    expect(seen).toEqual([0, 1, 2, 3, 4]);
  });

  it('test_nested_genlets and test_perms', () => {
    const gr1 = (n: number): void => {
      for (let i = 1; i < n; i++) Yield(i);
    };
    const gr2 = (n: number, seen: number[]): void => {
      for (const ii of new Genlet(gr1, [n]) as Iterable<number>) {
        seen.push(ii);
        Yield(ii);
      }
    };
    const seen: number[] = [];
    expect(Array.from(new Genlet(gr2, [5, seen]))).toEqual([1, 2, 3, 4]);
    expect(seen).toEqual([1, 2, 3, 4]);

    const perms = (l: number[]): void => {
      if (l.length > 1) {
        for (const e of l) {
          for (const p of new Genlet(perms, [l.filter((x) => x !== e)]) as Iterable<number[]>) Yield([e, ...p]);
        }
      } else {
        Yield(l);
      }
    };
    const all = Array.from(new Genlet(perms, [[1, 2, 3]])) as number[][];
    expect(all.map((p) => p.join(''))).toEqual(['123', '132', '213', '231', '312', '321']);
  });

  it('test_layered_genlets', () => {
    const gr1 = (n: number): void => {
      for (let i = 0; i < n; i++) Yield(i);
    };
    const gr2 = (n: number, seen: number[]): void => {
      for (const ii of new Genlet(gr1, [n]) as Iterable<number>) {
        seen.push(ii);
        Yield(ii);
      }
    };
    const seen: number[] = [];
    const results: number[] = [];
    for (const v of new Genlet(gr2, [4, seen]) as Iterable<number>) results.push(v);
    expect(results).toEqual([0, 1, 2, 3]);
    expect(seen).toEqual([0, 1, 2, 3]);
  });
});
