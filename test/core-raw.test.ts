// Raw greenlets (tinyevent/greenlet): explicit switches, throw, parents, death.
import { describe, expect, it } from 'vitest';

import { getcurrent, greenlet, GreenletExit, RawGreenlet, RootGreenlet } from '../src/greenlet';
import { sleep, spawn } from '../src/index';

const root = getcurrent() as RootGreenlet;

describe('raw greenlets', () => {
  it('greenlet(run) has the current greenlet as parent and is not started or dead', () => {
    const g = greenlet(() => 1);
    expect(g).toBeInstanceOf(RawGreenlet);
    expect(g.parent).toBe(root);
    expect(g.dead).toBe(false);
    expect(String(g)).toBe('<RawGreenlet new>');
  });

  it('the first switch passes its arguments to run; the return value goes to the parent', () => {
    const g = greenlet((a: number, b: number) => a + b);
    expect(g.switch(2, 3)).toBe(5);
    expect(g.dead).toBe(true);
    expect(String(g)).toBe('<RawGreenlet dead>');
  });

  it('later switches deliver the value as the return value of the suspended switch', () => {
    const seen: unknown[] = [];
    const g = greenlet((first: number) => {
      seen.push(first);
      seen.push(root.switch('to root 1'));
      seen.push(root.switch('to root 2'));
      return 'done';
    });
    expect(g.switch(1)).toBe('to root 1');
    expect(g.dead).toBe(false);
    expect(g.switch('back 1')).toBe('to root 2');
    expect(g.switch('back', 2)).toBe('done'); // several values arrive as an array
    expect(seen).toEqual([1, 'back 1', ['back', 2]]);
    expect(g.dead).toBe(true);
  });

  it('getcurrent() is the raw greenlet inside it', () => {
    const g: RawGreenlet = greenlet(() => getcurrent() === g);
    expect(g.switch()).toBe(true);
    expect(getcurrent()).toBe(root);
  });

  it('ping-pong between root and a raw greenlet', () => {
    const g = greenlet((n: number) => {
      let value = n;
      while (value < 1000) value = root.switch(value + 1) as number;
      return value;
    });
    let value = g.switch(0) as number;
    let rounds = 1;
    while (!g.dead) {
      value = g.switch(value + 1) as number;
      rounds++;
    }
    expect(value).toBe(1000);
    expect(rounds).toBe(501);
  });

  it('ping-pong between two raw greenlets', () => {
    const log: string[] = [];
    let pong: RawGreenlet;
    const ping = greenlet(() => {
      for (let i = 0; i < 3; i++) {
        log.push(`ping${i}`);
        pong.switch(i);
      }
      return 'ping done';
    });
    pong = greenlet((first: number) => {
      let i = first;
      for (;;) {
        log.push(`pong${i}`);
        i = ping.switch() as number;
        if (i === undefined) break;
      }
      return 'unreached';
    });
    expect(ping.switch()).toBe('ping done');
    expect(log).toEqual(['ping0', 'pong0', 'ping1', 'pong1', 'ping2', 'pong2']);
    expect(ping.dead).toBe(true);
    expect(pong.dead).toBe(false); // left suspended; fine
  });

  it('the return value goes to the parent, wherever the parent is suspended', () => {
    const parent = greenlet(() => {
      const child = greenlet(() => 'from child'); // parent: this greenlet
      expect(child.parent).toBe(getcurrent());
      const other = greenlet(() => {
        child.switch(); // child's result comes back to `parent`, not `other`
        return 'other finished';
      });
      const got = other.switch();
      return `parent got ${String(got)}`;
    });
    expect(parent.switch()).toBe('parent got from child');
  });

  it('an explicit parent receives the result', () => {
    let result: unknown;
    const collector = greenlet(() => {
      result = root.switch('collector ready');
      return 'collector done';
    });
    expect(collector.switch()).toBe('collector ready');
    const worker = greenlet(() => 'result', collector);
    expect(worker.parent).toBe(collector);
    expect(worker.switch()).toBe('collector done');
    expect(result).toBe('result');
  });

  it("an error in run propagates to the parent's switch", () => {
    const error = new Error('raw failure');
    const g = greenlet(() => {
      root.switch();
      throw error;
    });
    g.switch();
    expect(() => g.switch()).toThrow(error);
    expect(g.dead).toBe(true);
  });

  it('throw() raises the error where the greenlet is suspended', () => {
    const error = new Error('thrown in');
    const g = greenlet(() => {
      try {
        root.switch('suspended');
      } catch (e) {
        return e === error ? 'caught it' : 'wrong error';
      }
      return 'not thrown';
    });
    expect(g.switch()).toBe('suspended');
    expect(g.throw(error)).toBe('caught it');
  });

  it('throw() without an error kills with GreenletExit, which returns it as a value', () => {
    const g = greenlet(() => {
      root.switch();
      return 'unreached';
    });
    g.switch();
    const result = g.throw();
    expect(result).toBeInstanceOf(GreenletExit);
    expect(g.dead).toBe(true);
  });

  it('an uncaught throw() comes back to the parent', () => {
    const error = new TypeError('not caught');
    const g = greenlet(() => root.switch());
    g.switch();
    expect(() => g.throw(error)).toThrow(error);
    expect(g.dead).toBe(true);
  });

  it('throw() into a greenlet that never started: it never runs', () => {
    let ran = false;
    const g = greenlet(() => (ran = true));
    const error = new Error('before start');
    expect(() => g.throw(error)).toThrow(error);
    expect(ran).toBe(false);
    expect(g.dead).toBe(true);
  });

  it('switching to a dead greenlet switches to its parent: the caller gets the arguments back', () => {
    const g = greenlet(() => 1);
    g.switch();
    expect(g.switch()).toBe(undefined);
    expect(g.switch(5)).toBe(5);
    expect(g.switch(1, 2)).toEqual([1, 2]);
  });

  it('throw() into a dead greenlet: a GreenletExit comes back as the value, any other error is raised in the caller', () => {
    const g = greenlet(() => 1);
    g.switch();
    const exit = new GreenletExit('bye');
    expect(g.throw(exit)).toBe(exit);
    expect(g.throw()).toBeInstanceOf(GreenletExit); // greenlet's test_kill: eaten by the dead greenlet
    const error = new Error('x');
    expect(() => g.throw(error)).toThrow(error);
  });

  it('a switch to a dead greenlet goes to its nearest live parent', () => {
    const main = getcurrent();
    let inner: RawGreenlet | undefined;
    const outer = greenlet(() => {
      inner = greenlet(() => 'inner done');
      const first = inner.switch();
      const resumed = main.switch(first);
      return `outer resumed with ${String(resumed)}`;
    });
    expect(outer.switch()).toBe('inner done');
    expect(inner?.dead).toBe(true);
    expect(inner?.switch('via dead inner')).toBe('outer resumed with via dead inner');
    expect(outer.dead).toBe(true);
  });

  it('an error thrown into g2 whose parent g1 never started ends g1 too and reaches the root', () => {
    let g1Ran = false;
    const g1 = greenlet(() => {
      g1Ran = true;
      return 'normal exit';
    });
    const g2 = greenlet(() => 'g2', g1);
    const error = new RangeError('x');
    expect(() => g2.throw(error)).toThrow(error);
    expect(g1Ran).toBe(false);
    expect(g2.dead).toBe(true);
    expect(g1.dead).toBe(true);
  });

  it('a value returned into a parent that never started starts it, with the value as its argument', () => {
    const p = greenlet((arg: unknown) => `parent got ${String(arg)}`);
    const c = greenlet(() => 'from child', p);
    expect(c.switch()).toBe('parent got from child');
    expect([p.dead, c.dead]).toEqual([true, true]);
  });

  it('a GreenletExit thrown into g2 is not an error: its unstarted parent g1 runs, with no arguments', () => {
    const g1 = greenlet((...args: unknown[]) => ['g1 ran', args]);
    const g2 = greenlet(() => 'g2 ran', g1);
    expect(g2.throw(new GreenletExit())).toEqual(['g1 ran', []]);
    expect([g1.dead, g2.dead]).toEqual([true, true]);
  });

  it('a raw greenlet may block on the Hub (sleep) and still return to its parent', () => {
    const g = greenlet((ms: number) => {
      sleep(ms);
      return 'slept';
    });
    expect(g.switch(10)).toBe('slept');
  });

  it('switching to the current greenlet returns the value at once', () => {
    const g: RawGreenlet = greenlet(() => g.switch('self'));
    expect(g.switch()).toBe('self');
    expect(root.switch('me')).toBe('me');
  });

  it('works from inside a spawned Greenlet (parent: that greenlet)', () => {
    const outer = spawn(() => {
      const me = getcurrent();
      const g = greenlet((x: number) => {
        const back = me.switch(x * 2);
        return (back as number) + 1;
      });
      expect(g.parent).toBe(me);
      const first = g.switch(5);
      const second = g.switch(100);
      return [first, second];
    });
    expect(outer.get()).toEqual([10, 101]);
  });
});

describe('parent', () => {
  it('can be changed; a cycle is a RangeError', () => {
    const a = greenlet(() => 'a');
    const b = greenlet(() => 'b', a);
    expect(b.parent).toBe(a);
    expect(() => (a.parent = b)).toThrow(RangeError);
    expect(() => (a.parent = a)).toThrow(/cyclic/);
    b.parent = root;
    expect(b.parent).toBe(root);
    a.parent = b; // no cycle any more
    expect(a.parent).toBe(b);
  });

  it('a parent that is not a greenlet is a TypeError', () => {
    expect(() => greenlet(() => 1, {} as RawGreenlet)).toThrow(TypeError);
    const g = greenlet(() => 1);
    expect(() => (g.parent = 5 as never)).toThrow(TypeError);
  });

  it('a result skips dead parents and goes to the nearest live one', () => {
    const dead = greenlet(() => 'gone');
    dead.switch();
    const child = greenlet(() => 'to the root', dead);
    expect(child.switch()).toBe('to the root');
  });
});

describe('bad input', () => {
  it('run must be a function', () => {
    expect(() => greenlet(5 as never)).toThrow(TypeError);
    expect(() => new RawGreenlet('x' as never)).toThrow(/run must be a function/);
  });

  it('a greenlet with no run fails at its first switch with a TypeError', () => {
    const g = new RawGreenlet();
    expect(() => g.switch()).toThrow(TypeError);
    expect(g.dead).toBe(true);
  });
});
