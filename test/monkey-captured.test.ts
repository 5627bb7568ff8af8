// patchAll() after libraries copied fs functions: one warning that names them
// and points to register; none when patching came first.
import { beforeAll, describe, expect, it } from 'vitest';

import { ensureBuilt, runNode } from './libs-util';

beforeAll(ensureBuilt);

const LATE = "require('glob'); require('fast-glob'); require('fs-extra'); const m = require('tinyevent/monkey'); m.patchAll(); m.patchAll(); m.patchFs();";

describe('patchAll() after fs functions were captured', () => {
  it('warns once, naming glob, fast-glob and fs-extra and what they hold, and points to register', async () => {
    const run = await runNode(['-e', `process.on('warning', (w) => console.log(w.code, w.message)); ${LATE}`]);
    expect(run.code).toBe(0);
    const warnings = run.lines.filter((l) => l.startsWith('TINYEVENT_CAPTURED_FS'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/glob \(lstatSync, readdirSync, readlinkSync, realpathSync\)/);
    expect(warnings[0]).toMatch(/fast-glob \(lstatSync, readdirSync, statSync\)/);
    expect(warnings[0]).toMatch(/fs-extra \(accessSync, .* more\)/);
    expect(warnings[0]).toMatch(/node -r tinyevent\/register/);
  }, 30_000);

  it('no warning when patching comes first, under register, or with fs left unpatched', async () => {
    const early = "const m = require('tinyevent/monkey'); m.patchAll(); require('glob'); require('fast-glob'); require('fs-extra'); m.patchAll();";
    for (const args of [['-e', early], ['-r', 'tinyevent/register', '-e', "require('glob'); require('fs-extra');"], ['-e', "require('fs-extra'); require('tinyevent/monkey').patchAll({ fs: false });"]]) {
      const run = await runNode(args);
      expect(run.code).toBe(0);
      expect(run.stderr).toBe('');
    }
  }, 30_000);
});
