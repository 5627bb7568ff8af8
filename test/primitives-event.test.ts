import { describe, expect, it } from 'vitest';
import { AsyncResult, Event, Greenlet, GreenletExit, iwait, joinall, sleep, spawn, Timeout, wait } from '../src/index';
import { inHub } from '../src/core/fiber';
import { activeTimers, thrown } from './primitives-util';

describe('Event', () => {
  it('starts clear; set/clear/isSet/ready', () => {
    const event = new Event();
    expect(event.isSet()).toBe(false);
    expect(event.ready()).toBe(false);
    event.set();
    expect(event.isSet()).toBe(true);
    expect(event.ready()).toBe(true);
    expect(event.wait()).toBe(true);
    event.clear();
    expect(event.isSet()).toBe(false);
  });

  it('wakes every waiter, first come first served', () => {
    const event = new Event();
    const order: string[] = [];
    const gs = ['a', 'b', 'c'].map((name) => spawn(() => { order.push(`wait ${name}`); expect(event.wait()).toBe(true); order.push(name); }));
    sleep(0);
    expect(order).toEqual(['wait a', 'wait b', 'wait c']);
    event.set();
    expect(order).toHaveLength(3); // set() never switches
    joinall(gs);
    expect(order.slice(3)).toEqual(['a', 'b', 'c']);
  });

  it('wait returns true once notified even if cleared before the waiter runs (gevent)', () => {
    const event = new Event();
    const g = spawn(() => event.wait(1000));
    sleep(0);
    event.set();
    event.clear();
    expect(g.get()).toBe(true);
  });

  it('wait(timeout) returns false and leaves no timer or link behind', () => {
    const event = new Event();
    const before = activeTimers();
    expect(event.wait(5)).toBe(false);
    expect(spawn(() => event.wait(5)).get()).toBe(false);
    expect(event.linkcount()).toBe(0);
    expect(activeTimers()).toBe(before);
  });

  it('a waiter that is killed leaves no link', () => {
    const event = new Event();
    const g = spawn(() => event.wait());
    sleep(0);
    expect(event.linkcount()).toBe(1);
    g.kill();
    expect(g.value).toBeInstanceOf(GreenletExit);
    expect(event.linkcount()).toBe(0);
  });

  it('a Timeout around wait interrupts it', () => {
    const event = new Event();
    const error = thrown(() => Timeout.run(5, () => event.wait()));
    expect(error).toBeInstanceOf(Timeout);
  });

  it('rawlink callbacks run on the Hub after set() returns, with the event, in order', () => {
    const event = new Event();
    const calls: unknown[] = [];
    const first = (source: Event): void => void calls.push(['first', source === event, inHub()]);
    const second = (): void => void calls.push('second');
    const removed = (): void => void calls.push('removed');
    event.rawlink(first);
    event.rawlink(removed);
    event.rawlink(second);
    event.unlink(removed);
    event.set();
    expect(calls).toEqual([]);
    sleep(0);
    expect(calls).toEqual([['first', true, true], 'second']);
    // linked while set: called on a later turn too
    event.rawlink(second);
    sleep(0);
    expect(calls).toEqual([['first', true, true], 'second', 'second']);
  });

  it('rejects bad arguments', () => {
    const event = new Event();
    expect(() => event.rawlink(42 as never)).toThrow(TypeError);
    expect(() => event.wait(-1)).toThrow(RangeError);
    expect(() => event.wait('1' as never)).toThrow(TypeError);
  });

  it('works from the root greenlet, set by a greenlet or a plain timer', () => {
    const event = new Event();
    spawn(() => { sleep(2); event.set(); });
    expect(event.wait()).toBe(true);
    const other = new Event();
    setTimeout(() => other.set(), 2);
    expect(other.wait(5000)).toBe(true);
  });
});

describe('AsyncResult', () => {
  it('set: ready, successful, value, get', () => {
    const result = new AsyncResult<number>();
    expect(result.ready()).toBe(false);
    expect(result.successful()).toBe(false);
    expect(result.value).toBeUndefined();
    const g = spawn(() => result.get());
    sleep(0);
    result.set(7);
    expect(g.get()).toBe(7);
    expect(result.ready()).toBe(true);
    expect(result.successful()).toBe(true);
    expect(result.value).toBe(7);
    expect(result.exception).toBeUndefined();
    expect(result.get()).toBe(7);
    expect(result.wait()).toBe(true);
  });

  it('setException: get rethrows the same error in every waiter', () => {
    const result = new AsyncResult<number>();
    const boom = new Error('boom');
    const gs = [1, 2].map(() => spawn(() => thrown(() => result.get())));
    sleep(0);
    result.setException(boom);
    expect(gs.map((g) => g.get())).toEqual([boom, boom]);
    expect(result.successful()).toBe(false);
    expect(result.ready()).toBe(true);
    expect(result.exception).toBe(boom);
    expect(thrown(() => result.get())).toBe(boom);
  });

  it('get without blocking or past its timeout throws a Timeout; wait returns false', () => {
    const result = new AsyncResult();
    const before = activeTimers();
    expect(thrown(() => result.get({ block: false }))).toBeInstanceOf(Timeout);
    expect(thrown(() => result.getNowait())).toBeInstanceOf(Timeout);
    expect(thrown(() => result.get({ timeout: 5 }))).toBeInstanceOf(Timeout);
    expect(result.wait(5)).toBe(false);
    expect(activeTimers()).toBe(before);
    expect(() => result.get({ timeout: -5 })).toThrow(RangeError);
    expect(() => result.get(3 as never)).toThrow(TypeError);
  });

  it('is set from a plain callback while the root greenlet waits', () => {
    const result = new AsyncResult<string>();
    setTimeout(() => result.set('late'), 2);
    expect(result.get({ timeout: 5000 })).toBe('late');
  });

  it('set with no value stores undefined', () => {
    const result = new AsyncResult();
    result.set();
    expect(result.successful()).toBe(true);
    expect(result.get()).toBeUndefined();
  });
});

describe('wait, iwait and joinall with events', () => {
  it('wait([event, greenlet]) returns both once ready', () => {
    const event = new Event();
    const g = spawn(() => { sleep(1); return 1; });
    spawn(() => { sleep(2); event.set(); });
    const done = wait([event, g]) as unknown[];
    expect(done).toHaveLength(2);
    expect(done).toContain(event);
    expect(done).toContain(g);
  });

  it('wait with count 1 returns the first ready; iwait yields in readiness order', () => {
    const a = new Event();
    const b = new AsyncResult<number>();
    const go = new Event();
    const g = spawn(() => { go.wait(); return 'g'; });
    spawn(() => b.set(1));
    expect(wait([a, b, g], { count: 1 })).toEqual([b]);
    const order: unknown[] = [];
    for (const ready of iwait<Event | AsyncResult<number> | Greenlet<string>>([g, a, b])) {
      order.push(ready);
      if (ready === b) a.set();
      else if (ready === a) go.set();
    }
    expect(order).toEqual([b, a, g]);
  });

  it('wait times out on an event nobody sets', () => {
    const event = new Event();
    expect(wait([event], { timeout: 5 })).toEqual([]);
    expect(event.linkcount()).toBe(0);
  });

  it('joinall accepts AsyncResults and Events beside greenlets', () => {
    const result = new AsyncResult<number>();
    const event = new Event();
    const g = spawn(() => { result.set(3); event.set(); return 4; });
    const done = joinall([g, result, event] as unknown as Greenlet[]);
    expect(done).toHaveLength(3);
    expect(result.get()).toBe(3);
  });

  it('a Semaphore and a Queue-fed AsyncResult work with iwait', async () => {
    const { Semaphore } = await import('../src/index');
    const sem = new Semaphore(0);
    spawn(() => sem.release());
    expect(Array.from(iwait([sem]))).toEqual([sem]);
    expect(sem.counter).toBe(1);
  });
});
