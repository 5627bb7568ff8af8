// The automatic CPU placement (TINYEVENT_CPU=auto): the decision, fed synthetic
// windows, and the move itself, watched from inside the threads in a child process.
import { spawnSync } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';

import { describe, expect, it } from 'vitest';

import { FIRST_TRIAL, MAX_TRIAL, PlacementPolicy } from '../src/core/placement';

/** Feeds `windows` windows whose rate depends on the placement; returns the placements seen. */
function feed(policy: PlacementPolicy, windows: number, rate: (shared: boolean) => number): boolean[] {
  const seen: boolean[] = [];
  for (let i = 0; i < windows; i++) {
    if (policy.window(rate(policy.shared))) policy.moved();
    seen.push(policy.shared);
  }
  return seen;
}

describe('PlacementPolicy', () => {
  it('starts spread and stays there when sharing is no faster, trying less and less often', () => {
    const policy = new PlacementPolicy();
    const seen = feed(policy, 2000, () => 100);
    expect(seen[0]).toBe(false);
    expect(seen[seen.length - 1]).toBe(false);
    expect(policy.nextTrial).toBe(MAX_TRIAL);
    // Time spent on failed trials is small: a few windows per trial, trials spaced out.
    expect(seen.filter((shared) => shared).length).toBeLessThan(60);
  });

  it('moves to one CPU when that does more work, and stays (trying back less and less often)', () => {
    const policy = new PlacementPolicy();
    const seen = feed(policy, 1000, (shared) => (shared ? 200 : 100));
    const moved = seen.indexOf(true);
    expect(moved).toBeLessThanOrEqual(FIRST_TRIAL + 1);
    const after = seen.slice(moved);
    expect(after.filter((shared) => !shared).length / after.length).toBeLessThan(0.05);
    expect(seen[seen.length - 1]).toBe(true);
    expect(policy.nextTrial).toBeGreaterThan(FIRST_TRIAL);
  });

  it('spreads again when the program changes and spreading does more', () => {
    const policy = new PlacementPolicy();
    feed(policy, 100, (shared) => (shared ? 200 : 100));
    expect(policy.shared).toBe(true);
    const seen = feed(policy, 300, (shared) => (shared ? 100 : 300));
    expect(seen[seen.length - 1]).toBe(false);
  });

  it('a trial that does not gain 10% is undone', () => {
    const policy = new PlacementPolicy();
    const seen = feed(policy, FIRST_TRIAL + 10, (shared) => (shared ? 105 : 100));
    expect(seen[seen.length - 1]).toBe(false);
    expect(seen).toContain(true);
    expect(policy.nextTrial).toBe(FIRST_TRIAL * 2);
  });

  it('while spawns outrun the thread pool, sharing is not tried, and a trial of it is cut short', () => {
    const growing = new PlacementPolicy();
    for (let i = 0; i < 200; i++) {
      if (growing.window(growing.shared ? 200 : 100, true)) growing.moved();
      expect(growing.shared).toBe(false);
    }
    const policy = new PlacementPolicy();
    while (!policy.onTrial) {
      if (policy.window(100, false)) policy.moved();
    }
    expect(policy.shared).toBe(true);
    expect(policy.window(200, true)).toBe(true); // cut short: back to spread
    policy.moved();
    expect(policy.shared).toBe(false);
    expect(policy.onTrial).toBe(false);
  });

  it('a move the kernel refuses leaves the placement as it was and waits long', () => {
    const policy = new PlacementPolicy();
    for (let i = 0; i < FIRST_TRIAL; i++) {
      if (policy.window(100)) policy.refused();
    }
    expect(policy.shared).toBe(false);
    expect(policy.onTrial).toBe(false);
    expect(policy.nextTrial).toBe(MAX_TRIAL);
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
