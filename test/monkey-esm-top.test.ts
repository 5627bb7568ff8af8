// ES module top level is a promise job: no promise settles until it returns.
// joinall there over greenlets that block must not hang: Atomics.wait works
// (it polls once promises are seen to be stuck), sync-fetch ends in LoopExit
// with the message that says why.
import { beforeAll, describe, expect, it } from 'vitest';

import { ensureBuilt, libFixture, runNode } from './libs-util';

beforeAll(ensureBuilt);

describe('ES module top level under --import tinyevent/register', () => {
  it('joinall over greenlets in Atomics.wait: timeouts and a worker notify arrive', async () => {
    const run = await runNode(['--import', 'tinyevent/register', libFixture('esm-atomics.mjs')]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.lines).toEqual(['timed-out timed-out ok']);
  }, 30_000);

  it('joinall over a greenlet in sync-fetch ends in LoopExit naming ES module top-level code', async () => {
    const run = await runNode(['--import', 'tinyevent/register', libFixture('esm-fetch.mjs')]);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/LoopExit: This operation would block forever/);
    expect(run.stderr).toMatch(/ES module top-level code/);
    expect(run.lines).toEqual([]);
  }, 30_000);
});
