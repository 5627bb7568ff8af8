// Randomized stress: producers, consumers and acquirers that are killed, timed
// out and interrupted at random. Every item must be got exactly once and every
// permit returned. Replay a failure with TINYEVENT_STRESS_SEED=<seed>;
// TINYEVENT_STRESS_MS sets how long each scenario runs.
import { describe, expect, it } from 'vitest';
import {
  BoundedSemaphore, Channel, Empty, Full, Greenlet, GreenletExit, JoinableQueue, killall, LifoQueue, Pool, PriorityQueue, Queue, sleep, spawn, Timeout,
} from '../src/index';
import { prng, quietly } from './primitives-util';

const SEED = Number(process.env.TINYEVENT_STRESS_SEED ?? 20261121);
const RUN_MS = Number(process.env.TINYEVENT_STRESS_MS ?? 700);

interface QueueLike {
  put(item: number, options?: { block?: boolean; timeout?: number }): void;
  get(options?: { block?: boolean; timeout?: number }): number;
  putNowait(item: number): void;
  getNowait(): number;
  qsize(): number;
}

type Chaos = {
  rand: () => number;
  pick: (n: number) => number;
  waitOptions: () => { timeout?: number };
};

function chaos(seed: number): Chaos {
  const rand = prng(seed);
  const pick = (n: number): number => Math.floor(rand() * n);
  const waitOptions = (): { timeout?: number } => {
    const r = rand();
    return r < 0.5 ? {} : r < 0.7 ? { timeout: 0 } : { timeout: 1 + pick(3) };
  };
  return { rand, pick, waitOptions };
}

// However slow the machine, each scenario runs until it has seen this much (or MAX_MS).
const MIN_TRAFFIC = 51;
const MIN_KILLS = 11;
const MAX_MS = 10_000;

/**
 * Runs `spawnWorker` workers, killing and replacing them at random for RUN_MS,
 * and longer if `traffic()` is still below MIN_TRAFFIC or the kills below MIN_KILLS.
 */
function churn(
  c: Chaos,
  count: number,
  spawnWorker: (index: number) => Greenlet<unknown>,
  traffic: () => number,
): { workers: Greenlet<unknown>[]; kills: number } {
  const workers = Array.from({ length: count }, (_, i) => spawnWorker(i));
  let kills = 0;
  const killer = spawn(() => {
    for (;;) {
      sleep(c.pick(3));
      const index = c.pick(workers.length);
      workers[index].kill(new GreenletExit(), { block: c.rand() < 0.5 });
      kills++;
      workers[index] = spawnWorker(index);
    }
  });
  sleep(RUN_MS);
  const deadline = Date.now() + MAX_MS;
  while ((traffic() < MIN_TRAFFIC || kills < MIN_KILLS) && Date.now() < deadline) sleep(20);
  killer.kill(new GreenletExit(), { timeout: 2000 });
  killall(workers, new GreenletExit(), { timeout: 2000 }); // bounded: a lost kill fails below, not hangs
  expect(killer.dead && workers.every((w) => w.dead), 'every worker died when killed').toBe(true);
  return { workers, kills };
}

function stressQueue(name: string, make: () => QueueLike, seed: number): void {
  const c = chaos(seed);
  const q = make();
  const inserted = new Set<number>();
  const consumed = new Map<number, number>();
  const problems: unknown[] = [];
  let nextId = 0;
  const expected = (e: unknown): boolean => e instanceof Full || e instanceof Empty || e instanceof Timeout;
  const record = (id: number): void => void consumed.set(id, (consumed.get(id) ?? 0) + 1);

  const producer = (): void => {
    for (;;) {
      const id = nextId++;
      const r = c.rand();
      try {
        if (r < 0.15) Timeout.run(c.pick(3), () => q.put(id));
        else if (r < 0.25) q.putNowait(id);
        else q.put(id, c.waitOptions());
        inserted.add(id); // no block between put() returning and here
      } catch (e) {
        if (!expected(e)) {
          if (!(e instanceof GreenletExit)) problems.push(e);
          throw e;
        }
      }
      if (c.rand() < 0.3) sleep(0);
    }
  };
  const consumer = (): void => {
    for (;;) {
      const r = c.rand();
      try {
        let item: number;
        if (r < 0.15) item = Timeout.run(c.pick(3), () => q.get());
        else if (r < 0.25) item = q.getNowait();
        else item = q.get(c.waitOptions());
        record(item);
      } catch (e) {
        if (!expected(e)) {
          if (!(e instanceof GreenletExit)) problems.push(e);
          throw e;
        }
      }
      if (c.rand() < 0.3) sleep(0);
    }
  };
  // Plain timer callbacks (root greenlet) feed it too.
  const feeder = setInterval(() => {
    const id = nextId++;
    try {
      q.putNowait(id);
      inserted.add(id);
    } catch (e) {
      if (!(e instanceof Full)) problems.push(e);
    }
  }, 1);

  let kills = 0;
  const failures = quietly(() => {
    kills = churn(c, 8, (i) => spawn(i % 2 === 0 ? producer : consumer), () => inserted.size).kills;
  });
  clearInterval(feeder);
  for (;;) {
    try {
      record(q.getNowait());
    } catch (e) {
      if (e instanceof Empty) break;
      throw e;
    }
  }

  expect(problems, `${name} seed ${seed}`).toEqual([]);
  expect(failures, `${name} seed ${seed}`).toEqual([]);
  const duplicated = [...consumed].filter(([, n]) => n !== 1).map(([id]) => id);
  const invented = [...consumed.keys()].filter((id) => !inserted.has(id));
  const lost = [...inserted].filter((id) => !consumed.has(id));
  expect({ duplicated, invented, lost }, `${name} seed ${seed}`).toEqual({ duplicated: [], invented: [], lost: [] });
  expect(q.qsize()).toBe(0);
  expect(inserted.size, `${name}: enough traffic`).toBeGreaterThanOrEqual(MIN_TRAFFIC);
  expect(kills, `${name}: enough kills`).toBeGreaterThanOrEqual(MIN_KILLS);
}

describe('stress: nothing lost or duplicated under kills and timeouts', { timeout: 30_000 }, () => {
  const scenarios: [string, () => QueueLike][] = [
    ['Queue(5)', () => new Queue<number>(5)],
    ['Queue(1)', () => new Queue<number>(1)],
    ['Queue()', () => new Queue<number>()],
    ['JoinableQueue(2)', () => new JoinableQueue<number>(2)],
    ['LifoQueue(3)', () => new LifoQueue<number>(3)],
    ['PriorityQueue(4)', () => new PriorityQueue<number>(4)],
    ['Channel', () => new Channel<number>()],
  ];
  scenarios.forEach(([name, make], i) => {
    it(name, () => stressQueue(name, make, SEED + i));
  });

  it('BoundedSemaphore(3): never more than 3 holders, every permit returned', () => {
    const c = chaos(SEED + 100);
    const permits = 3;
    const sem = new BoundedSemaphore(permits);
    let holders = 0;
    let most = 0;
    let acquired = 0;
    const problems: unknown[] = [];
    const worker = (): void => {
      for (;;) {
        const r = c.rand();
        let got = false;
        try {
          if (r < 0.15) got = Timeout.run(c.pick(3), () => sem.acquire());
          else if (r < 0.25) got = sem.acquire({ blocking: false });
          else got = sem.acquire(c.waitOptions().timeout === undefined ? {} : { timeout: c.pick(3) });
        } catch (e) {
          if (!(e instanceof Timeout)) {
            if (!(e instanceof GreenletExit)) problems.push(e);
            throw e;
          }
        }
        if (got) {
          acquired++;
          holders++;
          most = Math.max(most, holders);
          try {
            if (c.rand() < 0.6) sleep(c.pick(2));
          } finally {
            holders--;
            sem.release();
          }
        }
        if (c.rand() < 0.3) sleep(0);
      }
    };
    let kills = 0;
    const failures = quietly(() => {
      kills = churn(c, 8, () => spawn(worker), () => acquired).kills;
    });
    expect(problems).toEqual([]);
    expect(failures).toEqual([]);
    expect(most).toBeLessThanOrEqual(permits);
    expect(holders).toBe(0);
    expect(sem.counter).toBe(permits);
    for (let i = 0; i < permits; i++) expect(sem.acquire({ blocking: false })).toBe(true);
    expect(sem.acquire({ blocking: false })).toBe(false);
    expect(acquired).toBeGreaterThanOrEqual(MIN_TRAFFIC);
    expect(kills).toBeGreaterThanOrEqual(MIN_KILLS);
  });

  it('Pool(3): never more than 3 members, every slot freed', () => {
    const c = chaos(SEED + 200);
    const pool = new Pool(3);
    let running = 0;
    let most = 0;
    let done = 0;
    const problems: unknown[] = [];
    const task = (): void => {
      running++;
      most = Math.max(most, running);
      try {
        sleep(c.pick(2));
        done++;
      } finally {
        running--;
      }
    };
    const spawner = (): void => {
      for (;;) {
        const r = c.rand();
        try {
          if (r < 0.15) Timeout.run(c.pick(3), () => pool.spawn(task));
          else if (r < 0.3) {
            const g = new Greenlet(task);
            pool.add(g, c.waitOptions());
            g.start();
          }
          else pool.spawn(task);
        } catch (e) {
          if (!(e instanceof Timeout || e instanceof Full)) {
            if (!(e instanceof GreenletExit)) problems.push(e);
            throw e;
          }
        }
        if (c.rand() < 0.2) {
          const members = Array.from(pool);
          if (members.length > 0) members[c.pick(members.length)].kill(new GreenletExit(), { block: false });
        }
      }
    };
    let kills = 0;
    const failures = quietly(() => {
      kills = churn(c, 4, () => spawn(spawner), () => done).kills;
      pool.kill(new GreenletExit(), { timeout: 2000 });
    });
    expect(problems).toEqual([]);
    expect(failures).toEqual([]);
    expect(most).toBeLessThanOrEqual(3);
    expect(pool.size).toBe(0);
    expect(pool.freeCount()).toBe(3);
    expect(done).toBeGreaterThanOrEqual(MIN_TRAFFIC);
    expect(kills).toBeGreaterThanOrEqual(MIN_KILLS);
  });
});
