// The automatic CPU placement (the default, and TINYEVENT_CPU=auto): the
// decision, fed synthetic windows, and the move itself, watched from inside the
// threads in a child process.
import { spawnSync } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';

import { describe, expect, it } from 'vitest';

import { HOLD_WINDOWS, MAX_HOLD_WINDOWS, PlacementPolicy, Window } from '../src/core/placement';

/** A window of 256 hand-offs: `brief` and `wakes` as fractions. */
const w = (brief: number, wakes: number, growing = false): Window => ({ handoffs: 256, brief: brief * 256, wakes: wakes * 256, growing });

/** Feeds `windows` windows that depend on the placement; returns the placements seen. */
function feed(policy: PlacementPolicy, windows: number, window: (shared: boolean) => Window): boolean[] {
  const seen: boolean[] = [];
  for (let i = 0; i < windows; i++) {
    if (policy.window(window(policy.shared))) policy.moved();
    seen.push(policy.shared);
  }
  return seen;
}

describe('PlacementPolicy', () => {
  it('starts shared and stays there while hand-offs go to threads that parked long before (a server)', () => {
    const policy = new PlacementPolicy();
    expect(policy.shared).toBe(true);
    const seen = feed(policy, 500, () => w(0.1, 1));
    expect(seen.every((shared) => shared)).toBe(true);
  });

  it('spreads when nearly every hand-off is brief, and stays while spinning catches them (ping-pong)', () => {
    const policy = new PlacementPolicy();
    const seen = feed(policy, 100, (shared) => (shared ? w(0.99, 1) : w(0.99, 0.01)));
    expect(seen[0]).toBe(false);
    expect(seen.every((shared) => !shared)).toBe(true);
  });

  it('a spread that still wakes sleeping threads is undone, and tried less and less often', () => {
    const policy = new PlacementPolicy();
    // Brief parks seen from the shared side, but spread the partners are asleep anyway.
    const seen = feed(policy, 3000, (shared) => (shared ? w(0.95, 1) : w(0.95, 0.5)));
    expect(seen[seen.length - 1]).toBe(true);
    const spreads = seen.filter((shared) => !shared).length;
    expect(spreads).toBeGreaterThan(0);
    expect(spreads).toBeLessThan(60); // a few windows per try, tries spaced out by doubling
    expect(policy.backoff).toBe(MAX_HOLD_WINDOWS);
  });

  it('moves back when the program changes', () => {
    const policy = new PlacementPolicy();
    feed(policy, 20, (shared) => (shared ? w(0.99, 1) : w(0.99, 0)));
    expect(policy.shared).toBe(false);
    const seen = feed(policy, 20, (shared) => (shared ? w(0.1, 1) : w(0.1, 0.9)));
    expect(seen[seen.length - 1]).toBe(true);
  });

  it('stays put for a few windows after each move', () => {
    const policy = new PlacementPolicy();
    expect(policy.window(w(1, 1))).toBe(true);
    policy.moved();
    for (let i = 0; i < HOLD_WINDOWS; i++) expect(policy.window(w(0, 1))).toBe(false);
    expect(policy.window(w(0, 1))).toBe(true);
  });

  it('while spawns outrun the thread pool, the threads spread and stay spread', () => {
    const policy = new PlacementPolicy();
    const seen = feed(policy, 50, () => w(0, 1, true));
    expect(seen.every((shared) => !shared)).toBe(true);
  });

  it('a move the kernel refuses leaves the placement as it was and waits long', () => {
    const policy = new PlacementPolicy();
    expect(policy.window(w(1, 0))).toBe(true);
    policy.refused();
    expect(policy.shared).toBe(true);
    expect(policy.hold).toBe(MAX_HOLD_WINDOWS);
    for (let i = 0; i < MAX_HOLD_WINDOWS; i++) expect(policy.window(w(1, 0))).toBe(false);
  });

  it('an empty window decides nothing', () => {
    expect(new PlacementPolicy().window({ handoffs: 0, brief: 0, wakes: 0, growing: false })).toBe(false);
  });
});

describe('moving threads (engine.setCpuShared)', () => {
  const SCRIPT = path.join(__dirname, 'scripts', 'cpu-move.js');

  it('the main thread moves at once; parked and pooled greenlet threads follow before they run', () => {
    const result = spawnSync(process.execPath, [SCRIPT], { encoding: 'utf8', timeout: 30_000, env: { ...process.env, TINYEVENT_CPU: 'spread' } });
    expect(result.stderr).toBe('');
    const out = JSON.parse(result.stdout) as {
      before: string;
      shared: { main: string; parked: string; pooled: string; fresh: string; stats: string };
      spread: { main: string; parked: string; pooled: string; stats: string };
    };
    if (os.availableParallelism() > 1) expect(out.shared.main).not.toBe(out.before);
    expect(out.shared.main).toMatch(/^\d+$/);
    expect(out.shared.parked).toBe(out.shared.main);
    expect(out.shared.pooled).toBe(out.shared.main);
    expect(out.shared.fresh).toBe(out.shared.main);
    expect(out.shared.stats).toBe('shared');
    expect(out.spread).toEqual({ main: out.before, parked: out.before, pooled: out.before, stats: 'spread' });
  });
});
