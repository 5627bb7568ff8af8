import { describe, expect, it } from 'vitest';
import { BoundedSemaphore, GreenletExit, iwait, Lock, RLock, Semaphore, sleep, spawn, Timeout, wait } from '../src/index';
import { activeTimers, thrown } from './primitives-util';

describe('Semaphore', () => {
  it('counts permits', () => {
    const sem = new Semaphore(2);
    expect(sem.counter).toBe(2);
    expect(sem.locked()).toBe(false);
    expect(sem.acquire()).toBe(true);
    expect(sem.acquire({ blocking: false })).toBe(true);
    expect(sem.counter).toBe(0);
    expect(sem.locked()).toBe(true);
    expect(sem.acquire({ blocking: false })).toBe(false);
    sem.release();
    expect(sem.counter).toBe(1);
    expect(new Semaphore().counter).toBe(1);
    expect(new Semaphore(0).locked()).toBe(true);
  });

  it('acquire with a timeout returns false and leaves no timer', () => {
    const before = activeTimers();
    const sem = new Semaphore(0);
    expect(sem.acquire({ timeout: 3 })).toBe(false);
    expect(spawn(() => sem.acquire({ timeout: 3 })).get()).toBe(false);
    expect(sem.wait(3)).toBe(0);
    expect(sem.counter).toBe(0);
    expect(activeTimers()).toBe(before);
  });

  it('wakes acquirers first come, first served; a newcomer cannot barge', () => {
    const sem = new Semaphore(0);
    const order: string[] = [];
    const gs = ['a', 'b', 'c'].map((name) => spawn(() => { sem.acquire(); order.push(name); }));
    sleep(0);
    sem.release();
    sem.release();
    expect(sem.acquire({ blocking: false })).toBe(false); // both permits are promised
    expect(sem.counter).toBe(0);
    sem.release();
    for (const g of gs) g.join();
    expect(order).toEqual(['a', 'b', 'c']);
    expect(sem.counter).toBe(0);
  });

  it('a greenlet killed in acquire holds no permit, even if killed right after its wake', () => {
    const sem = new Semaphore(0);
    const first = spawn(() => sem.acquire());
    const second = spawn(() => sem.acquire());
    sleep(0);
    first.kill(new GreenletExit(), { block: false });
    sem.release();
    expect(second.get()).toBe(true);
    first.join();
    expect(sem.counter).toBe(0);
    sem.release();
    expect(sem.counter).toBe(1);
  });

  it('a Timeout thrown into acquire holds no permit', () => {
    const sem = new Semaphore(0);
    expect(thrown(() => Timeout.run(2, () => sem.acquire()))).toBeInstanceOf(Timeout);
    sem.release();
    expect(sem.counter).toBe(1);
  });

  it('wait blocks until a permit is free without taking it', () => {
    const sem = new Semaphore(0);
    const waiter = spawn(() => sem.wait());
    sleep(0);
    expect(waiter.dead).toBe(false);
    sem.release();
    expect(waiter.get()).toBe(1);
    expect(sem.counter).toBe(1);
    expect(sem.wait()).toBe(1);
  });

  it('run releases even when fn throws', () => {
    const sem = new Semaphore(1);
    expect(sem.run(() => { expect(sem.counter).toBe(0); return 5; })).toBe(5);
    const boom = new Error('boom');
    expect(thrown(() => sem.run(() => { throw boom; }))).toBe(boom);
    expect(sem.counter).toBe(1);
    expect(() => sem.run(3 as never)).toThrow(TypeError);
  });

  it('hold() returns a handle whose dispose releases once', () => {
    const sem = new Semaphore(1);
    const handle = sem.hold();
    expect(sem.counter).toBe(0);
    handle[Symbol.dispose]();
    handle[Symbol.dispose]();
    expect(sem.counter).toBe(1);
  });

  it('rawlink and wait() see it when a permit frees', () => {
    const sem = new Semaphore(0);
    const calls: unknown[] = [];
    sem.rawlink((s) => calls.push(s));
    spawn(() => sem.release());
    expect(wait([sem])).toEqual([sem]);
    expect(calls).toEqual([sem]);
    expect(Array.from(iwait([new Semaphore(1)]))).toHaveLength(1);
  });

  it('serializes greenlets as a lock', () => {
    const sem = new Semaphore(1);
    let inside = 0;
    let most = 0;
    const gs = [1, 2, 3, 4].map(() => spawn(() => sem.run(() => { inside++; most = Math.max(most, inside); sleep(1); inside--; })));
    for (const g of gs) g.join();
    expect(most).toBe(1);
  });

  it('works from the root greenlet, released by a plain timer', () => {
    const sem = new Semaphore(0);
    setTimeout(() => sem.release(), 2);
    expect(sem.acquire({ timeout: 5000 })).toBe(true);
  });

  it('rejects bad arguments', () => {
    expect(() => new Semaphore(-1)).toThrow(RangeError);
    expect(() => new Semaphore(1.5)).toThrow(RangeError);
    expect(() => new Semaphore(NaN)).toThrow(RangeError);
    expect(() => new Semaphore('1' as never)).toThrow(TypeError);
    const sem = new Semaphore();
    expect(() => sem.acquire(true as never)).toThrow(TypeError);
    expect(() => sem.acquire({ timeout: -1 })).toThrow(RangeError);
    expect(() => sem.wait(-1)).toThrow(RangeError);
  });
});

describe('BoundedSemaphore and Lock', () => {
  it('BoundedSemaphore throws on release past its initial value', () => {
    const sem = new BoundedSemaphore(2);
    expect(() => sem.release()).toThrow(RangeError);
    sem.acquire();
    sem.release();
    expect(() => sem.release()).toThrow(/too many/);
    expect(sem.counter).toBe(2);
  });

  it('Lock is a semaphore of one; releasing it unlocked throws', () => {
    const lock = new Lock();
    expect(lock).toBeInstanceOf(Semaphore);
    expect(lock.acquire()).toBe(true);
    expect(lock.locked()).toBe(true);
    expect(lock.acquire({ blocking: false })).toBe(false);
    lock.release();
    expect(() => lock.release()).toThrow(RangeError);
  });
});

describe('RLock', () => {
  it('is re-entrant for its owner and blocks others until fully released', () => {
    const lock = new RLock();
    expect(lock.acquire()).toBe(true);
    expect(lock.acquire()).toBe(true);
    expect(lock.isOwned()).toBe(true);
    const other = spawn(() => { const got = lock.acquire({ blocking: false }); const later = lock.acquire(); lock.release(); return [got, later]; });
    sleep(0);
    lock.release();
    sleep(1);
    expect(other.dead).toBe(false);
    expect(lock.locked()).toBe(true);
    lock.release();
    expect(other.get()).toEqual([false, true]);
    expect(lock.locked()).toBe(false);
  });

  it('release by a greenlet that does not own it throws', () => {
    const lock = new RLock();
    lock.acquire();
    const error = spawn(() => thrown(() => lock.release())).get();
    expect(error).toBeInstanceOf(Error);
    expect(String(error)).toMatch(/does not hold/);
    lock.release();
    expect(() => lock.release()).toThrow(Error);
  });

  it('run and hold', () => {
    const lock = new RLock();
    expect(lock.run(() => lock.run(() => lock.isOwned()))).toBe(true);
    expect(lock.locked()).toBe(false);
    const handle = lock.hold();
    expect(lock.locked()).toBe(true);
    handle[Symbol.dispose]();
    expect(lock.locked()).toBe(false);
  });

  it('acquire with a timeout gives up', () => {
    const lock = new RLock();
    lock.acquire();
    expect(spawn(() => lock.acquire({ timeout: 3 })).get()).toBe(false);
    lock.release();
  });
});
