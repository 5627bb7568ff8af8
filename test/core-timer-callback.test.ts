// Blocking the root inside a plain setTimeout callback: tinyevent's sleeps and
// Timeouts run on the Hub's own timer, which fires while Node's timer list waits
// for that callback to return.
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

import { describe, expect, it } from 'vitest';

describe('root blocking inside a timer callback', () => {
  it('sleeps started earlier finish, and a Timeout fires', () => {
    const result = spawnSync(process.execPath, [path.join(__dirname, 'scripts', 'root-in-timer.js')], {
      encoding: 'utf8',
      timeout: 15_000,
    });
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe('slept 5, slept 10, slept 15, joined in timer, timeout in timer: true\nDONE\n');
    expect(result.status).toBe(0);
  });
});
