// The greenlets that are alive (started, or scheduled to start, and not yet
// dead), with who spawned each: what run info lists.
import { currentFiber, Fiber, root } from './fiber';

/** Who spawned a greenlet, and (with TINYEVENT_SPAWN_STACKS=1) where. */
export interface SpawnRecord {
  readonly byId: number;
  readonly byName: string;
  /** Formatted lazily: capturing is cheap, formatting is not. */
  readonly where: { stack?: string } | undefined;
}

// A doubly linked list, each entry held by its fiber (Fiber._live), rather than
// a Map: once a long-lived Map's table is in V8's old generation, every key it
// ever held stays alive through minor GCs until the next full GC, so each dead
// greenlet (and what it held) would be copied and promoted.
interface Entry {
  fiber: Fiber | undefined;
  record: SpawnRecord | undefined;
  prev: Entry;
  next: Entry;
}

const LIVE = Symbol.for('tinyevent.live.v2');
const holder = globalThis as { [LIVE]?: Entry };
// Shared through globalThis, like the Hub, so that a second copy lists the same greenlets.
const head: Entry = (holder[LIVE] ??= (() => {
  const sentinel = { fiber: undefined, record: undefined } as Entry;
  sentinel.prev = sentinel.next = sentinel;
  return sentinel;
})());

const spawnStacks = process.env.TINYEVENT_SPAWN_STACKS === '1';
let lastRecord: SpawnRecord | undefined;

/** A display name: a Greenlet's name, 'root', or RawGreenlet-<n>. */
export function fiberName(fiber: Fiber): string {
  if (fiber === root) return 'root';
  const name = (fiber as { name?: unknown }).name;
  return typeof name === 'string' ? name : `RawGreenlet-${fiber._id}`;
}

function where(skip: (fiber: Fiber) => void): { stack?: string } {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 30;
  const record: { stack?: string } = {};
  Error.captureStackTrace(record, skip);
  Error.stackTraceLimit = limit;
  return record;
}

/** Records that `fiber` is scheduled or started, spawned by the running fiber. */
export function noteSpawned(fiber: Fiber): void {
  const by = currentFiber();
  const byName = fiberName(by);
  let record = lastRecord;
  // Greenlets spawned in a row by one spawner share its record (one object
  // less per greenlet, which minor GCs would copy while they live).
  if (spawnStacks || record === undefined || record.byId !== by._id || record.byName !== byName) {
    record = { byId: by._id, byName, where: spawnStacks ? where(noteSpawned) : undefined };
    if (!spawnStacks) lastRecord = record;
  }
  const known = fiber._live as Entry | undefined;
  if (known !== undefined) {
    known.record = record;
    return;
  }
  const entry: Entry = { fiber, record, prev: head.prev, next: head };
  head.prev.next = entry;
  head.prev = entry;
  fiber._live = entry;
}

export function noteDead(fiber: Fiber): void {
  const entry = fiber._live as Entry | undefined;
  if (entry === undefined) return;
  fiber._live = undefined;
  entry.prev.next = entry.next;
  entry.next.prev = entry.prev;
  // Emptied, so an entry kept alive by anything holds no greenlet.
  entry.fiber = entry.record = undefined;
  entry.prev = entry.next = entry;
}

/** The live greenlets in the order they were spawned, each with its spawn record. */
export function liveFibers(): Array<[Fiber, SpawnRecord]> {
  const out: Array<[Fiber, SpawnRecord]> = [];
  for (let e = head.next; e !== head; e = e.next) out.push([e.fiber as Fiber, e.record as SpawnRecord]);
  return out;
}
