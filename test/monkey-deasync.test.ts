import { createRequire } from 'node:module';
import { afterAll, describe, expect, it } from 'vitest';

import { getOriginal, isPatched, joinall, patchDeasync, sleep, spawn, unpatchAll } from '../src/index';
import { inGreenlet, onLoop, outcome } from './monkey-util';

interface Deasync {
  (fn: (...args: unknown[]) => unknown): (...args: unknown[]) => unknown;
  sleep(ms: number): void;
  loopWhile(pred: () => boolean): void;
  runLoopOnce(): void;
}
const requireHere = createRequire(__filename);
const load = (): Deasync => requireHere('deasync') as Deasync;
const real = load(); // loaded before patching: the patch must switch it over

afterAll(() => unpatchAll());

describe('deasync patch', () => {
  it('switches over a copy loaded before patching, and unpatching restores it', () =>
    onLoop(() => {
      patchDeasync();
      expect(isPatched('deasync')).toBe(true);
      const patched = load();
      expect(patched).not.toBe(real);
      patchDeasync();
      expect(load()).toBe(patched);
      expect(getOriginal('deasync', 'sleep')).toBe(real.sleep);
      expect(getOriginal('deasync', 'default')).toBe(real);
      unpatchAll();
      expect(load()).toBe(real);
      patchDeasync();
    }));

  it('sleep blocks only the calling greenlet', () =>
    onLoop(() => {
      const deasync = load();
      const log: string[] = [];
      const a = spawn(() => {
        log.push('a:sleep');
        deasync.sleep(100);
        log.push('a:woke');
      });
      const b = spawn(() => {
        log.push('b:runs');
        sleep(20);
        log.push('b:done');
      });
      joinall([a, b]);
      expect(log).toEqual(['a:sleep', 'b:runs', 'b:done', 'a:woke']);
    }));

  it('deasync(fn) returns the value or throws the error, with this and arguments', () =>
    onLoop(() => {
      const deasync = load();
      const add = deasync(function (this: { base: number }, a: unknown, b: unknown, done: unknown) {
        setTimeout(() => (done as (e: unknown, v?: unknown) => void)(null, this.base + (a as number) + (b as number)), 10);
      });
      const failing = deasync((done: unknown) => setTimeout(() => (done as (e: unknown) => void)(new Error('async failure')), 5));
      expect(inGreenlet(() => add.call({ base: 100 }, 1, 2))).toBe(103);
      expect(inGreenlet(() => outcome(() => failing()))).toMatchObject({ ok: false, error: { message: 'async failure' } });
      const log: string[] = [];
      const gs = [1, 2, 3].map((i) =>
        spawn(() => {
          log.push(`start ${i}`);
          add.call({ base: 0 }, i, 0);
          log.push(`end ${i}`);
        }),
      );
      joinall(gs);
      expect(log.slice(0, 3)).toEqual(['start 1', 'start 2', 'start 3']);
    }));

  it('loopWhile waits for a condition another greenlet sets; runLoopOnce yields', () =>
    onLoop(() => {
      const deasync = load();
      let ready = false;
      const log: string[] = [];
      const waiter = spawn(() => {
        deasync.loopWhile(() => !ready);
        log.push('waiter:done');
      });
      const setter = spawn(() => {
        log.push('setter:runs');
        deasync.runLoopOnce();
        sleep(30);
        ready = true;
        log.push('setter:set');
      });
      joinall([waiter, setter]);
      expect(log).toEqual(['setter:runs', 'setter:set', 'waiter:done']);
    }));
});
