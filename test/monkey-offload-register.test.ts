// An unmodified program whose timer callbacks call zlib and crypto's sync
// functions: one callback at a time under plain Node, overlapping under the preload.
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

import { linkPackage, overlapped, ROOT, runNode } from './monkey-util';

const fixture = (name: string): string => path.join(ROOT, 'fixtures', name);
beforeAll(() => linkPackage());

/** The "done" lines, which name the same keys and sizes whatever the order. */
const results = (lines: string[]): string[] => lines.filter((l) => l.startsWith('done')).sort();

describe('zlib and crypto under tinyevent/register', () => {
  it('plain Node runs the callbacks one by one; -r and --import overlap them, with the same results', async () => {
    const plain = await runNode([fixture('pack-and-hash.js')]);
    expect(plain.stderr).toBe('');
    expect(overlapped(plain.lines)).toBe(false);
    expect(results(plain.lines)).toHaveLength(4);
    for (const args of [['-r', 'tinyevent/register', fixture('pack-and-hash.js')], ['--import', 'tinyevent/register', fixture('pack-and-hash.mjs')]]) {
      const run = await runNode(args);
      expect(run.stderr, args.join(' ')).toBe('');
      expect(run.code).toBe(0);
      expect(overlapped(run.lines), run.stdout).toBe(true);
      expect(results(run.lines)).toEqual(results(plain.lines));
    }
  }, 60_000);
});
