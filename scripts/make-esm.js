#!/usr/bin/env node
// Writes the ESM entry points: thin re-exports of the CommonJS build, so both
// module systems share one copy of tinyevent (one Hub, one engine).
'use strict';
const fs = require('fs');
const path = require('path');

const root = path.join(__dirname, '..');
const cjsDir = path.join(root, 'dist', 'cjs');
const esmDir = path.join(root, 'dist', 'esm');
const entries = ['index', 'greenlet', 'monkey', 'register', 'net', 'http', 'threadpool', 'fibers', 'fibers-future'];
fs.mkdirSync(esmDir, { recursive: true });
// Entries imported for their effect only: loading them at build time would run it.
const effectOnly = new Set(['register']);
for (const entry of entries) {
  const file = path.join(cjsDir, `${entry}.js`);
  if (!fs.existsSync(file)) continue;
  if (effectOnly.has(entry)) {
    fs.writeFileSync(path.join(esmDir, `${entry}.mjs`), `import '../cjs/${entry}.js';\n`);
    continue;
  }
  const names = Object.keys(require(file)).filter((n) => n !== 'default' && n !== '__esModule');
  const lines = [`import cjs from '../cjs/${entry}.js';`];
  if (names.length) lines.push(`export const { ${names.join(', ')} } = cjs;`);
  lines.push('export default cjs;', '');
  fs.writeFileSync(path.join(esmDir, `${entry}.mjs`), lines.join('\n'));
}
