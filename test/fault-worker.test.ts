// A worker thread that uses tinyevent ends (worker.terminate(), process.exit()
// in a greenlet) while its root greenlet blocks in a tinyevent wait: the worker
// ends promptly and the process never aborts. Each case runs in a child process.
import { describe, expect, it } from 'vitest';

import { runScript } from './observe-util';

const run = (kind: string, count: number) => runScript('worker-root-wait.js', [kind, String(count)], { timeoutMs: 20_000 });

describe('a worker ends while its root greenlet blocks', () => {
  const cases: Array<[kind: string, count: number, code: number]> = [
    ['sleep', 3, 1],
    ['event', 3, 1],
    ['join', 3, 1],
    ['busy', 4, 1],
    ['spinning', 4, 1],
    // Node's immediates run from the root's turn: a stop landing in them (about 1 in 5
    // terminations with this many) aborted the process before the engine let it pass.
    ['immediates', 8, 1],
    ['inspector', 3, 1],
    ['exit', 4, 7],
  ];
  for (const [kind, count, code] of cases) {
    it(`${kind}: every worker exits (code ${code}), nothing aborts, the main thread goes on`, async () => {
      const outcome = await run(kind, count);
      expect(outcome.stderr).not.toMatch(/FATAL|Fatal error|Aborted|Segmentation/);
      expect(outcome.signal).toBeNull();
      expect(outcome.code).toBe(0);
      expect(JSON.parse(outcome.stdout.trim())).toEqual([...Array<number>(count).fill(code), 'main ok']);
    }, 25_000);
  }
});
