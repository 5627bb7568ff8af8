// The fs patch keeps the originals' guarantees under concurrency and kills:
// writes on one path do not interleave, and a greenlet killed inside a call
// that creates a resource (a descriptor, a Dir, a directory) leaks nothing.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { getOriginal, GreenletExit, joinall, patchFs, sleep, spawn, unpatchAll } from '../src/index';
import { setInlineCalls } from '../src/patches/inline';

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tinyevent-fault-fs-'));
  patchFs();
});
afterAll(() => {
  unpatchAll();
  fs.rmSync(dir, { recursive: true, force: true });
});

const MB = 1024 * 1024;

describe('calls on the same path do not interleave', () => {
  it('writeFileSync from two greenlets leaves one whole content', () => {
    const file = path.join(dir, 'write.bin');
    // Lengths differ: interleaved opens (each truncating) and writes leave the
    // shorter content over the start of the longer one.
    const a = Buffer.alloc(4 * MB, 'a');
    const b = Buffer.alloc(1 * MB, 'b');
    for (let round = 0; round < 5; round++) {
      joinall([spawn(() => fs.writeFileSync(file, a)), spawn(() => fs.writeFileSync(file, b))], { raiseError: true });
      const content = fs.readFileSync(file);
      expect(content.equals(a) || content.equals(b)).toBe(true);
    }
  });
});

function openFds(): number {
  return fs.readdirSync('/proc/self/fd').length;
}

/**
 * Runs `fn` while every libuv thread-pool thread is stuck opening a FIFO that
 * has no writer, so that fs work started inside `fn` waits; then lets it all run.
 */
function withPoolBlocked(fn: () => void): void {
  const fifo = path.join(dir, `fifo-${Math.random().toString(36).slice(2)}`);
  execFileSync('mkfifo', [fifo]);
  const threads = Number(process.env.UV_THREADPOOL_SIZE ?? 4);
  let blocked = threads;
  for (let i = 0; i < threads; i++) {
    fs.open(fifo, 'r', (error, fd) => {
      if (!error) fs.close(fd, () => undefined);
      blocked--;
    });
  }
  try {
    fn();
  } finally {
    // O_RDWR opens a FIFO at once on Linux and counts as its writer: the readers' opens complete.
    const writer = (getOriginal('fs', 'openSync') as typeof fs.openSync)(fifo, 'r+');
    for (let i = 0; i < 400 && blocked > 0; i++) sleep(5);
    fs.closeSync(writer);
    fs.unlinkSync(fifo);
  }
}

describe('a greenlet killed inside a call that creates a resource leaks nothing', () => {
  // Through the twins: a call that runs inline cannot be interrupted, so it leaves nothing either.
  beforeAll(() => setInlineCalls(false));
  afterAll(() => setInlineCalls(true));
  const cases: Array<[string, () => unknown, () => number]> = [
    ['openSync', () => fs.openSync(path.join(dir, 'write.bin'), 'r'), openFds],
    ['opendirSync', () => fs.opendirSync(dir), openFds],
    ['mkdtempSync', () => fs.mkdtempSync(path.join(dir, 'tmp-')), () => fs.readdirSync(dir).filter((n) => n.startsWith('tmp-')).length],
  ];
  for (const [name, call, count] of cases) {
    it(`${name}: 10 greenlets killed while it runs, nothing left behind`, () => {
      const before = count();
      withPoolBlocked(() => {
        for (let i = 0; i < 10; i++) {
          const g = spawn(call);
          sleep(1); // it starts and waits for the thread pool
          g.kill();
          expect(g.value).toBeInstanceOf(GreenletExit);
        }
      });
      // Let every queued call complete (and its resource be released).
      for (let i = 0; i < 200 && count() !== before; i++) sleep(5);
      expect(count()).toBe(before);
    });
  }
});
