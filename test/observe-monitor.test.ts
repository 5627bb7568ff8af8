// monitor(): a watchdog thread reports greenlets, the root greenlet and Hub
// callbacks that run too long without yielding, with the stack at that moment.
import { afterEach, describe, expect, it } from 'vitest';

import { BlockingReport, joinall, monitor, MonitorHandle, sleep, spawn } from '../src/index';
import { onLoop } from './core-util';
import { expectNoCrash, runScript, spinFor } from './observe-util';

let handle: MonitorHandle | undefined;
afterEach(() => {
  handle?.stop();
  handle = undefined;
});

function watch(maxBlockingMs = 100): BlockingReport[] {
  const reports: BlockingReport[] = [];
  handle = monitor({ maxBlockingMs, report: (info) => void reports.push(info) });
  return reports;
}

function spinInGreenlet(ms: number): void {
  spinFor(ms);
}

function spinInRoot(ms: number): void {
  spinFor(ms);
}

describe('monitor', () => {
  it('reports a greenlet that blocks for 400 ms, once, with the blocking function in its stack', async () => {
    const reports = watch();
    const busy = await onLoop(() => {
      const g = spawn(spinInGreenlet, 400);
      g.name = 'busy';
      joinall([g]);
      return g;
    });
    expect(reports).toHaveLength(1);
    const [report] = reports;
    expect(report.greenlet).toBe(busy);
    expect(report.name).toBe('busy');
    expect(report.blockedMs).toBeGreaterThanOrEqual(100);
    expect(report.blockedMs).toBeLessThan(400);
    // Taken while it ran: the busy loop is on top, not the code after it.
    expect(report.stack.split('\n')[0]).toContain('spinFor');
    expect(report.stack).toContain('spinInGreenlet');
  });

  it('reports the root greenlet blocking for 400 ms', async () => {
    const reports = watch();
    await onLoop(() => {
      spinInRoot(400);
      sleep(20); // the report is delivered while it spins; this just yields after
    });
    expect(reports).toHaveLength(1);
    expect(reports[0].name).toBe('root');
    expect(String(reports[0].greenlet)).toBe('<RootGreenlet>');
    expect(reports[0].stack).toContain('spinInRoot');
  });

  it('does not report a greenlet that yields every 10 ms', async () => {
    const reports = watch();
    await onLoop(() =>
      joinall([
        spawn(function politeLoop() {
          for (let i = 0; i < 40; i++) {
            spinFor(1);
            sleep(10);
          }
        }),
      ]),
    );
    expect(reports).toEqual([]);
  });

  it('does not report an idle loop, nor a root that waits', async () => {
    const reports = watch();
    await new Promise((resolve) => setTimeout(resolve, 350));
    await onLoop(() => sleep(350));
    expect(reports).toEqual([]);
  });

  it('reports two greenlets that block one after the other, each once', async () => {
    const reports = watch();
    const [a, b] = await onLoop(() => {
      const gs = [spawn(spinInGreenlet, 300), spawn(spinInGreenlet, 300)];
      joinall(gs);
      return gs;
    });
    expect(reports.map((r) => r.greenlet)).toEqual([a, b]);
  });

  it('names Hub callbacks when a link callback blocks the Hub', async () => {
    const reports = watch();
    await onLoop(() => {
      const g = spawn(() => 1);
      g.link(function slowLink() {
        spinFor(300);
      });
      joinall([g]);
      sleep(50);
    });
    expect(reports).toHaveLength(1);
    expect(reports[0].name).toBe('root (Hub callbacks)');
    expect(reports[0].stack).toContain('slowLink');
  });

  it('stop() ends the reports; a new monitor replaces the last', async () => {
    const first = watch();
    const second = watch();
    handle?.stop();
    handle?.stop(); // twice is fine
    await onLoop(() => joinall([spawn(spinInGreenlet, 300)]));
    expect(first).toEqual([]);
    expect(second).toEqual([]);
  });

  it('a report function that throws is reported and does not break the monitored code', async () => {
    handle = monitor({
      report: () => {
        throw new Error('broken report');
      },
    });
    const g = await onLoop(() => {
      const busy = spawn(() => spinFor(300) * 0 + 7);
      joinall([busy]);
      return busy;
    });
    expect(g.value).toBe(7);
  });

  it('checks its arguments at the call', () => {
    expect(() => monitor({ maxBlockingMs: 0 })).toThrow(RangeError);
    expect(() => monitor({ maxBlockingMs: -5 })).toThrow(/maxBlockingMs must be a positive.*-5/);
    expect(() => monitor({ maxBlockingMs: Infinity })).toThrow(RangeError);
    expect(() => monitor({ maxBlockingMs: '100' as unknown as number })).toThrow(TypeError);
    expect(() => monitor({ report: 5 as unknown as () => void })).toThrow(/report must be a function, got 5/);
    expect(() => monitor(7 as unknown as object)).toThrow(TypeError);
  });
});

describe('monitor in a child process', () => {
  it('TINYEVENT_MONITOR=<ms> prints one block on stderr per incident: greenlet and root, not the polite one', async () => {
    const outcome = await runScript('observe-monitor.js', ['blockers'], { env: { TINYEVENT_MONITOR: '100' } });
    expectNoCrash(outcome);
    expect(outcome.code).toBe(0);
    expect(outcome.stdout).toBe('DONE\n');
    const blocks = outcome.stderr.split('tinyevent monitor: ').slice(1);
    expect(blocks).toHaveLength(2);
    expect(blocks[0]).toMatch(/^<Greenlet "busy"> has run for \d+ ms without yielding \(maxBlockingMs 100\)\n/);
    expect(blocks[0]).toMatch(/at (Greenlet\.)?spinInGreenlet /);
    expect(blocks[1]).toMatch(/^root has run for \d+ ms/);
    expect(blocks[1]).toContain('at spinInRoot');
    expect(outcome.stderr).not.toContain('politeLoop');
  });

  it('TINYEVENT_MONITOR with a bad value throws a RangeError naming it', async () => {
    const outcome = await runScript('observe-monitor.js', ['none'], { env: { TINYEVENT_MONITOR: 'soon' } });
    expect(outcome.code).not.toBe(0);
    expect(outcome.stderr).toMatch(/RangeError: TINYEVENT_MONITOR must be a positive number of milliseconds, got "soon"/);
  });
});

describe('monitor reports cannot block', () => {
  it('a report that tries to sleep gets BlockingSwitchOutError, and the blocked greenlet carries on', async () => {
    const errors: unknown[] = [];
    handle = monitor({
      report: () => {
        try {
          sleep(1);
        } catch (error) {
          errors.push(error);
        }
      },
    });
    const g = await onLoop(() => {
      const busy = spawn(() => spinFor(300) * 0 + 5);
      joinall([busy]);
      return busy;
    });
    expect(g.value).toBe(5);
    expect(errors).toHaveLength(1);
    expect((errors[0] as Error).name).toBe('BlockingSwitchOutError');
    expect(String(errors[0])).toMatch(/cannot block in sleep\(1\) inside a monitor report/);
  });
});
