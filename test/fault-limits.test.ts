// When no greenlet thread can be created, the spawn fails as a greenlet with a
// message naming the limit and how to raise it; the process never aborts.
import { execFile } from 'node:child_process';
import * as path from 'node:path';

import { describe, expect, it } from 'vitest';

import { spawn } from '../src/index';
import { engine } from '../src/core/native';
import { collectFailures } from './core-util';

describe('thread creation failure', () => {
  it('the test switch fails a spawn as a thread limit would, naming the limits', () => {
    let g: ReturnType<typeof spawn> | undefined;
    const failures = collectFailures(() => {
      engine.failNextThreadCreate();
      g = spawn(() => 1);
      g.join(2000);
    });
    expect(g?.successful()).toBe(false);
    expect(failures).toHaveLength(1);
    expect(String((g?.exception as Error).message)).toMatch(/EAGAIN.*ulimit -u.*vm\.max_map_count/);
    expect(spawn(() => 2).get()).toBe(2);
  });

  it('a real limit (the address space, lowered with prlimit in a child) fails one spawn, not the process', async () => {
    const script = path.join(__dirname, 'scripts', 'thread-limit.js');
    const outcome = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      execFile(process.execPath, [script], { timeout: 20_000 }, (error, stdout, stderr) =>
        resolve({ code: error ? ((error as { code?: number }).code ?? null) : 0, stdout, stderr }),
      );
    });
    expect(outcome.stderr).not.toMatch(/FATAL|Aborted|Segmentation/);
    expect(outcome.code).toBe(0);
    const result = JSON.parse(outcome.stdout) as { started: number; message: string; reported: number };
    expect(result.started).toBeGreaterThan(0);
    expect(result.message).toMatch(/could not create a greenlet thread: .*(EAGAIN|ENOMEM)/);
    expect(result.reported).toBe(1);
  }, 25_000);
});
