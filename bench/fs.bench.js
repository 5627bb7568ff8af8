#!/usr/bin/env node
// Small fs calls, the kind file-heavy sync scripts make by the thousand, each
// beside the unpatched run in the same process and run:
//   a walk (readdirSync + lstatSync, 10,000 entries) over 4 greenlets   target <= 1.2x plain
//   fixtures/fs-tools.js (walk, glob, fast-glob, copy, rimraf)
//     under -r tinyevent/register vs plain node                         target <= 1.2x plain
//   a greenlet reading a FIFO nobody writes to yet: another keeps running
// The tree lives in /dev/shm when there is one, so the disk's own noise stays out.
// Run: npm run build && node bench/fs.bench.js
'use strict';
const childProcess = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const te = require('..');

const now = () => Number(process.hrtime.bigint()) / 1e6;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (x) => `${x.toFixed(1)} ms`;

function makeTree() {
  const base = fs.existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir();
  const root = fs.mkdtempSync(path.join(base, 'tinyevent-fs-bench-'));
  for (let d = 0; d < 100; d++) {
    fs.mkdirSync(path.join(root, `d${d}`));
    for (let f = 0; f < 99; f++) fs.writeFileSync(path.join(root, `d${d}`, `f${f}.txt`), `file ${d}/${f}\n`);
  }
  return root;
}

function walk(dir) {
  let n = 0;
  for (const name of fs.readdirSync(dir)) {
    const p = path.join(dir, name);
    n++;
    if (fs.lstatSync(p).isDirectory()) n += walk(p);
  }
  return n;
}

// Blocking root code runs from a loop callback, not after an await.
const onLoop = (fn) => new Promise((resolve, reject) => setImmediate(() => { try { resolve(fn()); } catch (e) { reject(e); } }));

function walkInGreenlets(root) {
  const dirs = fs.readdirSync(root);
  const start = now();
  const gs = [];
  for (let i = 0; i < 4; i++) gs.push(te.spawn(() => { let n = 0; for (let j = i; j < dirs.length; j += 4) n += 1 + walk(path.join(root, dirs[j])); return n; }));
  te.joinall(gs, { raiseError: true });
  const n = gs.reduce((sum, g) => sum + g.value, 0);
  return { ms: now() - start, n };
}

function runScript(root, register) {
  const args = [...(register ? ['-r', path.join(__dirname, '..', 'dist', 'cjs', 'register.js')] : []), path.join(__dirname, '..', 'fixtures', 'fs-tools.js'), root];
  const start = now();
  const out = childProcess.execFileSync(process.execPath, args, { encoding: 'utf8', env: { ...process.env } });
  return { wall: now() - start, ...JSON.parse(out) };
}

function report(title, rows, verdict) {
  console.log(`\n${title}`);
  for (const [label, value] of rows) console.log(`  ${label.padEnd(40)} ${value}`);
  console.log(`  ${verdict}`);
}

async function main() {
  const root = makeTree();
  try {
    // ------------------------------------------------------------ the walk
    const plain = [];
    const green = [];
    te.patchAll();
    for (let r = 0; r < 7; r++) {
      te.unpatchAll();
      const start = now();
      const n = walk(root);
      plain.push(now() - start);
      te.patchAll();
      const g = await onLoop(() => walkInGreenlets(root));
      if (g.n !== n) throw new Error(`walk counts differ: ${g.n} vs ${n}`);
      green.push(g.ms);
    }
    te.unpatchAll();
    const walkRatio = median(green) / median(plain);
    report(
      'walk: readdirSync + lstatSync, 10,000 entries (median of 7, alternated)',
      [
        ['unpatched, one loop', ms(median(plain))],
        ['patchAll, split over 4 greenlets', ms(median(green))],
      ],
      `${walkRatio.toFixed(2)}x plain (target <= 1.20x): ${walkRatio <= 1.2 ? 'met' : 'MISSED'}`,
    );

    // ------------------------------------------------------------ fs-tools.js under register
    const runs = { plain: [], register: [] };
    for (let r = 0; r < 3; r++) {
      runs.plain.push(runScript(root, false));
      runs.register.push(runScript(root, true));
    }
    const steps = Object.keys(runs.plain[0].times);
    const rows = [];
    let worst = 0;
    for (const stepName of steps) {
      const p = median(runs.plain.map((x) => x.times[stepName]));
      const q = median(runs.register.map((x) => x.times[stepName]));
      worst = Math.max(worst, q / p);
      rows.push([`${stepName}: plain / register`, `${ms(p)} / ${ms(q)}  (${(q / p).toFixed(2)}x)`]);
    }
    const wallPlain = median(runs.plain.map((x) => x.wall));
    const wallRegister = median(runs.register.map((x) => x.wall));
    rows.push(['whole process: plain / register', `${ms(wallPlain)} / ${ms(wallRegister)}  (${(wallRegister / wallPlain).toFixed(2)}x)`]);
    report('fixtures/fs-tools.js: glob, fast-glob, rimraf, a walk and a copy (median of 3, alternated)', rows, `slowest step ${worst.toFixed(2)}x plain (target <= 1.20x): ${worst <= 1.2 ? 'met' : 'MISSED'}`);

    // ------------------------------------------------------------ a slow call still yields
    const fifo = path.join(root, 'fifo');
    childProcess.execFileSync('mkfifo', [fifo]);
    te.patchAll();
    const ticks = await onLoop(() => {
      let count = 0;
      let done = false;
      const ticker = te.spawn(() => { while (!done) { count++; te.sleep(10); } });
      const reader = te.spawn(() => fs.readFileSync(fifo, 'utf8'));
      const writer = te.spawnLater(200, () => fs.writeFileSync(fifo, 'late'));
      te.joinall([reader, writer], { raiseError: true });
      done = true;
      te.joinall([ticker]);
      return count;
    });
    te.unpatchAll();
    report('readFileSync of a FIFO written to after 200 ms', [['ticks of a 10 ms ticker meanwhile', String(ticks)]], `others keep running: ${ticks >= 10 ? 'met' : 'MISSED'}`);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
