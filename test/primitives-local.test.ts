import { describe, expect, it } from 'vitest';
import { joinall, local, sleep, spawn } from '../src/index';

describe('local', () => {
  it('keeps properties private to each greenlet; the root greenlet has its own', () => {
    const ctx = local<{ name?: string; n?: number }>();
    ctx.name = 'root';
    const gs = ['a', 'b'].map((name) => spawn(() => {
      expect(ctx.name).toBeUndefined();
      ctx.name = name;
      sleep(1); // the other greenlet writes meanwhile
      return ctx.name;
    }));
    expect(joinall(gs).map((g) => g.value)).toEqual(['a', 'b']);
    expect(ctx.name).toBe('root');
  });

  it('works with new, in, delete and Object.keys', () => {
    const ctx = new local<Record<string, number>>();
    ctx.x = 1;
    ctx.y = 2;
    expect('x' in ctx).toBe(true);
    expect(Object.keys(ctx)).toEqual(['x', 'y']);
    expect({ ...ctx }).toEqual({ x: 1, y: 2 });
    delete ctx.x;
    expect('x' in ctx).toBe(false);
    expect(spawn(() => Object.keys(ctx)).get()).toEqual([]);
    Object.defineProperty(ctx, 'z', { value: 3, writable: true, configurable: true, enumerable: true });
    expect(ctx.z).toBe(3);
  });

  it('runs init once per greenlet for its initial properties', () => {
    let calls = 0;
    const ctx = local(() => { calls++; return { count: 0 }; });
    const bump = (): number => ++ctx.count;
    const gs = [1, 2, 3].map(() => spawn(() => { bump(); sleep(0); return bump(); }));
    expect(joinall(gs).map((g) => g.value)).toEqual([2, 2, 2]);
    expect(calls).toBe(3);
    expect(ctx.count).toBe(0);
  });

  it('rejects a non-function init', () => {
    expect(() => local(5 as never)).toThrow(TypeError);
  });
});
