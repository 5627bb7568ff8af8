// Process-level behaviour of the primitives, each in a fresh `node` on the
// built package: no timer left after timed waits (the loop ends by itself),
// and a root wait nothing can satisfy is a LoopExit that names it.
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';

const SCRIPT = path.join(__dirname, 'scripts', 'primitives-exit.js');

function run(mode: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [SCRIPT, mode], { cwd: path.dirname(SCRIPT), timeout: 15_000 }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : null, stdout, stderr });
    });
  });
}

describe('primitives in a fresh process', () => {
  it('timed waits leave no timer behind and the process exits by itself', async () => {
    const { code, stdout, stderr } = await run('timeouts');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(JSON.parse(stdout.trim())).toEqual({ timers: 0 });
  });

  it('a root wait nothing can satisfy throws LoopExit naming the wait', async () => {
    const { code, stdout } = await run('loopexit');
    expect(code).toBe(0);
    expect(JSON.parse(stdout.trim())).toEqual({
      'Queue.get()': 'LoopExit',
      'Queue.put()': 'LoopExit',
      'Channel.put()': 'LoopExit',
      'Semaphore.acquire()': 'LoopExit',
      'Event.wait()': 'LoopExit',
      'AsyncResult.get()': 'LoopExit',
    });
  });
});
