import { describe, expect, it } from 'vitest';
import { Event, Full, getcurrent, Greenlet, GreenletExit, Group, joinall, Pool, Queue, sleep, spawn, StopIteration } from '../src/index';
import { quietly, thrown } from './primitives-util';

describe('Group', () => {
  it('add, has, discard, size; members leave when they die', () => {
    const group = new Group();
    const g = spawn(() => sleep(1));
    group.add(g);
    group.add(g);
    expect(group.size).toBe(1);
    expect(group.has(g)).toBe(true);
    const h = group.spawn((a: number, b: number) => a + b, 1, 2);
    expect(group.size).toBe(2);
    expect(Array.from(group)).toEqual([g, h]);
    expect(group.join()).toBe(true);
    expect(group.size).toBe(0);
    expect(h.value).toBe(3);
    const other = spawn(() => sleep(1));
    group.add(other);
    group.discard(other);
    expect(group.has(other)).toBe(false);
    other.join();
    expect(() => group.add({} as never)).toThrow(TypeError);
    expect(new Group([spawn(() => 1)]).size).toBe(1);
  });

  it('join times out, and raiseError throws a member failure', () => {
    const group = new Group();
    group.spawn(() => sleep(50));
    expect(group.join({ timeout: 3 })).toBe(false);
    group.kill();
    const boom = new Error('boom');
    quietly(() => {
      group.spawn(() => { throw boom; });
      group.spawn(() => 1);
      expect(thrown(() => group.join({ raiseError: true }))).toBe(boom);
    });
    expect(group.join({ raiseError: true })).toBe(true);
    expect(() => group.join({ timeout: -1 })).toThrow(RangeError);
  });

  it('kill kills every member and waits; killone kills one', () => {
    const group = new Group();
    const cleaned: number[] = [];
    const gs = [1, 2, 3].map((n) => group.spawn(() => { try { sleep(10_000); } finally { cleaned.push(n); } }));
    sleep(0);
    group.killone(gs[0]);
    expect(gs[0].dead).toBe(true);
    group.killone(spawn(() => 1)); // not a member: left alone
    group.kill();
    expect(gs.every((g) => g.dead && (g.value as unknown) instanceof GreenletExit)).toBe(true);
    expect(cleaned).toEqual([1, 2, 3]);
    expect(group.size).toBe(0);
    // Its cleanup outlasts any delay a busy machine adds; the second kill ends it.
    const slow = group.spawn(() => { try { sleep(10_000); } finally { sleep(5_000); } });
    sleep(0);
    group.kill(new GreenletExit(), { timeout: 2 });
    expect(slow.dead).toBe(false);
    group.kill(undefined, { block: false });
    slow.join();
    expect(slow.dead).toBe(true);
  });

  it('map returns results in input order', () => {
    const group = new Group();
    const out = group.map((n: number) => { sleep(5 - n); return n * 10; }, [1, 2, 3, 4]);
    expect(out).toEqual([10, 20, 30, 40]);
    expect(group.map((x: string) => x, [])).toEqual([]);
  });

  it('imap yields in order; imapUnordered in finishing order', () => {
    const group = new Group();
    const delays = [4, 1, 3];
    expect(Array.from(group.imap((d: number) => { sleep(d); return d; }, delays))).toEqual([4, 1, 3]);
    // Each finishes when its gate opens: 1, then 3, then 4.
    const gates = new Map(delays.map((d) => [d, new Event()]));
    spawn(() => {
      for (const d of [1, 3, 4]) {
        gates.get(d)?.set();
        sleep(0);
      }
    });
    expect(Array.from(group.imapUnordered((d: number) => { gates.get(d)?.wait(); return d; }, delays))).toEqual([1, 3, 4]);
  });

  it('imap maxsize bounds how many run at once and reads a generator lazily', () => {
    const group = new Group();
    let running = 0;
    let most = 0;
    const pulled: number[] = [];
    function* numbers(): Generator<number> {
      for (let i = 0; i < 8; i++) { pulled.push(i); yield i; }
    }
    const results = group.imapUnordered((n: number) => { running++; most = Math.max(most, running); sleep(1); running--; return n; }, numbers(), { maxsize: 3 });
    expect(pulled).toEqual([]);
    expect(Array.from(results).sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(most).toBe(3);
    expect(() => group.imap((x) => x, [1], { maxsize: 0 })).toThrow(RangeError);
    expect(() => group.imap((x) => x, 5 as never)).toThrow(TypeError);
    expect(() => group.map(5 as never, [])).toThrow(TypeError);
  });

  it('imap from a queue iterator (a stream of work)', () => {
    const group = new Group();
    const q = new Queue<number>();
    spawn(() => { for (let i = 1; i <= 4; i++) { q.put(i); sleep(0); } q.put(StopIteration); });
    expect(Array.from(group.imap((n: number) => n * n, q))).toEqual([1, 4, 9, 16]);
  });

  it('a failure in imap is thrown by next() for its item, and the iteration goes on (gevent)', () => {
    const group = new Group();
    const boom = new Error('boom');
    quietly(() => {
      const drain = (it: Iterator<number>): unknown[] => {
        const seen: unknown[] = [];
        for (let i = 0; i < 4; i++) {
          try {
            const step = it.next();
            seen.push(step.done === true ? 'done' : step.value);
          } catch (error) {
            seen.push(error);
          }
        }
        return seen;
      };
      const f = (n: number): number => { if (n === 1) throw boom; return n; };
      expect(drain(group.imap(f, [0, 1, 2]))).toEqual([0, boom, 2, 'done']);
      const unordered = drain(group.imapUnordered(f, [0, 1, 2]));
      expect(unordered.slice(0, 3)).toEqual(expect.arrayContaining([0, boom, 2]));
      expect(unordered[3]).toBe('done');
      // map() (and Array.from) stop at the first failure
      expect(thrown(() => group.map((n: number) => { if (n === 1) throw boom; return n; }, [0, 1, 2]))).toBe(boom);
    });
    expect(group.join({ timeout: 1000 })).toBe(true);
  });

  it('breaking out of imap kills the calls still running', () => {
    const group = new Group();
    for (const n of group.imap((d: number) => { sleep(d); return d; }, [0, 5000, 5000])) {
      expect(n).toBe(0);
      break;
    }
    expect(group.join({ timeout: 1000 })).toBe(true);
  });

  it('start adds an unstarted greenlet; mapAsync; a Group is never full', () => {
    const group = new Group();
    const g = new Greenlet(() => 'started');
    group.start(g);
    expect(group.has(g)).toBe(true);
    expect(g.get()).toBe('started');
    const mapped = group.mapAsync((n: number) => n + 1, [1, 2]);
    expect(mapped.get()).toEqual([2, 3]);
    expect(group.full()).toBe(false);
    expect(group.waitAvailable(5)).toBe(Infinity);
    expect(() => group.waitAvailable(-1)).toThrow(RangeError);
  });

  it('apply waits for the result; runs inline from a member', () => {
    const group = new Group();
    expect(group.apply((a: number, b: number) => a * b, [6, 7])).toBe(42);
    const inner = group.spawn(() => {
      const me = getcurrent();
      return group.apply(() => getcurrent() === me);
    });
    expect(inner.get()).toBe(true);
    expect(group.applyAsync(() => 5).get()).toBe(5);
    expect(() => group.apply(() => 1, 3 as never)).toThrow(TypeError);
  });
});

describe('Pool', () => {
  it('spawn blocks while size greenlets run', () => {
    const pool = new Pool(2);
    expect(pool.poolSize).toBe(2);
    expect(pool.freeCount()).toBe(2);
    const log: string[] = [];
    const work = (name: string): void => { log.push(`start ${name}`); sleep(2); log.push(`end ${name}`); };
    pool.spawn(work, 'a');
    pool.spawn(work, 'b');
    expect(pool.full()).toBe(true);
    expect(pool.freeCount()).toBe(0);
    pool.spawn(work, 'c'); // waits for a or b
    expect(log.slice(0, 3)).toEqual(['start a', 'start b', 'end a']);
    pool.join();
    expect(log.indexOf('start c')).toBeGreaterThan(log.indexOf('end a'));
    expect(pool.freeCount()).toBe(2);
  });

  it('map runs at most size at once, in order', () => {
    const pool = new Pool(3);
    let running = 0;
    let most = 0;
    const out = pool.map((n: number) => { running++; most = Math.max(most, running); sleep(1); running--; return -n; }, [1, 2, 3, 4, 5, 6, 7]);
    expect(out).toEqual([-1, -2, -3, -4, -5, -6, -7]);
    expect(most).toBe(3);
  });

  it('waitAvailable waits for a free slot; add with blocking false throws Full', () => {
    const pool = new Pool(1);
    const go = new Event();
    const g = pool.spawn(() => go.wait());
    expect(pool.waitAvailable(0)).toBe(0);
    expect(thrown(() => pool.add(new Greenlet(() => 1), { blocking: false }))).toBeInstanceOf(Full);
    expect(thrown(() => pool.add(new Greenlet(() => 1), { timeout: 1 }))).toBeInstanceOf(Full);
    spawn(() => go.set());
    expect(pool.waitAvailable()).toBe(1);
    expect(g.dead).toBe(true);
    expect(pool.freeCount()).toBe(1);
  });

  it('a killed member frees its slot', () => {
    const pool = new Pool(1);
    const g = pool.spawn(() => sleep(10_000));
    sleep(0);
    pool.killone(g);
    expect(pool.spawn(() => 'next').get()).toBe('next');
    joinall([g]);
  });

  it('rejects a bad size', () => {
    expect(() => new Pool(0)).toThrow(RangeError);
    expect(() => new Pool(-1)).toThrow(RangeError);
    expect(() => new Pool(1.5)).toThrow(RangeError);
    expect(() => new Pool('2' as never)).toThrow(TypeError);
    const unbounded = new Pool();
    expect(unbounded.freeCount()).toBe(Infinity);
    expect(unbounded.full()).toBe(false);
    expect(unbounded.waitAvailable()).toBe(Infinity);
  });
});
