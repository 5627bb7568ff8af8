// Real libraries that block on Atomics.wait, deasync, a compiler process or
// HTTP, unmodified, from several greenlets at once under tinyevent/register.
import { beforeAll, describe, expect, it } from 'vitest';

import { ensureBuilt, LIB_TEST_MS, sameUnderRegister } from './libs-util';

beforeAll(ensureBuilt);

const turns = (stderr: string): number => Number(/turns (\d+)/.exec(stderr)?.[1]);

describe('libraries that wait', () => {
  it('atomic-sleep: sleeps overlap; a bad argument throws its TypeError', async () => {
    await sameUnderRegister('atomic-sleep.js');
  }, LIB_TEST_MS);

  it('deasync-promise: waits overlap and sleep instead of spinning on runLoopOnce', async () => {
    // Plain deasync nests the waits (each runLoopOnce runs the other timers).
    const { plain, patched } = await sameUnderRegister('deasync-promise.js', { plainSerial: false, sameStderr: false });
    // About 300 ms of waiting, a few events: a runLoopOnce that returned at once would turn thousands of times.
    expect(turns(plain.stderr)).toBeGreaterThan(0);
    expect(turns(patched.stderr)).toBeGreaterThan(0);
    expect(turns(patched.stderr)).toBeLessThan(200);
  }, LIB_TEST_MS);

  it('sass-embedded: compileString from several greenlets, a syntax error included', async () => {
    await sameUnderRegister('sass-embedded.js');
  }, LIB_TEST_MS);

  it('sync-fetch and sync-request: responses, a 500, refused connections (ECONNREFUSED)', async () => {
    await sameUnderRegister('http-clients.js');
  }, LIB_TEST_MS);
});
