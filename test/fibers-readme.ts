// node-fibers' README examples, taken from the fibers package on the npm
// registry (its README.md) the first time they are needed and kept under
// .cache/, inside the repository so that `require('fibers')` in them finds
// compat/fibers (tinyevent/fibers) through node_modules.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { ROOT } from './monkey-util';

const VERSION = '5.0.3';
const DIR = path.join(ROOT, '.cache', `fibers-${VERSION}-readme`);

// The README's first six examples, in order, by the names the tests use.
const NAMES = ['sleep.js', 'generator.js', 'fibonacci.js', 'error.js', 'ls.js', 'future-sleep.js'];

function fetchReadme(): string {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tinyevent-fibers-readme-'));
  try {
    const tarball = execFileSync('npm', ['pack', `fibers@${VERSION}`, '--silent', '--pack-destination', tmp], { encoding: 'utf8', timeout: 120_000 }).trim();
    execFileSync('tar', ['xzf', path.join(tmp, tarball), '-C', tmp, 'package/README.md']);
    return fs.readFileSync(path.join(tmp, 'package', 'README.md'), 'utf8');
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/** Writes the examples (once) and returns the folder that holds them. */
export function readmeExamples(): string {
  if (NAMES.every((name) => fs.existsSync(path.join(DIR, name)))) return DIR;
  const blocks = [...fetchReadme().matchAll(/```javascript\n([^]*?)```/g)].map((m) => m[1]);
  if (blocks.length < NAMES.length) throw new Error(`node-fibers' README has ${blocks.length} examples, expected at least ${NAMES.length}`);
  fs.mkdirSync(DIR, { recursive: true });
  NAMES.forEach((name, i) => fs.writeFileSync(path.join(DIR, name), blocks[i]));
  return DIR;
}
