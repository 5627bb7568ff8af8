import childProcess from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { afterEach, describe, expect, it } from 'vitest';

import * as root from '../src/index';
import { getOriginal, isPatched, joinall, patch_all, patchAll, patchCallbacks, spawn, unpatchAll } from '../src/index';
import * as monkey from '../src/monkey';
import { inGreenlet, linkPackage, onLoop, runNode } from './monkey-util';

afterEach(() => unpatchAll());

const originals = {
  readFileSync: fs.readFileSync,
  execSync: childProcess.execSync,
  wait: Atomics.wait,
  setTimeout: globalThis.setTimeout,
};

describe('monkey API', () => {
  it('exports the same functions from tinyevent and tinyevent/monkey', () => {
    for (const name of ['patchAll', 'patch_all', 'patchFs', 'patchChildProcess', 'patchTimers', 'patchNet', 'patchDeasync', 'isPatched', 'getOriginal', 'unpatchAll'] as const) {
      expect(typeof (monkey as Record<string, unknown>)[name], name).toBe('function');
      expect((root as Record<string, unknown>)[name], name).toBe((monkey as Record<string, unknown>)[name]);
    }
    expect(patch_all).toBe(patchAll);
  });

  it('patchAll patches every target but callbacks; options switch targets off', () => {
    patchAll({ childProcess: false });
    expect(isPatched('fs')).toBe(true);
    expect(isPatched('child_process')).toBe(false);
    expect(childProcess.execSync).toBe(originals.execSync);
    expect(isPatched('timers')).toBe(true);
    expect(isPatched('net')).toBe(true);
    expect(isPatched('deasync')).toBe(true);
    expect(isPatched('callbacks')).toBe(false);
    expect(globalThis.setTimeout).toBe(originals.setTimeout);
    patchAll();
    expect(isPatched('child_process')).toBe(true);
    patchAll({ callbacks: true });
    expect(isPatched('callbacks')).toBe(true);
  });

  it('getOriginal returns the saved originals, and the live value when unpatched', () => {
    expect(getOriginal('fs', 'readFileSync')).toBe(originals.readFileSync);
    patchAll({ callbacks: true });
    expect(fs.readFileSync).not.toBe(originals.readFileSync);
    expect(getOriginal('fs', 'readFileSync')).toBe(originals.readFileSync);
    expect(getOriginal('child_process', 'execSync')).toBe(originals.execSync);
    expect(getOriginal('Atomics', 'wait')).toBe(originals.wait);
    expect(getOriginal('globalThis', 'setTimeout')).toBe(originals.setTimeout);
    unpatchAll();
    expect(fs.readFileSync).toBe(originals.readFileSync);
    expect(childProcess.execSync).toBe(originals.execSync);
    expect(Atomics.wait).toBe(originals.wait);
    expect(globalThis.setTimeout).toBe(originals.setTimeout);
    for (const target of monkey.TARGETS) expect(isPatched(target)).toBe(false);
  });

  it('rejects unknown targets and options with clear errors', () => {
    expect(() => isPatched('sockets' as never)).toThrow(new TypeError('unknown patch target "sockets"; known targets: fs, child_process, timers, net, deasync, zlib, crypto, callbacks'));
    expect(() => patchAll({ childprocess: false } as never)).toThrow(/patchAll\(\): unknown option "childprocess"; known options: fs, childProcess/);
    expect(() => patchAll('all' as never)).toThrow(TypeError);
  });

  it('a module loaded before patching keeps the functions it captured (as in gevent)', () => {
    const { readFileSync } = fs;
    patchAll();
    expect(readFileSync).toBe(originals.readFileSync);
    expect(createRequire(__filename)('node:fs').readFileSync).not.toBe(originals.readFileSync);
  });
});

describe('callbacks target (register default)', () => {
  it('timer callbacks that block overlap instead of nesting', () =>
    onLoop(() => {
      patchAll({ callbacks: true });
      const log: string[] = [];
      let done = 0;
      for (const i of [1, 2, 3]) {
        setTimeout(() => {
          log.push(`start ${i}`);
          childProcess.execSync('sleep 0.3');
          log.push(`done ${i}`);
          done++;
        }, 0);
      }
      const waiter = spawn(() => {
        while (done < 3) root.sleep(10);
      });
      joinall([waiter]);
      // All three started before any finished; the children end in any order.
      expect(log.slice(0, 3)).toEqual(['start 1', 'start 2', 'start 3']);
      expect(log.slice(3).sort()).toEqual(['done 1', 'done 2', 'done 3']);
    }));

  it('a callback that does not block runs to completion inside its timer', () =>
    onLoop(() => {
      patchCallbacks();
      const log: string[] = [];
      setImmediate(() => log.push('a'));
      setImmediate(() => log.push('b'));
      inGreenlet(() => root.sleep(20));
      expect(log).toEqual(['a', 'b']);
    }));

  it('an interval callback never overlaps itself', () =>
    onLoop(() => {
      patchCallbacks();
      let running = 0;
      let maxRunning = 0;
      let runs = 0;
      const interval = setInterval(() => {
        running++;
        maxRunning = Math.max(maxRunning, running);
        root.sleep(30);
        running--;
        if (++runs === 3) clearInterval(interval);
      }, 5);
      inGreenlet(() => {
        while (runs < 3) root.sleep(10);
      });
      expect(maxRunning).toBe(1);
    }));
});

describe('policy', () => {
  it('in process exit handlers the originals run (the loop cannot turn)', async () => {
    linkPackage();
    const script = `
      const te = require('tinyevent'); te.patchAll();
      const fs = require('fs'); const cp = require('child_process');
      te.spawn(() => te.sleep(1e9));
      process.on('exit', () => { console.log(fs.readFileSync(${JSON.stringify(__filename)}, 'utf8').length > 0, cp.execSync('echo bye').toString().trim()); });
      setTimeout(() => process.exit(0), 20);`;
    const run = await runNode(['-e', script]);
    expect(run.stderr).toBe('');
    expect(run.stdout.trim()).toBe('true bye');
  });
});
