import { describe, expect, it } from 'vitest';
import {
  BlockingSwitchOutError, Channel, Event, Empty, Full, GreenletExit, JoinableQueue, LifoQueue, PriorityQueue, Queue, sleep, spawn, StopIteration, Timeout,
} from '../src/index';
import { activeTimers, thrown } from './primitives-util';
import { collectFailures } from './core-util';

describe('Queue', () => {
  it('is FIFO and reports its size', () => {
    const q = new Queue<number>(3);
    expect(q.maxsize).toBe(3);
    expect(q.empty()).toBe(true);
    q.put(1);
    q.putNowait(2);
    q.put(3, { block: false });
    expect(q.qsize()).toBe(3);
    expect(q.full()).toBe(true);
    expect(q.peek()).toBe(1);
    expect([q.get(), q.getNowait(), q.get({ block: false })]).toEqual([1, 2, 3]);
    expect(q.empty()).toBe(false === false);
    expect(new Queue().maxsize).toBe(Infinity);
    expect(new Queue().full()).toBe(false);
  });

  it('takes initial items', () => {
    const q = new Queue(5, ['a', 'b']);
    expect(q.qsize()).toBe(2);
    expect(q.get()).toBe('a');
    expect(() => new Queue(1, [1, 2])).toThrow(RangeError);
    expect(() => new Queue(3, 5 as never)).toThrow(TypeError);
  });

  it('non-blocking calls and timeouts throw Empty and Full, leaving no timer', () => {
    const before = activeTimers();
    const q = new Queue<number>(1);
    expect(thrown(() => q.getNowait())).toBeInstanceOf(Empty);
    expect(thrown(() => q.get({ timeout: 3 }))).toBeInstanceOf(Empty);
    expect(thrown(() => q.peek({ block: false }))).toBeInstanceOf(Empty);
    expect(thrown(() => q.peek({ timeout: 3 }))).toBeInstanceOf(Empty);
    q.put(1);
    expect(thrown(() => q.putNowait(2))).toBeInstanceOf(Full);
    expect(thrown(() => q.put(2, { timeout: 3 }))).toBeInstanceOf(Full);
    expect(spawn(() => thrown(() => q.put(2, { timeout: 3 }))).get()).toBeInstanceOf(Full);
    expect(q.qsize()).toBe(1);
    expect(q.getters + q.putters).toBe(0);
    expect(activeTimers()).toBe(before);
    expect(new Empty()).toBeInstanceOf(Error);
    expect(new Full().name).toBe('Full');
  });

  it('validates maxsize: Queue(0) points to Channel', () => {
    expect(() => new Queue(0)).toThrow(RangeError);
    expect(() => new Queue(0)).toThrow(/Channel/);
    expect(() => new Queue(-1)).toThrow(RangeError);
    expect(() => new Queue(1.5)).toThrow(RangeError);
    expect(() => new Queue(NaN)).toThrow(RangeError);
    expect(() => new Queue('3' as never)).toThrow(TypeError);
    expect(() => new Queue(-Infinity)).toThrow(RangeError);
    expect(() => new LifoQueue(0)).toThrow(/Channel/);
  });

  it('rejects bad options', () => {
    const q = new Queue();
    expect(() => q.put(1, 5 as never)).toThrow(TypeError);
    expect(() => q.get({ timeout: -1 })).toThrow(RangeError);
    expect(() => q.get({ timeout: 'x' as never })).toThrow(TypeError);
  });

  it('get blocks until a put; put blocks until a get', () => {
    const q = new Queue<string>(1);
    const log: string[] = [];
    const consumer = spawn(() => { log.push('get'); const v = q.get(); log.push(`got ${v}`); return v; });
    sleep(0);
    expect(log).toEqual(['get']);
    q.put('x');
    expect(consumer.get()).toBe('x');
    q.put('a');
    const producer = spawn(() => { q.put('b'); log.push('put b'); });
    sleep(0);
    expect(producer.dead).toBe(false);
    expect(q.get()).toBe('a');
    producer.join();
    expect(log).toEqual(['get', 'got x', 'put b']);
    expect(q.get()).toBe('b');
  });

  it('serves getters first come, first served; a newcomer cannot barge', () => {
    const q = new Queue<number>();
    const got: string[] = [];
    const gs = ['a', 'b', 'c'].map((name) => spawn(() => got.push(`${name}${q.get()}`)));
    sleep(0);
    q.put(1);
    q.put(2);
    // both items are promised to a and b: a newcomer finds none
    expect(thrown(() => q.getNowait())).toBeInstanceOf(Empty);
    q.put(3);
    for (const g of gs) g.join();
    expect(got).toEqual(['a1', 'b2', 'c3']);
  });

  it('a getter that times out in the middle of the line keeps the others in order', () => {
    const q = new Queue<number>();
    const got: string[] = [];
    const a = spawn(() => got.push(`a${q.get()}`));
    const b = spawn(() => thrown(() => q.get({ timeout: 1 })));
    const c = spawn(() => got.push(`c${q.get()}`));
    expect(b.get()).toBeInstanceOf(Empty);
    q.put(1);
    q.put(2);
    a.join();
    c.join();
    expect(got).toEqual(['a1', 'c2']);
  });

  it('non-blocking calls work inside a link callback; blocking there throws', () => {
    const q = new Queue<number>(1);
    const event = new Event();
    const seen: unknown[] = [];
    event.rawlink(() => {
      q.putNowait(1);
      seen.push(thrown(() => q.put(2)));
      seen.push(q.getNowait());
    });
    event.set();
    sleep(0);
    expect(seen[0]).toBeInstanceOf(BlockingSwitchOutError);
    expect(seen[1]).toBe(1);
  });

  it('serves putters first come, first served', () => {
    const q = new Queue<string>(1, ['first']);
    const gs = ['a', 'b', 'c'].map((name) => spawn(() => q.put(name)));
    sleep(0);
    expect(thrown(() => q.putNowait('barge'))).toBeInstanceOf(Full);
    expect([q.get(), q.get(), q.get(), q.get()]).toEqual(['first', 'a', 'b', 'c']);
    for (const g of gs) g.join();
  });

  it('a getter killed after its wake takes nothing; the next getter gets the item', () => {
    const q = new Queue<number>();
    const first = spawn(() => q.get());
    const second = spawn(() => q.get());
    sleep(0);
    first.kill(new GreenletExit(), { block: false }); // the kill lands before the wake below
    q.put(1);
    expect(second.get()).toBe(1);
    expect(first.value).toBeInstanceOf(GreenletExit);
    expect(q.qsize()).toBe(0);
  });

  it('a putter killed while waiting inserts nothing', () => {
    const q = new Queue<number>(1, [0]);
    const putter = spawn(() => q.put(1));
    const other = spawn(() => q.put(2));
    sleep(0);
    putter.kill(new GreenletExit(), { block: false });
    expect(q.get()).toBe(0);
    other.join();
    expect(q.get()).toBe(2);
    expect(q.qsize()).toBe(0);
  });

  it('a Timeout thrown into a blocked get takes nothing', () => {
    const q = new Queue<number>();
    const g = spawn(() => thrown(() => Timeout.run(2, () => q.get())));
    expect(g.get()).toBeInstanceOf(Timeout);
    q.put(5);
    expect(q.get()).toBe(5);
  });

  it('a kill that lands while a Timeout fires is not swallowed by the Timeout', () => {
    const q = new Queue<number>();
    const victim = spawn(() => {
      for (;;) {
        try {
          Timeout.run(1, () => q.get());
        } catch (error) {
          if (!(error instanceof Timeout)) throw error;
        }
      }
    });
    sleep(0); // the victim parks in get(), its 1 ms Timeout armed
    spawn(() => {
      const end = Date.now() + 3;
      while (Date.now() < end); // let the victim's Timeout expire unhandled
      q.put(1); // wakes the victim; its resume runs on the next Hub pass
    });
    victim.kill(new GreenletExit(), { block: false }); // lands in this pass, before the Timeout fires
    victim.join(2000);
    expect(victim.dead).toBe(true);
    expect(victim.value).toBeInstanceOf(GreenletExit);
    expect(q.qsize()).toBe(1);
  });

  it('peek waits for an item without taking it and passes the turn on', () => {
    const q = new Queue<string>();
    const peeker = spawn(() => q.peek());
    const getter = spawn(() => q.get());
    sleep(0);
    q.put('x');
    expect(peeker.get()).toBe('x');
    expect(getter.get()).toBe('x');
    expect(q.qsize()).toBe(0);
  });

  it('iterates until StopIteration', () => {
    const q = new Queue<number>();
    spawn(() => { for (let i = 0; i < 5; i++) q.put(i); q.put(StopIteration); });
    const seen: number[] = [];
    for (const item of q) seen.push(item);
    expect(seen).toEqual([0, 1, 2, 3, 4]);
  });

  it('works from the root greenlet: get fed by greenlets and plain timers, put drained by a greenlet', () => {
    const q = new Queue<string>(1);
    spawn(() => { sleep(1); q.put('from greenlet'); });
    expect(q.get()).toBe('from greenlet');
    setTimeout(() => q.put('from timer'), 2);
    expect(q.get({ timeout: 5000 })).toBe('from timer');
    const drained: string[] = [];
    spawn(() => { for (let i = 0; i < 3; i++) drained.push(q.get()); });
    for (const x of ['a', 'b', 'c']) q.put(x);
    sleep(1);
    expect(drained).toEqual(['a', 'b', 'c']);
  });
});

describe('LifoQueue and PriorityQueue', () => {
  it('LifoQueue returns the newest first', () => {
    const q = new LifoQueue<number>(Infinity, [1, 2]);
    q.put(3);
    expect(q.peek()).toBe(3);
    expect([q.get(), q.get(), q.get()]).toEqual([3, 2, 1]);
  });

  it('PriorityQueue returns the smallest first, natural order', () => {
    const q = new PriorityQueue<number>(Infinity, [5, 1, 4]);
    for (const n of [3, 9, 0, 2]) q.put(n);
    const out: number[] = [];
    while (!q.empty()) out.push(q.get());
    expect(out).toEqual([0, 1, 2, 3, 4, 5, 9]);
    const words = new PriorityQueue<string>(Infinity, ['pear', 'apple', 'fig']);
    expect([words.get(), words.get(), words.get()]).toEqual(['apple', 'fig', 'pear']);
  });

  it('PriorityQueue compares arrays like tuples, and takes a comparator', () => {
    const q = new PriorityQueue<[number, string]>();
    q.put([2, 'b']);
    q.put([1, 'z']);
    q.put([2, 'a']);
    expect([q.get(), q.get(), q.get()]).toEqual([[1, 'z'], [2, 'a'], [2, 'b']]);
    const max = new PriorityQueue<number>(Infinity, [1, 3, 2], { compare: (a, b) => b - a });
    expect([max.get(), max.get(), max.get()]).toEqual([3, 2, 1]);
    expect(() => new PriorityQueue(Infinity, [], { compare: 1 as never })).toThrow(TypeError);
  });

  it('PriorityQueue iteration ends at StopIteration after the real items', () => {
    const q = new PriorityQueue<number>(Infinity, [3, 1]);
    q.put(StopIteration);
    q.put(2);
    expect(Array.from(q)).toEqual([1, 2, 3]);
  });

  it('bounded PriorityQueue blocks putters', () => {
    const q = new PriorityQueue<number>(2, [2, 1]);
    expect(thrown(() => q.putNowait(0))).toBeInstanceOf(Full);
    const g = spawn(() => q.put(0));
    sleep(0);
    expect(q.get()).toBe(1);
    g.join();
    expect(q.get()).toBe(0);
  });
});

describe('JoinableQueue', () => {
  it('join waits until every item is marked done', () => {
    const q = new JoinableQueue<number>();
    const done: number[] = [];
    spawn(() => { for (;;) { const n = q.get(); sleep(0); done.push(n); q.taskDone(); } });
    for (let i = 0; i < 5; i++) q.put(i);
    expect(q.unfinishedTasks).toBe(5);
    expect(q.join()).toBe(true);
    expect(done).toEqual([0, 1, 2, 3, 4]);
    expect(q.unfinishedTasks).toBe(0);
  });

  it('join times out; initial items count; too many taskDone calls throw', () => {
    const q = new JoinableQueue(Infinity, ['a']);
    expect(q.unfinishedTasks).toBe(1);
    expect(q.join(3)).toBe(false);
    q.get();
    q.taskDone();
    expect(q.join(3)).toBe(true);
    expect(() => q.taskDone()).toThrow(RangeError);
    expect(new JoinableQueue().join()).toBe(true);
  });
});

describe('Channel', () => {
  it('put waits for a getter; get waits for a putter', () => {
    const ch = new Channel<string>();
    expect(thrown(() => ch.putNowait('x'))).toBeInstanceOf(Full);
    expect(thrown(() => ch.getNowait())).toBeInstanceOf(Empty);
    const log: string[] = [];
    const putter = spawn(() => { ch.put('a'); log.push('put a'); });
    sleep(1);
    expect(log).toEqual([]);
    expect(ch.balance).toBe(1);
    expect(ch.get()).toBe('a');
    putter.join();
    expect(log).toEqual(['put a']);
    const getter = spawn(() => ch.get());
    sleep(0);
    expect(ch.balance).toBe(-1);
    ch.putNowait('b');
    expect(getter.get()).toBe('b');
    // It holds nothing, ever (gevent).
    expect([ch.qsize(), ch.empty(), ch.full()]).toEqual([0, true, true]);
  });

  it('put returns only after the getter has taken the item and run on (gevent interleaving)', () => {
    const ch = new Channel<number>();
    const log: string[] = [];
    spawn(() => {
      log.push(`got ${ch.get()}`);
      log.push('getter after get');
    });
    sleep(0);
    const putter = spawn(() => {
      log.push('put starts');
      ch.put(1);
      log.push('put returned');
    });
    putter.join();
    expect(log).toEqual(['put starts', 'got 1', 'getter after get', 'put returned']);
  });

  it('getNowait takes from a waiting putter, which resumes afterwards', () => {
    const ch = new Channel<number>();
    const log: string[] = [];
    const putter = spawn(() => {
      ch.put(2);
      log.push('putter done');
    });
    sleep(0);
    expect(ch.getNowait()).toBe(2);
    log.push('got');
    putter.join();
    expect(log).toEqual(['got', 'putter done']);
    // From a greenlet too
    const p2 = spawn(() => ch.put(3));
    sleep(0);
    expect(spawn(() => ch.getNowait()).get()).toBe(3);
    p2.join();
    expect(p2.successful()).toBe(true);
  });

  it('putNowait hands the item to a waiting getter, from the root or from a greenlet', () => {
    const ch = new Channel<number>();
    const g1 = spawn(() => ch.get());
    sleep(0);
    ch.putNowait(1);
    expect(g1.get()).toBe(1);
    const g2 = spawn(() => ch.get());
    sleep(0);
    spawn(() => ch.putNowait(2)).get();
    expect(g2.get()).toBe(2);
  });

  it('putNowait from a greenlet fails with Full if its getter is killed before the pairing', () => {
    const ch = new Channel<number>();
    const getter = spawn(() => ch.get());
    sleep(0);
    // The kill lands on the Hub after the putter joined the line, before the pairing pass.
    spawn(() => getter.kill(new GreenletExit(), { block: false }));
    const putter = spawn(() => ch.putNowait(3));
    const failures = collectFailures(() => putter.join());
    expect(putter.exception).toBeInstanceOf(Full);
    expect(failures).toHaveLength(1);
    getter.join();
    expect(getter.value).toBeInstanceOf(GreenletExit);
    expect(ch.balance).toBe(0);
  });

  it('pairs putters and getters in FIFO order', () => {
    const ch = new Channel<number>();
    const got: string[] = [];
    const getters = ['a', 'b'].map((name) => spawn(() => got.push(`${name}${ch.get()}`)));
    const putters = [1, 2].map((n) => spawn(() => ch.put(n)));
    for (const g of [...getters, ...putters]) g.join();
    expect(got).toEqual(['a1', 'b2']);
  });

  it('timeouts throw Full/Empty and leave no timer', () => {
    const before = activeTimers();
    const ch = new Channel();
    expect(thrown(() => ch.put(1, { timeout: 3 }))).toBeInstanceOf(Full);
    expect(thrown(() => ch.get({ timeout: 3 }))).toBeInstanceOf(Empty);
    expect(ch.balance).toBe(0);
    expect(activeTimers()).toBe(before);
  });

  it('a getter killed before the pairing pass takes nothing: the item goes to the next getter', () => {
    const ch = new Channel<string>();
    const doomed = spawn(() => ch.get());
    sleep(0);
    const putter = spawn(() => ch.put('kept'));
    doomed.kill(new GreenletExit(), { block: false });
    const next = spawn(() => ch.get());
    expect(next.get()).toBe('kept');
    expect(doomed.value).toBeInstanceOf(GreenletExit);
    putter.join();
    expect(putter.successful()).toBe(true);
  });

  it('a putter killed while waiting inserts nothing', () => {
    const ch = new Channel<string>();
    const putter = spawn(() => ch.put('lost?'));
    sleep(0);
    putter.kill();
    expect(ch.balance).toBe(0);
    expect(thrown(() => ch.get({ timeout: 3 }))).toBeInstanceOf(Empty);
  });

  it('iterates until StopIteration, from the root greenlet', () => {
    const ch = new Channel<number>();
    spawn(() => { for (const n of [1, 2, 3]) ch.put(n); ch.put(StopIteration); });
    expect(Array.from(ch)).toEqual([1, 2, 3]);
  });
});
