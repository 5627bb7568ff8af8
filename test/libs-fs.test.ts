// Real file-system libraries, unmodified, from several greenlets at once under
// tinyevent/register: the same results and errors as plain Node, overlapping.
import { beforeAll, describe, it } from 'vitest';

import { ensureBuilt, LIB_TEST_MS, sameUnderRegister } from './libs-util';

beforeAll(ensureBuilt);

describe('file-system libraries', () => {
  it('fs-extra: outputFile, outputJson, copy, move, ensureDir, remove; ENOENT and bad JSON', async () => {
    await sameUnderRegister('fs-extra.js');
  }, LIB_TEST_MS);

  it('glob, fast-glob and tinyglobby over one tree, under -r and --import', async () => {
    // Over a local tree every call a glob makes is small: they run inline (as gevent leaves
    // file I/O blocking), so each glob runs whole; results and errors are the point here.
    await sameUnderRegister('globs.js', { overlap: false });
    await sameUnderRegister('globs.js', { overlap: false, preload: ['--import', 'tinyevent/register'] });
  }, LIB_TEST_MS);

  it('write-file-atomic and rimraf, a missing directory included', async () => {
    await sameUnderRegister('write-file-atomic.js');
  }, LIB_TEST_MS);
});
