// Libraries with module-global state (shelljs keeps the last command's error
// and exit code in one object) give a greenlet the state another greenlet's
// call left. Two tools, for users' own modules too:
// - greenletLocal(object, keys): those properties of `object` become private
//   to each greenlet (the root has its own, and so has each plain callback
//   register runs on a thread of its own), starting from the values they had;
//   calls still overlap. shelljs's state gets this under register.
// - serialize(module): each of a module's functions runs one call at a time
//   (re-entrant: a function it calls runs inside the same turn); for state
//   that cannot be split per greenlet.
import { createRequire } from 'node:module';
import * as path from 'node:path';

import { describeValue } from '../core/errors';
import { currentFiber } from '../core/fiber';
import { RLock } from '../primitives/rlock';
import { addHook, entrySuffix, PackageHook, removeHook } from './modhook';
import { dressAs } from './registry';

type Dict = Record<PropertyKey, unknown>;

const LOCALIZED = Symbol.for('tinyevent.monkey.greenletLocal');

/**
 * Makes `keys` (default: every own data property) of `object` greenlet-local:
 * each greenlet reads and writes its own values, starting from the values the
 * properties have now. Returns `object`. Properties already local are left as they are.
 */
export function greenletLocal<T extends object>(object: T, keys?: readonly PropertyKey[]): T {
  if ((typeof object !== 'object' && typeof object !== 'function') || object === null) {
    throw new TypeError(`greenletLocal(): object must be an object, got ${describeValue(object)}`);
  }
  if (keys !== undefined && !Array.isArray(keys)) throw new TypeError(`greenletLocal(): keys must be an array, got ${describeValue(keys)}`);
  const done = ((object as Dict)[LOCALIZED] as Set<PropertyKey> | undefined) ?? new Set<PropertyKey>();
  const names = keys ?? Reflect.ownKeys(object).filter((key) => 'value' in (Object.getOwnPropertyDescriptor(object, key) as PropertyDescriptor));
  for (const key of names) {
    if (done.has(key)) continue;
    const descriptor = Object.getOwnPropertyDescriptor(object, key);
    if (descriptor !== undefined && !('value' in descriptor)) throw new TypeError(`greenletLocal(): ${String(key)} is an accessor, not a value`);
    if (descriptor !== undefined && !descriptor.configurable) throw new TypeError(`greenletLocal(): ${String(key)} is not configurable`);
    const initial = descriptor?.value;
    const values = new WeakMap<object, { value: unknown }>();
    Object.defineProperty(object, key, {
      get: () => (values.get(currentFiber()) ?? { value: initial }).value,
      set: (value: unknown) => {
        values.set(currentFiber(), { value });
      },
      enumerable: descriptor?.enumerable ?? true,
      configurable: true,
    });
    done.add(key);
  }
  Object.defineProperty(object, LOCALIZED, { value: done, configurable: true });
  return object;
}

type Fn = (this: unknown, ...args: unknown[]) => unknown;
const SERIALIZED = Symbol.for('tinyevent.monkey.serialized');

function serialized(fn: Fn, lock: RLock): Fn {
  const wrapper = function (this: unknown, ...args: unknown[]): unknown {
    lock.acquire();
    try {
      return new.target === undefined ? fn.apply(this, args) : Reflect.construct(fn, args, new.target);
    } finally {
      lock.release();
    }
  };
  Object.defineProperty(wrapper, SERIALIZED, { value: fn });
  if (fn.prototype !== undefined) wrapper.prototype = fn.prototype;
  return dressAs(wrapper, fn);
}

/**
 * Makes each function of a module (its exports object, or a module name
 * resolved from the working directory) run one call at a time across
 * greenlets, under one re-entrant lock; the exports object is changed in
 * place. Returns the exports.
 */
export function serialize<T extends object>(target: string | T): T {
  let exports: unknown = target;
  if (typeof target === 'string') {
    const from = createRequire(path.join(process.cwd(), 'index.js'));
    exports = from(target);
  }
  if ((typeof exports !== 'object' && typeof exports !== 'function') || exports === null) {
    throw new TypeError(`serialize(): expected a module name or a module's exports, got ${describeValue(target)}`);
  }
  const lock = new RLock();
  for (const key of Reflect.ownKeys(exports)) {
    const descriptor = Object.getOwnPropertyDescriptor(exports, key) as PropertyDescriptor;
    if (typeof descriptor.value !== 'function' || SERIALIZED in descriptor.value || !descriptor.configurable && !descriptor.writable) continue;
    if (key === 'prototype' || key === 'constructor') continue;
    Object.defineProperty(exports, key, { ...descriptor, value: serialized(descriptor.value as Fn, lock) });
  }
  return exports as T;
}

// shelljs: common.state holds the running command's name, error and exit
// code, which each command resets and every ShellString reads.
const shelljsHook: PackageHook = {
  suffix: entrySuffix('shelljs', 'src/common.js'),
  wrap: (exports) => {
    const state = (exports as { state?: object }).state;
    // pipedValue is set on first use.
    if (typeof state === 'object' && state !== null) greenletLocal(state, [...new Set([...Reflect.ownKeys(state), 'pipedValue'])]);
    return exports;
  },
};

/** Hooks the libraries whose module state tinyevent makes greenlet-local; returns the undo. */
export function patchModuleState(): () => void {
  addHook(shelljsHook);
  return () => removeHook(shelljsHook);
}
