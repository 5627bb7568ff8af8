// Real libraries that run commands, unmodified, from several greenlets at once
// under tinyevent/register: the same results and errors as plain Node, and
// the commands overlap.
import { beforeAll, describe, it } from 'vitest';

import { ensureBuilt, LIB_TEST_MS, sameUnderRegister } from './libs-util';

beforeAll(ensureBuilt);

describe('libraries that run commands', () => {
  it("shelljs: each command's .code, .stdout, .stderr and shell.error() are its own", async () => {
    await sameUnderRegister('shelljs.js');
  }, LIB_TEST_MS);

  it('execa (execaSync, an ES module), under -r and --import', async () => {
    await sameUnderRegister('execa.mjs');
    await sameUnderRegister('execa.mjs', { preload: ['--import', 'tinyevent/register'] });
  }, LIB_TEST_MS);

  it('cross-spawn (spawn.sync), a missing command included', async () => {
    await sameUnderRegister('cross-spawn.js');
  }, LIB_TEST_MS);

  it('an express 5 app whose handlers block in execSync: requests overlap, the failing one gets the error handler', async () => {
    await sameUnderRegister('express.js');
  }, LIB_TEST_MS);

  it('sync-rpc: one client, calls at once, a rejection', async () => {
    await sameUnderRegister('sync-rpc.js');
  }, LIB_TEST_MS);
});
