// register sizes libuv's thread pool for greenlets before it starts (unless
// UV_THREADPOOL_SIZE is set): greenlets blocked in slow reads (FIFOs) leave
// threads for every other file call.
import { beforeAll, describe, expect, it } from 'vitest';

import { ensureBuilt, libFixture, runNode } from './libs-util';

beforeAll(ensureBuilt);

describe('thread pool size under register', () => {
  it('five greenlets blocked reading FIFOs do not stall a sixth file read', async () => {
    const run = await runNode(['-r', 'tinyevent/register', libFixture('fifo-readers.js')], { UV_THREADPOOL_SIZE: undefined });
    expect(run.stderr).toBe('');
    expect(run.lines).toContain('done plain ok "while the FIFO readers were blocked"');
    expect(run.lines.filter((l) => l.endsWith('ok "fed"'))).toHaveLength(5);
  }, 30_000);

  it("the user's UV_THREADPOOL_SIZE wins (4: the read waits for a FIFO reader's thread)", async () => {
    const run = await runNode(['-r', 'tinyevent/register', libFixture('fifo-readers.js')], { UV_THREADPOOL_SIZE: '4' });
    expect(run.stderr).toBe('');
    expect(run.lines).toContain('done plain ok "after the FIFOs were fed"');
  }, 30_000);

  it('sets UV_THREADPOOL_SIZE to 64 when unset, and leaves a chosen one alone', async () => {
    const probe = 'console.log(process.env.UV_THREADPOOL_SIZE)';
    expect((await runNode(['-r', 'tinyevent/register', '-e', probe], { UV_THREADPOOL_SIZE: undefined })).lines).toEqual(['64']);
    expect((await runNode(['--import', 'tinyevent/register', '-e', probe], { UV_THREADPOOL_SIZE: undefined })).lines).toEqual(['64']);
    expect((await runNode(['-r', 'tinyevent/register', '-e', probe], { UV_THREADPOOL_SIZE: '9' })).lines).toEqual(['9']);
  }, 30_000);
});
