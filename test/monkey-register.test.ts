// tinyevent/register, run the way users run it: as a preload of unmodified
// programs (fixtures/), in child processes using the built package.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

import { linkPackage, overlapped, ROOT, runNode } from './monkey-util';

const fixture = (name: string): string => path.join('fixtures', name);

beforeAll(() => {
  if (!fs.existsSync(path.join(ROOT, 'dist', 'esm', 'register.mjs'))) throw new Error('build first: npx tsc -p . && node scripts/make-esm.js');
  linkPackage();
});

describe('register: unmodified programs overlap', () => {
  it('build script (execSync + readFileSync): plain Node runs the steps one by one', async () => {
    const run = await runNode([fixture('build-script.js')]);
    expect(run.code).toBe(0);
    expect(run.lines.slice(0, 4)).toEqual(['start core', 'done core: compiled core (' + run.lines[1].split('(')[1], 'start cli', run.lines[3]]);
    expect(overlapped(run.lines)).toBe(false);
  });

  for (const preload of [['-r', 'tinyevent/register'], ['--import', 'tinyevent/register']]) {
    it(`build script under ${preload.join(' ')}`, async () => {
      const run = await runNode([...preload, fixture('build-script.js')]);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(overlapped(run.lines)).toBe(true);
      expect(run.lines.filter((l) => l.startsWith('done')).sort()).toEqual(
        ['cli', 'core', 'docs', 'web'].map((p) => expect.stringMatching(new RegExp(`^done ${p}: compiled ${p} \\(\\d+ bytes\\)$`))),
      );
    });

    it(`sync-fetch client under ${preload.join(' ')}`, async () => {
      const run = await runNode([...preload, fixture('fetch-client.js')]);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(overlapped(run.lines)).toBe(true);
      expect(run.lines.filter((l) => l.startsWith('done')).sort()).toEqual(['done a 200 a', 'done b 200 b', 'done c 200 c', 'done d 200 d']);
    });

    it(`synckit client under ${preload.join(' ')}: the heartbeat ticks during the call`, async () => {
      const run = await runNode([...preload, fixture('synckit-client.js')]);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      const start = run.lines.indexOf('call start');
      const end = run.lines.indexOf('call end answer');
      expect(start).toBeGreaterThanOrEqual(0);
      expect(end).toBeGreaterThan(start);
      expect(run.lines.slice(start, end).some((l) => l.startsWith('tick'))).toBe(true);
    });

    it(`HTTP server whose handler blocks, under ${preload.join(' ')}`, async () => {
      const run = await runNode([...preload, fixture('http-handlers.js')]);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(overlapped(run.lines)).toBe(true);
      expect(run.lines.filter((l) => l.startsWith('done')).sort()).toEqual(['done a', 'done b', 'done c', 'done d']);
    });

    it(`deasync client under ${preload.join(' ')}`, async () => {
      const run = await runNode([...preload, fixture('deasync-client.js')]);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(overlapped(run.lines)).toBe(true);
      expect(run.lines.filter((l) => l.startsWith('done')).sort()).toEqual(['done 1 true', 'done 2 true', 'done 3 true']);
    });
  }

  it('HTTP server under plain Node: one handler at a time', async () => {
    const run = await runNode([fixture('http-handlers.js')]);
    expect(run.code).toBe(0);
    expect(run.lines.slice(0, 4)).toEqual(['start a', 'done a', 'start b', 'done b']);
  });

  it('synckit client under plain Node: no tick during the call', async () => {
    const run = await runNode([fixture('synckit-client.js')]);
    expect(run.code).toBe(0);
    const start = run.lines.indexOf('call start');
    const end = run.lines.indexOf('call end answer');
    expect(run.lines.slice(start, end).some((l) => l.startsWith('tick'))).toBe(false);
  });

  it('an ES module with named imports under --import', async () => {
    const run = await runNode(['--import', 'tinyevent/register', fixture('build-script.mjs')]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(overlapped(run.lines)).toBe(true);
  });
});

describe('register: options and behaviour', () => {
  const probe = `const m = require('tinyevent'); console.log(['fs','child_process','timers','net','deasync','zlib','crypto','callbacks'].map((t) => t + '=' + m.isPatched(t)).join(' '));`;

  it('patches every target by default, and require() works too', async () => {
    const run = await runNode(['-e', `require('tinyevent/register'); ${probe}`]);
    expect(run.stdout.trim()).toBe('fs=true child_process=true timers=true net=true deasync=true zlib=true crypto=true callbacks=true');
  });

  it('TINYEVENT_PATCH limits the targets', async () => {
    const run = await runNode(['-r', 'tinyevent/register', '-e', probe], { TINYEVENT_PATCH: 'fs, child_process' });
    expect(run.stdout.trim()).toBe('fs=true child_process=true timers=false net=false deasync=false zlib=false crypto=false callbacks=false');
  });

  it('an unknown TINYEVENT_PATCH name is a clear error', async () => {
    const run = await runNode(['-r', 'tinyevent/register', '-e', 'console.log("ran")'], { TINYEVENT_PATCH: 'fs,sockets' });
    expect(run.code).not.toBe(0);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('TINYEVENT_PATCH: unknown target "sockets"; known targets: fs, child_process, timers, net, deasync, zlib, crypto, callbacks');
  });

  it('a callback that throws still crashes the process, before or after blocking', async () => {
    for (const body of ["throw new Error('boom early')", "require('child_process').execSync('sleep 0.05'); throw new Error('boom late')"]) {
      const script = `setTimeout(() => { ${body} }, 0); setTimeout(() => console.log('still running'), 300);`;
      const plain = await runNode(['-e', script]);
      const patched = await runNode(['-r', 'tinyevent/register', '-e', script]);
      expect(patched.code, body).toBe(plain.code);
      expect(patched.code).not.toBe(0);
      expect(patched.stdout).toBe(plain.stdout);
      expect(patched.stderr).toContain(body.includes('early') ? 'Error: boom early' : 'Error: boom late');
    }
  });

  it('process.exit from a timer callback, before or after blocking, exits with its code', async () => {
    const early = await runNode(['-r', 'tinyevent/register', '-e', "process.on('exit', (c) => console.log('exit', c)); setTimeout(() => process.exit(3), 5); setTimeout(() => console.log('never'), 2000);"]);
    expect([early.code, early.stdout.trim()]).toEqual([3, 'exit 3']);
    const late = await runNode([
      '-r',
      'tinyevent/register',
      '-e',
      "const { execSync } = require('child_process'); setTimeout(() => { execSync('sleep 0.05'); process.exit(4); }, 5); setTimeout(() => { execSync('sleep 2'); console.log('never'); }, 5);",
    ]);
    expect([late.code, late.stdout, late.stderr]).toEqual([4, '', '']);
  });

  it('timer callbacks keep this, arguments, clearTimeout and promisify', async () => {
    const script = `
      const { promisify } = require('util');
      const t = setTimeout(function (a, b) { console.log('args', a, b, this === t); }, 5, 'x', 'y');
      const cancelled = setTimeout(() => console.log('cancelled ran'), 5); clearTimeout(cancelled);
      let n = 0; const iv = setInterval(() => { if (++n === 3) { clearInterval(iv); console.log('interval 3'); } }, 2);
      setImmediate((v) => console.log('immediate', v), 'z');
      promisify(setTimeout)(10, 'p').then((v) => console.log('promisified', v));`;
    const plain = await runNode(['-e', script]);
    const patched = await runNode(['-r', 'tinyevent/register', '-e', script]);
    expect(patched.stderr).toBe('');
    expect(patched.lines.sort()).toEqual(plain.lines.sort());
    expect(plain.lines).toContain('args x y true');
  });
});
