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

const LIVE = Symbol.for('tinyevent.live.v1');
const holder = globalThis as { [LIVE]?: Map<Fiber, SpawnRecord> };
// Shared through globalThis, like the Hub, so that a second copy lists the same greenlets.
const live: Map<Fiber, SpawnRecord> = (holder[LIVE] ??= new Map());

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
  live.set(fiber, record);
}

export function noteDead(fiber: Fiber): void {
  live.delete(fiber);
}

export function liveFibers(): Array<[Fiber, SpawnRecord]> {
  return Array.from(live);
}
