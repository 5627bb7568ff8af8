// Every export of every entry point, and every method of the instances the
// table can make, called with every bad value of test/fuzz/table.js: each call
// is a TypeError/RangeError at the call, the bad value's own error (a throwing
// getter or valueOf), or what the table documents — never a crash, a hang
// past the walk's deadline, or a silent default. The walk runs in a child
// process (test/fuzz/walk.js), so a crash names the call that caused it.
import { execFile } from 'node:child_process';
import * as path from 'node:path';

import { describe, expect, it } from 'vitest';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const table = require('./fuzz/table.js') as {
  BEHAVIOUR: Record<string, { accepts?: string[] | 'any'; skip?: string; methods?: Record<string, string[] | 'any'> }>;
};

interface Record_ {
  key?: string;
  value?: string;
  outcome?: string;
  call?: boolean;
  skipped?: string;
  done?: boolean;
}

function accepted(key: string, value: string): boolean {
  const [owner, method] = key.split('#');
  const entry = table.BEHAVIOUR[owner];
  const accepts = method === undefined ? entry?.accepts : entry?.methods?.[method];
  return accepts === 'any' || (accepts ?? []).includes(value);
}

describe('fuzzing every export with bad values', () => {
  it('never crashes, hangs or silently accepts what the table does not document', async () => {
    const walk = path.join(__dirname, 'fuzz', 'walk.js');
    const { stdout, stderr, code } = await new Promise<{ stdout: string; stderr: string; code: number | null }>((resolve) => {
      const child = execFile(process.execPath, [walk], { timeout: 60_000, maxBuffer: 64 * 1024 * 1024 }, (_error, out, err) =>
        resolve({ stdout: out, stderr: err, code: child.exitCode }),
      );
    });
    const records = stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record_);
    const last = records.filter((r) => r.call === true).at(-1);
    expect(stderr, `the walk died after calling ${last?.key} with ${last?.value}`).not.toMatch(/FATAL|Aborted|Segmentation/);
    expect(records.at(-1)?.done, `the walk died after calling ${last?.key} with ${last?.value}`).toBe(true);
    expect(code).toBe(0);

    const outcomes = records.filter((r) => r.outcome !== undefined);
    expect(outcomes.length).toBeGreaterThan(3000); // every export was reached
    const wrong = outcomes
      .filter((r) => !/^threw:(TypeError|RangeError):/.test(r.outcome as string))
      .filter((r) => !(r.outcome as string).includes('thrown by a bad value'))
      .filter((r) => !accepted(r.key as string, r.value as string))
      .map((r) => `${r.key}(${r.value}) ${r.outcome}`);
    expect(wrong).toEqual([]);

    // The table names only exports that exist (a renamed export needs its entry moved).
    const keys = new Set(records.map((r) => r.key?.split('#')[0]));
    expect(Object.keys(table.BEHAVIOUR).filter((key) => !keys.has(key))).toEqual([]);
  }, 90_000);
});
