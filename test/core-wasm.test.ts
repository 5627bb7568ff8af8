// WebAssembly (Node's own fetch) in a process with parked greenlets.
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

import { describe, expect, it } from 'vitest';

describe('WebAssembly with parked greenlets', () => {
  it('fetch() and forced GCs do not abort the process', () => {
    const result = spawnSync(process.execPath, ['--expose-gc', path.join(__dirname, 'scripts', 'wasm-fetch.js')], {
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(result.stderr).not.toMatch(/Fatal error|archived threads/);
    expect(result.stdout).toContain('DONE');
    expect(result.status).toBe(0);
  }, 40_000);
});
