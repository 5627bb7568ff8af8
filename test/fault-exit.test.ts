// Exit paths that used to leave work behind: a child of a patched execSync
// outlived a process.exit() made by another greenlet.
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { describe, expect, it } from 'vitest';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('process.exit() while a greenlet waits in a patched execSync', () => {
  it('the child process is killed with it', async () => {
    const pidFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tinyevent-exit-')), 'pid');
    const script = path.join(__dirname, 'scripts', 'exit-during-exec.js');
    const code = await new Promise<number | null>((resolve) => {
      const child = execFile(process.execPath, [script, pidFile], { timeout: 20_000 }, () => resolve(child.exitCode));
    });
    expect(code).toBe(0);
    const pid = Number(fs.readFileSync(pidFile, 'utf8'));
    let gone = !alive(pid);
    for (let i = 0; i < 100 && !gone; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      gone = !alive(pid);
    }
    if (!gone) process.kill(pid, 'SIGKILL');
    expect(gone).toBe(true);
  }, 25_000);
});
