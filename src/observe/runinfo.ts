// runInfo() / printRunInfo(): every live greenlet, what it is doing, and where
// (gevent's print_run_info and GreenletTree).
import { describeValue } from '../core/errors';
import { canProbe, currentFiber, Fiber, probeStack, root, RootGreenlet, rootWaitLabel, setProbeFormatter } from '../core/fiber';
import { fiberName, liveFibers, SpawnRecord } from '../core/live';
import { RawGreenlet } from '../core/raw';
import { captureStack, framesOf, trimInternalTop } from './stacks';
import { inReport } from './monitor';

export type GreenletState = 'running' | 'ready' | 'parked' | 'not started';

export interface GreenletInfo {
  /** The greenlet itself (the root greenlet for top-level code and the Hub). */
  readonly greenlet: RawGreenlet | RootGreenlet;
  readonly name: string;
  /** A number unique to each greenlet, for tying `parentId` to it. */
  readonly id: number;
  readonly state: GreenletState;
  /** What it is blocked in, e.g. `sleep(1000)`, `Event.wait()`, `socket recv()`; null unless parked. */
  readonly waitingOn: string | null;
  /** The name of the greenlet that spawned it (null for the root). */
  readonly parent: string | null;
  readonly parentId: number | null;
  /** The JavaScript stack where it runs or is suspended; null if it has not started. */
  readonly stack: string | null;
  /** Where it was spawned (with TINYEVENT_SPAWN_STACKS=1), else null. */
  readonly spawnedAt: string | null;
}

// Runs on the probed greenlet's own thread.
function probedStack(): string {
  return trimInternalTop(captureStack(probedStack));
}
setProbeFormatter(probedStack);

function stateOf(fiber: Fiber): GreenletState {
  if (fiber === currentFiber()) return 'running';
  if (fiber === root) return 'parked';
  const raw = fiber as RawGreenlet;
  if (!raw._started || !fiber._entered) return fiber._waking || fiber._parkSeq !== 0 ? 'ready' : 'not started';
  if (fiber._waking) return 'ready';
  return fiber._parkSeq !== 0 ? 'parked' : 'ready';
}

function stackOf(fiber: Fiber): string | null {
  if (fiber === currentFiber()) return trimInternalTop(captureStack(runInfo));
  // Probing resumes other threads: not from inside a monitor report, which
  // runs in the middle of interrupted code.
  if (inReport() || !canProbe(fiber)) return null;
  return probeStack(fiber) ?? null;
}

function describe(fiber: Fiber, spawn: SpawnRecord | undefined): GreenletInfo {
  const state = stateOf(fiber);
  let waitingOn: string | null = null;
  if (state === 'parked') waitingOn = fiber === root ? (rootWaitLabel() ?? 'the Hub (event loop)') : fiber._parkLabel || null;
  return {
    greenlet: fiber as RawGreenlet | RootGreenlet,
    name: fiberName(fiber),
    id: fiber._id,
    state,
    waitingOn,
    parent: spawn?.byName ?? null,
    parentId: spawn?.byId ?? null,
    stack: state === 'not started' ? null : stackOf(fiber),
    spawnedAt: spawn?.where?.stack !== undefined ? trimInternalTop(framesOf(spawn.where.stack)) : null,
  };
}

/**
 * Every live greenlet: the root first, then each started or scheduled greenlet
 * in the order they were spawned. Suspended greenlets are resumed just long
 * enough to record their stacks; none of their own code runs.
 */
export function runInfo(): GreenletInfo[] {
  const out = [describe(root, undefined)];
  for (const [fiber, spawn] of liveFibers()) {
    if (!fiber.dead) out.push(describe(fiber, spawn));
  }
  return out;
}

interface Writable {
  write(text: string): unknown;
}

function summary(info: GreenletInfo): string {
  if (info.state === 'parked') return `${info.name}: parked in ${info.waitingOn ?? 'a switch'}`;
  return `${info.name}: ${info.state}`;
}

/** The run info as a tree of who spawned whom (gevent's GreenletTree). */
export function formatRunInfo(infos: readonly GreenletInfo[] = runInfo()): string {
  const byId = new Map(infos.map((info) => [info.id, info]));
  const children = new Map<number, GreenletInfo[]>();
  for (const info of infos.slice(1)) {
    // A greenlet whose spawner has died hangs from the root.
    const parent = info.parentId !== null && byId.has(info.parentId) ? info.parentId : infos[0].id;
    const list = children.get(parent) ?? [];
    list.push(info);
    children.set(parent, list);
  }
  const lines: string[] = [];
  const detail = (prefix: string, title: string, text: string | null): void => {
    if (text === null || text === '') return;
    lines.push(`${prefix}${title}:`);
    for (const line of text.split('\n')) lines.push(`${prefix}  ${line.trim()}`);
  };
  const walk = (info: GreenletInfo, head: string, indent: string): void => {
    lines.push(head + summary(info));
    const own = `${indent} :    `;
    if (info.parentId !== null && !byId.has(info.parentId)) lines.push(`${own}Spawned by: ${info.parent} (finished)`);
    detail(own, info.state === 'running' ? 'Running' : 'Stack', info.stack);
    detail(own, 'Spawned at', info.spawnedAt);
    const kids = children.get(info.id) ?? [];
    kids.forEach((kid, i) => walk(kid, `${indent} +--- `, `${indent}${i === kids.length - 1 ? '      ' : ' |    '}`));
  };
  walk(infos[0], '', '');
  return lines.join('\n') + '\n';
}

/** Writes the run info tree to `stream` (stderr by default). */
export function printRunInfo(stream: Writable = process.stderr): void {
  if (stream === null || typeof stream !== 'object' || typeof (stream as Partial<Writable>).write !== 'function') {
    throw new TypeError(`stream must have a write(text) method, got ${describeValue(stream)}`);
  }
  stream.write(formatRunInfo());
}
