// Sync bridges under tinyevent/register: libraries that call a worker
// synchronously (post, Atomics.wait, receiveMessageOnPort) from several
// greenlets at once, with the worker answering out of order. Every caller
// gets its own answer and the same errors as plain Node.
import { beforeAll, describe, expect, it } from 'vitest';

import { ensureBuilt, LIB_TEST_MS, sameUnderRegister } from './libs-util';

beforeAll(ensureBuilt);

describe('sync bridges, several greenlets at once', () => {
  it('a hand-written bridge (Worker + MessageChannel + Atomics.wait + receiveMessageOnPort), answers out of order', async () => {
    const { patched } = await sameUnderRegister('bridge.js');
    // Each caller read the answer to its own request.
    for (const line of patched.lines.filter((l) => l.includes('"asked"'))) {
      const { asked, answered } = JSON.parse(line.split(' ok ')[1]) as { asked: string; answered: string };
      expect(answered).toBe(asked);
    }
  }, LIB_TEST_MS);

  it('make-synchronized: an async module called synchronously, answers out of order, a rejection', async () => {
    await sameUnderRegister('make-synchronized.js');
  }, LIB_TEST_MS);

  it('@prettier/sync: formats of different sizes and parsers, a syntax error, resolveConfig', async () => {
    await sameUnderRegister('prettier-sync.js');
  }, LIB_TEST_MS);

  it('eslint-plugin-prettier (synckit): the first call loads a plugin, so the worker answers the others first', async () => {
    await sameUnderRegister('eslint-prettier.js');
  }, LIB_TEST_MS);

  it('the hand-written bridge and make-synchronized under --import tinyevent/register', async () => {
    await sameUnderRegister('bridge.js', { preload: ['--import', 'tinyevent/register'] });
    await sameUnderRegister('make-synchronized.js', { preload: ['--import', 'tinyevent/register'] });
  }, LIB_TEST_MS);
});
