// runInfo() / printRunInfo(): every live greenlet, its state, what it waits
// on, who spawned it, and the stack where it is suspended.
import { describe, expect, it } from 'vitest';

import { Event, Queue, formatRunInfo, getcurrent, GreenletInfo, joinall, printRunInfo, runInfo, sleep, spawn, spawnLater } from '../src/index';
import { greenlet } from '../src/greenlet';
import { connect, listen } from '../src/net';
import { onLoop } from './core-util';
import { expectNoCrash, runScript } from './observe-util';
import type { AddressInfo } from 'node:net';

function byName(infos: GreenletInfo[], name: string): GreenletInfo {
  const found = infos.find((info) => info.name === name);
  if (found === undefined) throw new Error(`no ${name} in run info: ${infos.map((i) => i.name).join(', ')}`);
  return found;
}

describe('runInfo', () => {
  it('shows sleeping, Event-waiting, socket-waiting and not-started greenlets, with their stacks', async () => {
    const listener = listen(0, '127.0.0.1');
    const port = (listener.address() as AddressInfo).port;
    const event = new Event();
    const result = await onLoop(() => {
      const sleeper = spawn(function napsForAWhile() {
        sleep(60_000);
      });
      sleeper.name = 'sleeper';
      const waiter = spawn(function waitsForTheEvent() {
        return event.wait();
      });
      waiter.name = 'waiter';
      const reader = spawn(function readsTheSocket() {
        const conn = connect(port, '127.0.0.1');
        try {
          return conn.recv(10);
        } finally {
          conn.close();
        }
      });
      reader.name = 'reader';
      const later = spawnLater(60_000, () => 0);
      later.name = 'later';
      const accepted = listener.accept(); // the reader has connected and now waits in recv()
      sleep(20);
      const infos = runInfo();
      // The probes did not resume their code: each still waits where it was.
      accepted.sendall('hello');
      event.set();
      const read = reader.get();
      const waited = waiter.get();
      accepted.close();
      sleeper.kill();
      later.kill();
      return { infos, read: String(read), waited };
    });
    listener.close();
    expect(result.read).toBe('hello');
    expect(result.waited).toBe(true);
    const { infos } = result;
    expect(infos[0]).toMatchObject({ name: 'root', state: 'running', waitingOn: null, parent: null });
    expect(infos[0].stack).toContain('observe-runinfo.test.ts');

    const sleeper = byName(infos, 'sleeper');
    expect(sleeper).toMatchObject({ state: 'parked', waitingOn: 'sleep(60000)', parent: 'root' });
    expect(sleeper.stack?.split('\n')[0]).toMatch(/at .*napsForAWhile/);

    const waiter = byName(infos, 'waiter');
    expect(waiter).toMatchObject({ state: 'parked', waitingOn: 'Event.wait()' });
    expect(waiter.stack?.split('\n')[0]).toMatch(/waitsForTheEvent/);

    const reader = byName(infos, 'reader');
    expect(reader.state).toBe('parked');
    expect(reader.waitingOn).toMatch(/recv/);
    expect(reader.stack).toMatch(/readsTheSocket/);

    const later = byName(infos, 'later');
    expect(later).toMatchObject({ state: 'not started', waitingOn: null, stack: null });
    expect(infos.map((i) => i.name)).toEqual(['root', 'sleeper', 'waiter', 'reader', 'later']);
  });

  it('from inside a greenlet: that one runs, the root is parked with its stack, children name their spawner', async () => {
    const infos = await onLoop(() => {
      const outer = spawn(function outerBody() {
        const inner = spawn(function innerBody() {
          sleep(60_000);
        });
        inner.name = 'inner';
        sleep(10);
        const seen = runInfo();
        inner.kill();
        return seen;
      });
      outer.name = 'outer';
      return (function rootWaitsHere() {
        return outer.get();
      })();
    });
    expect(byName(infos, 'outer')).toMatchObject({ state: 'running', parent: 'root' });
    expect(byName(infos, 'outer').stack).toMatch(/outerBody/);
    expect(byName(infos, 'inner')).toMatchObject({ state: 'parked', parent: 'outer', waitingOn: 'sleep(60000)' });
    const root = infos[0];
    expect(root.state).toBe('parked');
    expect(root.waitingOn).toMatch(/join/);
    expect(root.stack?.split('\n')[0]).toMatch(/rootWaitsHere/);
  });

  it('shows a raw greenlet suspended in a switch, and a woken greenlet as ready', async () => {
    const infos = await onLoop(() => {
      const main = getcurrent();
      const raw = greenlet(function rawBody() {
        main.switch('paused');
        return 'done';
      });
      expect(raw.switch()).toBe('paused');
      const queue = new Queue<number>();
      const woken = spawn(() => queue.get());
      woken.name = 'woken';
      const putter = spawn(() => {
        queue.put(1); // wakes the getter, which runs once the Hub gets the baton back
        return runInfo();
      });
      const seen = putter.get();
      expect(raw.switch()).toBe('done');
      joinall([woken]);
      return seen;
    });
    const raw = infos.find((i) => i.name.startsWith('RawGreenlet-'));
    expect(raw).toMatchObject({ state: 'parked', waitingOn: 'switch()' });
    expect(raw?.stack).toMatch(/rawBody/);
    expect(byName(infos, 'woken').state).toBe('ready');
  });

  it('drops greenlets once they are dead', async () => {
    const names = await onLoop(() => {
      const g = spawn(() => 1);
      g.name = 'short-lived';
      joinall([g]);
      return runInfo().map((i) => i.name);
    });
    expect(names).not.toContain('short-lived');
  });
});

describe('printRunInfo', () => {
  it('prints a tree of who spawned whom, with stacks', async () => {
    let text = '';
    await onLoop(() => {
      const parent = spawn(function parentBody() {
        const child = spawn(function childBody() {
          sleep(60_000);
        });
        child.name = 'child';
        sleep(60_000);
      });
      parent.name = 'parent';
      const sibling = spawnLater(60_000, () => 0);
      sibling.name = 'sibling';
      sleep(20);
      printRunInfo({ write: (chunk: string) => (text += chunk) });
      for (const info of runInfo()) if (info.name !== 'root') (info.greenlet as { kill(): void }).kill();
    });
    const lines = text.split('\n');
    expect(lines[0]).toBe('root: running');
    expect(text).toMatch(/\n \+--- parent: parked in sleep\(60000\)\n/);
    expect(text).toMatch(/\n \|     \+--- child: parked in sleep\(60000\)\n/);
    expect(text).toMatch(/\n \+--- sibling: not started\n/);
    expect(text).toMatch(/ \|     :      at .*parentBody/);
    expect(text).toMatch(/childBody/);
  });

  it('formatRunInfo hangs greenlets whose spawner finished from the root', async () => {
    const text = await onLoop(() => {
      const gate = new Event();
      const spawner = spawn(() => {
        const orphan = spawn(() => gate.wait());
        orphan.name = 'orphan';
      });
      spawner.name = 'spawner';
      joinall([spawner]);
      sleep(5);
      const out = formatRunInfo();
      gate.set();
      sleep(5);
      return out;
    });
    expect(text).toMatch(/\n \+--- orphan: parked in Event\.wait\(\)\n {7}:    Spawned by: spawner \(finished\)\n/);
  });

  it('checks its stream argument', () => {
    expect(() => printRunInfo(42 as unknown as NodeJS.WritableStream)).toThrow(/stream must have a write\(text\) method, got 42/);
  });
});

describe('patched calls', () => {
  it('a greenlet in a patched execSync waits on child_process.execSync(), its stack at the call', async () => {
    const outcome = await runScript('observe-runinfo.js', ['execsync']);
    expectNoCrash(outcome);
    expect(outcome.code).toBe(0);
    const info = JSON.parse(outcome.stdout) as { state: string; waitingOn: string; stack: string; result: string };
    expect(info).toMatchObject({ state: 'parked', waitingOn: 'child_process.execSync()', result: 'built' });
    expect(info.stack).toMatch(/runsTheBuild/);
  });
});

describe('spawn stacks', () => {
  it('with TINYEVENT_SPAWN_STACKS=1 each greenlet says where it was spawned', async () => {
    const outcome = await runScript('observe-runinfo.js', [], { env: { TINYEVENT_SPAWN_STACKS: '1' } });
    expectNoCrash(outcome);
    expect(outcome.code).toBe(0);
    expect(outcome.stdout).toMatch(/\+--- worker: parked in sleep\(60000\)\n/);
    expect(outcome.stdout).toMatch(/Spawned at:\n.*at spawnTheWorker \(.*observe-runinfo\.js:\d+:\d+\)/);
  });

  it('without it, no spawn stacks', async () => {
    const outcome = await runScript('observe-runinfo.js', [], { env: { TINYEVENT_SPAWN_STACKS: '' } });
    expect(outcome.code).toBe(0);
    expect(outcome.stdout).toContain('worker: parked');
    expect(outcome.stdout).not.toContain('Spawned at');
  });
});
