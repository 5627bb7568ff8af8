// The watchdog thread at exit: stopped and joined before the isolate goes
// away, on every way out, in the main thread and in workers.
import { describe, expect, it } from 'vitest';

import { expectNoCrash, runScript } from './observe-util';

describe('exit with the monitor and the profiler running', () => {
  const cases: Array<[string, number, string]> = [
    ['normal', 0, 'PARKED\n'],
    ['exit-in-greenlet', 3, 'PARKED\n'],
    ['busy-exit', 4, 'PARKED\n'],
    ['uncaught', 1, 'PARKED\n'],
    ['worker-terminate', 0, '["parked","exit 1"]\n'],
    ['worker-exit', 0, '["parked","exit 3"]\n'],
    ['worker-busy', 0, '["parked","exit 1"]\n'],
  ];
  for (const [mode, code, stdout] of cases) {
    it(`${mode}: exits with ${code}, no abort`, async () => {
      const outcome = await runScript('observe-exit.js', [mode]);
      expectNoCrash(outcome);
      expect(outcome.code).toBe(code);
      expect(outcome.stdout).toBe(stdout);
      if (mode === 'uncaught') expect(outcome.stderr).toContain('Error: boom');
      else expect(outcome.stderr).toBe('');
    });
  }
});
