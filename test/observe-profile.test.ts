// The tinyevent CPU profiler: samples whichever greenlet holds the isolate and
// writes the Chrome DevTools .cpuprofile format.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';

import { CpuProfile, joinall, spawn, startProfile, stopProfile } from '../src/index';
import { onLoop } from './core-util';
import { expectNoCrash, runScript, spinFor } from './observe-util';

/** Checks the structure DevTools and speedscope rely on; returns samples per function name. */
function checkProfile(profile: CpuProfile): Map<string, number> {
  expect(Object.keys(profile).sort()).toEqual(['endTime', 'nodes', 'samples', 'startTime', 'timeDeltas']);
  expect(profile.endTime).toBeGreaterThanOrEqual(profile.startTime);
  expect(profile.samples.length).toBe(profile.timeDeltas.length);
  const ids = new Set(profile.nodes.map((node) => node.id));
  expect(ids.size).toBe(profile.nodes.length);
  expect(profile.nodes[0].callFrame.functionName).toBe('(root)');
  const childOf = new Map<number, number>();
  for (const node of profile.nodes) {
    expect(typeof node.callFrame.functionName).toBe('string');
    expect(typeof node.callFrame.scriptId).toBe('string');
    expect(typeof node.callFrame.url).toBe('string');
    expect(Number.isInteger(node.callFrame.lineNumber)).toBe(true);
    expect(Number.isInteger(node.callFrame.columnNumber)).toBe(true);
    expect(node.hitCount).toBeGreaterThanOrEqual(0);
    for (const child of node.children ?? []) {
      expect(ids.has(child)).toBe(true);
      expect(childOf.has(child)).toBe(false); // a tree: one parent each
      childOf.set(child, node.id);
    }
  }
  // Every node but the root hangs from the tree.
  expect(childOf.size).toBe(profile.nodes.length - 1);
  const hits = new Map<number, number>();
  for (const sample of profile.samples) {
    expect(ids.has(sample)).toBe(true);
    hits.set(sample, (hits.get(sample) ?? 0) + 1);
  }
  for (const node of profile.nodes) expect(node.hitCount).toBe(hits.get(node.id) ?? 0);
  for (const delta of profile.timeDeltas) expect(delta).toBeGreaterThanOrEqual(0);
  const total = profile.timeDeltas.reduce((a, b) => a + b, 0);
  expect(total).toBeLessThanOrEqual(profile.endTime - profile.startTime + 1);
  // Samples per function, counting a function once per sample whose stack it is in.
  const byName = new Map<string, number>();
  const nodeById = new Map(profile.nodes.map((node) => [node.id, node]));
  for (const sample of profile.samples) {
    const seen = new Set<string>();
    for (let id: number | undefined = sample; id !== undefined; id = childOf.get(id)) {
      const name = (nodeById.get(id) as CpuProfile['nodes'][number]).callFrame.functionName;
      if (!seen.has(name)) byName.set(name, (byName.get(name) ?? 0) + 1);
      seen.add(name);
    }
  }
  return byName;
}

/** Samples that ran JavaScript (not idle, not the synthetic nodes alone). */
function busySamples(byName: Map<string, number>): number {
  return (byName.get('(root)') ?? 0) - (byName.get('(idle)') ?? 0) - (byName.get('(program)') ?? 0);
}

describe('the CPU profiler', () => {
  it('TINYEVENT_CPU_PROF=<file> writes a .cpuprofile where the greenlets\' hot function has most samples', async () => {
    const file = path.join(os.tmpdir(), `tinyevent-${process.pid}-${Date.now()}.cpuprofile`);
    try {
      const outcome = await runScript('observe-profile.js', [], { env: { TINYEVENT_CPU_PROF: file } });
      expectNoCrash(outcome);
      expect(outcome.code).toBe(0);
      expect(outcome.stdout).toBe('DONE\n');
      const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile;
      const byName = checkProfile(profile);
      const crunch = byName.get('crunchNumbers') ?? 0;
      expect(crunch).toBeGreaterThan(busySamples(byName) / 2);
      expect(byName.get('crunchNumbersLess') ?? 0).toBeLessThan(crunch);
      expect(byName.get('rootWork') ?? 0).toBeGreaterThan(0);
      const node = profile.nodes.find((n) => n.callFrame.functionName === 'crunchNumbers');
      expect(node?.callFrame.url).toMatch(/^file:\/\/.*observe-profile\.js$/);
      expect(node?.callFrame.lineNumber).toBeGreaterThanOrEqual(6); // 0-based, inside the function
      expect((byName.get('(idle)') ?? 0) > 0).toBe(true);
    } finally {
      fs.rmSync(file, { force: true });
    }
  });

  it('startProfile()/stopProfile() return the profile', async () => {
    const outcome = await runScript('observe-profile.js', ['api']);
    expectNoCrash(outcome);
    expect(outcome.code).toBe(0);
    const byName = checkProfile(JSON.parse(outcome.stdout) as CpuProfile);
    expect(byName.get('crunchNumbers') ?? 0).toBeGreaterThan(busySamples(byName) / 2);
  });

  it('in-process: greenlet time is attributed to the greenlet\'s functions', async () => {
    startProfile();
    await onLoop(() =>
      joinall([
        spawn(function hotGreenletFunction() {
          spinFor(150);
        }),
      ]),
    );
    const byName = checkProfile(stopProfile());
    expect(byName.get('hotGreenletFunction') ?? 0).toBeGreaterThan(busySamples(byName) / 2);
  });

  it('refuses a second start, a stop without start, and bad intervals', () => {
    expect(() => stopProfile()).toThrow(/no tinyevent CPU profile is running/);
    startProfile();
    try {
      expect(() => startProfile()).toThrow(/already running/);
    } finally {
      stopProfile();
    }
    expect(() => startProfile({ intervalUs: 10 })).toThrow(RangeError);
    expect(() => startProfile({ intervalUs: NaN })).toThrow(/at least 100 microseconds, got NaN/);
    expect(() => startProfile({ intervalUs: '1' as unknown as number })).toThrow(TypeError);
    expect(() => startProfile(3 as unknown as object)).toThrow(TypeError);
  });
});
