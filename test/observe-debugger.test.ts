// The debugger inside greenlets: `node inspect` stops at a breakpoint in a
// greenlet's own thread; cont, bt and evaluating its locals work.
import { spawn as spawnChild } from 'node:child_process';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';

import { SCRIPTS } from './observe-util';

/** Drives `node inspect`: each step waits for a pattern, then types a command. */
function inspectSession(script: string, steps: Array<[RegExp, string]>, timeoutMs = 30_000): Promise<{ output: string; code: number | null }> {
  return new Promise((resolve, reject) => {
    const child = spawnChild(process.execPath, ['inspect', '--port=0', path.join(SCRIPTS, script)], {
      cwd: SCRIPTS,
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, NODE_INSPECT_RESUME_ON_START: undefined },
    });
    let output = '';
    let seen = 0; // output consumed by earlier steps
    let step = 0;
    const killer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`node inspect timed out at step ${step}; output:\n${output}`));
    }, timeoutMs);
    const advance = (): void => {
      while (step < steps.length) {
        const [pattern, command] = steps[step];
        const match = pattern.exec(output.slice(seen));
        if (match === null) return;
        seen += match.index + match[0].length;
        step++;
        child.stdin.write(`${command}\n`);
      }
    };
    const onData = (chunk: Buffer): void => {
      output += String(chunk);
      advance();
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(killer);
      resolve({ output, code });
    });
  });
}

describe('node inspect with greenlets', () => {
  it('stops at a breakpoint inside a greenlet: cont, bt, exec of locals, then the program finishes', async () => {
    const { output } = await inspectSession('observe-debug.js', [
      [/Break on start[\s\S]*?debug> /, 'cont'],
      [/break in [^\n]*observe-debug\.js:8[\s\S]*?debug> /, 'bt'],
      [/#0 handleRequest[\s\S]*?debug> /, 'exec answer + 1'],
      // The locals of the greenlet's frame: answer = 42, n = 6.
      [/(^|\s)43\n[\s\S]*?debug> /, 'exec n'],
      [/(^|\s)6\n[\s\S]*?debug> /, 'cont'],
      [/result 42[\s\S]*?debug> /, '.exit'],
    ]);
    expect(output).toMatch(/break in [^\n]*observe-debug\.js:8/);
    expect(output).toMatch(/#0 handleRequest [^\n]*observe-debug\.js:8/);
    // The greenlet's own stack, down to tinyevent's thread entry.
    expect(output).toMatch(/#\d threadMain /);
    expect(output).toContain('result 42');
  });
});
