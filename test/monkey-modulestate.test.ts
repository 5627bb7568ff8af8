// Module-global state across greenlets: greenletLocal() splits an object's
// properties per greenlet, serialize() runs a module's functions one call at
// a time. Both are exported from tinyevent and tinyevent/monkey.
import { describe, expect, it } from 'vitest';

import * as root from '../src/index';
import { greenletLocal, joinall, serialize, sleep, spawn } from '../src/index';
import * as monkey from '../src/monkey';
import { onLoop } from './monkey-util';

describe('greenletLocal(object, keys)', () => {
  it('each greenlet reads its own values, starting from the values the properties had', () =>
    onLoop(() => {
      const state = greenletLocal({ error: null as string | null, code: 0, shared: 'no' }, ['error', 'code']);
      const seen: string[] = [];
      const job = (name: string, code: number) => () => {
        state.error = `${name} failed`;
        state.code = code;
        sleep(5);
        seen.push(`${name}: ${state.error} ${state.code}`);
      };
      joinall([spawn(job('a', 1)), spawn(job('b', 2)), spawn(() => seen.push(`c: ${state.error} ${state.code}`))]);
      expect(seen.sort()).toEqual(['a: a failed 1', 'b: b failed 2', 'c: null 0']);
      expect(state.error).toBeNull(); // the root has its own
      state.shared = 'yes'; // not listed: still one value for all
      expect(spawn(() => state.shared).get()).toBe('yes');
      expect(Object.keys(state).sort()).toEqual(['code', 'error', 'shared']);
    }));

  it('defaults to every own data property, and a second call is harmless', () =>
    onLoop(() => {
      const state = greenletLocal({ a: 1, b: 2 });
      greenletLocal(state);
      const g = spawn(() => {
        state.a = 10;
        return state.a + state.b;
      });
      expect(g.get()).toBe(12);
      expect(state.a).toBe(1);
    }));

  it('bad arguments are TypeErrors at the call', () => {
    expect(() => greenletLocal(null as unknown as object)).toThrow(TypeError);
    expect(() => greenletLocal(3 as unknown as object)).toThrow(/object must be an object, got 3/);
    expect(() => greenletLocal({}, 'a' as unknown as string[])).toThrow(/keys must be an array/);
    expect(() => greenletLocal(Object.freeze({ a: 1 }))).toThrow(/a is not configurable/);
    expect(() => greenletLocal({ get a() { return 1; } }, ['a'])).toThrow(/a is an accessor/);
  });
});

describe('serialize(module)', () => {
  it("runs a module's functions one call at a time, re-entrantly; results and errors unchanged", () =>
    onLoop(() => {
      const log: string[] = [];
      const mod = {
        step(name: string): string {
          log.push(`start ${name}`);
          sleep(10);
          log.push(`end ${name}`);
          return mod.inner(name);
        },
        inner: (name: string) => `did ${name}`,
        fail(): never {
          throw new RangeError('nope');
        },
        value: 42,
      };
      const step = mod.step;
      expect(serialize(mod)).toBe(mod);
      expect(mod.step).not.toBe(step);
      expect(mod.step.name).toBe('step');
      expect(mod.step.length).toBe(1);
      expect(mod.value).toBe(42);
      const gs = ['a', 'b', 'c'].map((name) => spawn(() => mod.step(name)));
      joinall(gs);
      expect(gs.map((g) => g.value)).toEqual(['did a', 'did b', 'did c']);
      expect(log).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
      expect(() => mod.fail()).toThrow(RangeError);
      expect(serialize(mod).step).toBe(mod.step); // serializing twice wraps once
    }));

  it('takes a module name, resolved from the working directory', () =>
    onLoop(() => {
      const shell = serialize<Record<string, unknown>>('shelljs');
      expect(typeof shell.exec).toBe('function');
      expect(serialize('shelljs')).toBe(shell);
    }));

  it('bad arguments are TypeErrors at the call', () => {
    expect(() => serialize(5 as unknown as object)).toThrow(/expected a module name or a module's exports, got 5/);
    expect(() => serialize('no-such-module-for-tinyevent')).toThrow(/Cannot find module/);
  });

  it('is exported from tinyevent and tinyevent/monkey', () => {
    expect(root.serialize).toBe(monkey.serialize);
    expect(root.greenletLocal).toBe(monkey.greenletLocal);
  });
});
