// gevent's local: an object whose properties are private to each greenlet
// (the root greenlet has its own). A Proxy reads and writes a per-greenlet
// record kept in a WeakMap, so a finished greenlet's values are collectable.
import { describeValue } from '../core/errors';
import { getcurrent } from '../core/raw';

type Dict = Record<PropertyKey, unknown>;

export interface LocalConstructor {
  /** `init` (optional) returns each greenlet's initial properties, on its first access. */
  new <T extends object = Dict>(init?: () => Partial<T>): T;
  <T extends object = Dict>(init?: () => Partial<T>): T;
}

function makeLocal<T extends object>(init?: () => Partial<T>): T {
  if (init !== undefined && typeof init !== 'function') throw new TypeError(`init must be a function, got ${describeValue(init)}`);
  const records = new WeakMap<object, Dict>();
  const mine = (): Dict => {
    const owner = getcurrent();
    let record = records.get(owner);
    if (record === undefined) {
      record = Object.create(null) as Dict;
      records.set(owner, record);
      if (init !== undefined) Object.assign(record, init());
    }
    return record;
  };
  const describe = (key: PropertyKey): PropertyDescriptor | undefined => {
    const record = mine();
    if (!Object.prototype.hasOwnProperty.call(record, key)) return undefined;
    return { value: record[key as string], writable: true, enumerable: true, configurable: true };
  };
  // The target stays empty and extensible, so reporting per-greenlet
  // properties as configurable keeps the Proxy invariants.
  return new Proxy(Object.create(null) as T, {
    get: (_target, key) => mine()[key as string],
    set: (_target, key, value) => {
      mine()[key as string] = value;
      return true;
    },
    has: (_target, key) => key in mine(),
    deleteProperty: (_target, key) => delete mine()[key as string],
    ownKeys: () => Reflect.ownKeys(mine()),
    getOwnPropertyDescriptor: (_target, key) => describe(key),
    defineProperty: (_target, key, descriptor) => {
      if (!('value' in descriptor)) return false; // accessors are not kept per greenlet
      mine()[key as string] = descriptor.value;
      return true;
    },
  });
}

/** A greenlet-local object: `const ctx = local<{ user?: string }>()`, with or without `new`. */
export const local = function local<T extends object = Dict>(init?: () => Partial<T>): T {
  return makeLocal(init);
} as LocalConstructor;
