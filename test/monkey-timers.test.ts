import * as path from 'node:path';
import { createSyncFn } from 'synckit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { getOriginal, isPatched, joinall, patchTimers, sleep, spawn, unpatchAll } from '../src/index';
import { hasPatchFrames, inGreenlet, onLoop, outcome, thrownInGreenlet } from './monkey-util';

type Wait = (...args: unknown[]) => string;
const originalWait = (): Wait => getOriginal('Atomics', 'wait') as Wait;
const cell = (): Int32Array => new Int32Array(new SharedArrayBuffer(4));

beforeAll(() => patchTimers());
afterAll(() => unpatchAll());

describe('timers patch (Atomics.wait)', () => {
  it('keeps name and length; patching twice is harmless', () =>
    onLoop(() => {
      expect(Atomics.wait).not.toBe(originalWait());
      expect(Atomics.wait.name).toBe('wait');
      expect(Atomics.wait.length).toBe(originalWait().length);
      const before = Atomics.wait;
      patchTimers();
      expect(Atomics.wait).toBe(before);
      expect(isPatched('timers')).toBe(true);
    }));

  it('the sleep idiom overlaps across greenlets', () =>
    onLoop(() => {
      const log: string[] = [];
      const gs = [0, 1, 2].map((i) =>
        spawn(() => {
          log.push(`start ${i}`);
          const result = Atomics.wait(cell(), 0, 0, 150);
          log.push(`end ${i} ${result}`);
        }),
      );
      joinall(gs);
      expect(log).toEqual(['start 0', 'start 1', 'start 2', 'end 0 timed-out', 'end 1 timed-out', 'end 2 timed-out']);
    }));

  it("returns 'ok', 'not-equal' and 'timed-out' as the original", () =>
    onLoop(() => {
      const shared = cell();
      const waiter = spawn(() => Atomics.wait(shared, 0, 0));
      const notifier = spawn(() => {
        Atomics.store(shared, 0, 1);
        return Atomics.notify(shared, 0);
      });
      joinall([waiter, notifier]);
      expect(waiter.value).toBe('ok');
      expect(notifier.value).toBe(1);
      const one = new Int32Array(new SharedArrayBuffer(4));
      one[0] = 7;
      expect(inGreenlet(() => Atomics.wait(one, 0, 0, 10))).toBe(originalWait()(one, 0, 0, 10));
      expect(inGreenlet(() => Atomics.wait(cell(), 0, 0, 0))).toBe(originalWait()(cell(), 0, 0, 0));
      expect(inGreenlet(() => Atomics.wait(cell(), 0, 0, 5))).toBe('timed-out');
      const big = new BigInt64Array(new SharedArrayBuffer(8));
      expect(inGreenlet(() => Atomics.wait(big, 0, 0n, 5))).toBe('timed-out');
    }));

  it('throws the original errors for bad arguments', () =>
    onLoop(() => {
      const cases: unknown[][] = [
        [new Int32Array(4), 0, 0, 5],
        [new Float64Array(new SharedArrayBuffer(8)), 0, 0, 5],
        [cell(), 9, 0, 5],
        [{}, 0, 0, 5],
      ];
      for (const args of cases) {
        expect(inGreenlet(() => outcome(() => (Atomics.wait as unknown as Wait)(...args)))).toEqual(outcome(() => originalWait()(...args)));
      }
    }));

  it('synckit: a call blocks only its greenlet', () =>
    onLoop(() => {
      const syncFn = createSyncFn<(ms: number, value: string) => Promise<string>>(path.join(__dirname, '../fixtures/synckit-worker.js'));
      expect(syncFn(1, 'warm')).toBe('warm'); // root, no greenlets: the original wait
      const log: string[] = [];
      const caller = spawn(() => {
        log.push('call');
        const value = syncFn(200, 'answer');
        log.push(`answer ${value}`);
      });
      const ticker = spawn(() => {
        for (let i = 0; i < 3; i++) {
          log.push(`tick ${i}`);
          Atomics.wait(cell(), 0, 0, 20);
        }
      });
      joinall([caller, ticker]);
      expect(log).toEqual(['call', 'tick 0', 'tick 1', 'tick 2', 'answer answer']);
      const error = inGreenlet(() => outcome(() => syncFn(1, 'fail')));
      expect(error).toMatchObject({ ok: false, error: { message: 'the worker failed on purpose' } });
    }));

  it('in a root greenlet inside a microtask, falls back to the original instead of hanging', async () => {
    const g = spawn(() => sleep(30));
    await Promise.resolve(); // now inside a promise job: no promise could settle under a blocked root
    expect(Atomics.wait(cell(), 0, 0, 10)).toBe('timed-out');
    await g.promise;
  });

  it('in a root greenlet with other greenlets around (from a loop callback), yields to them', () =>
    onLoop(() => {
      const log: string[] = [];
      const g = spawn(() => log.push('greenlet ran'));
      log.push(`root ${Atomics.wait(cell(), 0, 0, 10)}`);
      joinall([g]);
      expect(log).toEqual(['greenlet ran', 'root timed-out']);
    }));

  it('keeps tinyevent frames out of error stacks', () =>
    onLoop(() => {
      const error = thrownInGreenlet(() => Atomics.wait(new Int32Array(4), 0, 0, 1));
      expect(error).toBeInstanceOf(TypeError);
      expect(hasPatchFrames(error)).toBe(false);
    }));
});
