// The greenlets that are alive (started, or scheduled to start, and not yet
// dead), with who spawned each: what run info lists.
import { currentFiber, Fiber, root } from './fiber';
import { Ring, RingLink } from './ring';

/** Who spawned a greenlet, and (with TINYEVENT_SPAWN_STACKS=1) where. */
export interface SpawnRecord {
  readonly byId: number;
  readonly byName: string;
  /** Formatted lazily: capturing is cheap, formatting is not. */
  readonly where: { stack?: string } | undefined;
}

// A ring, each entry held by its fiber (Fiber._live), rather than a Map (see ring.ts).
class Entry extends RingLink {
  constructor(
    public fiber: Fiber | undefined,
    public record: SpawnRecord | undefined,
  ) {
    super();
  }
}

const LIVE = Symbol.for('tinyevent.live.v2');
const holder = globalThis as { [LIVE]?: Ring<Entry> };
// Shared through globalThis, like the Hub, so that a second copy lists the same greenlets.
const live: Ring<Entry> = (holder[LIVE] ??= new Ring<Entry>());

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
  const entry = new Entry(fiber, record);
  live.push(entry);
  fiber._live = entry;
}

export function noteDead(fiber: Fiber): void {
  const entry = fiber._live as Entry | undefined;
  if (entry === undefined) return;
  fiber._live = undefined;
  live.remove(entry);
  // Emptied, so an entry kept alive by anything holds no greenlet.
  entry.fiber = entry.record = undefined;
}

/** The live greenlets in the order they were spawned, each with its spawn record. */
export function liveFibers(): Array<[Fiber, SpawnRecord]> {
  const out: Array<[Fiber, SpawnRecord]> = [];
  for (const e of live) out.push([e.fiber as Fiber, e.record as SpawnRecord]);
  return out;
}
