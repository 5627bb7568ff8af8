// The sync-bridge rules in-process (timers patch): one call at a time per
// bridge, answers to their own callers; a caller killed while it waits for the
// bridge, or whose wait times out, lets the next one through; waits on one
// location take turns; the patched postMessage and receiveMessageOnPort keep
// their names and undo with unpatchAll.
import * as path from 'node:path';
import { MessageChannel, MessagePort, Worker } from 'node:worker_threads';
import worker = require('node:worker_threads');
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { getOriginal, GreenletExit, joinall, patchTimers, sleep, spawn, unpatchAll } from '../src/index';
import { onLoop } from './monkey-util';

interface Bridge {
  call(id: string, ms: number, timeout?: number): string;
  close(): Promise<number>;
}

function makeBridge(): Bridge {
  const signal = new Int32Array(new SharedArrayBuffer(4));
  const { port1, port2 } = new MessageChannel();
  const w = new Worker(path.join(__dirname, '../fixtures/libs/bridge-worker.js'), { workerData: { replyPort: port2, signal }, transferList: [port2] });
  return {
    call(id, ms, timeout = 5000) {
      const seen = Atomics.load(signal, 0);
      w.postMessage({ id, ms });
      const status = Atomics.wait(signal, 0, seen, timeout);
      if (status === 'timed-out') return 'timed-out';
      const reply = worker.receiveMessageOnPort(port1);
      return reply === undefined ? 'no reply' : (reply.message as { value: string }).value;
    },
    close: () => w.terminate(),
  };
}

beforeAll(() => patchTimers());
afterAll(() => unpatchAll());

describe('sync bridges (timers patch)', () => {
  it('answers reach their own callers when the worker answers out of order', async () => {
    const bridge = makeBridge();
    const values = await onLoop(() => {
      const gs = [['a', 200], ['b', 100], ['c', 5]].map(([id, ms]) => spawn(() => bridge.call(id as string, ms as number)));
      joinall(gs);
      return gs.map((g) => g.value);
    });
    expect(values).toEqual(['reply to a', 'reply to b', 'reply to c']);
    await bridge.close();
  });

  it('other greenlets keep running while a call is in flight', async () => {
    const bridge = makeBridge();
    const seen = await onLoop(() => {
      const caller = spawn(() => bridge.call('slow', 1000));
      const ticker = spawn(() => {
        for (let i = 0; i < 5; i++) sleep(10);
        return caller.dead ? 'after the call' : 'during the call';
      });
      joinall([ticker, caller]);
      return [ticker.value, caller.value];
    });
    expect(seen).toEqual(['during the call', 'reply to slow']);
    await bridge.close();
  });

  it('a caller killed while it waits for the bridge, and one whose wait times out, let the next through', async () => {
    const bridge = makeBridge();
    const values = await onLoop(() => {
      const first = spawn(() => bridge.call('first', 150));
      const killed = spawn(() => bridge.call('killed', 10));
      const late = spawn(() => bridge.call('late', 10));
      sleep(20);
      killed.kill();
      joinall([first, late]);
      const timedOut = spawn(() => bridge.call('impatient', 300, 20)).get();
      return [first.value, killed.value instanceof GreenletExit, late.value, timedOut];
    });
    expect(values).toEqual(['reply to first', true, 'reply to late', 'timed-out']);
    await bridge.close();
  });

  it('greenlets waiting on one location take turns; a later one sees the changed value', () =>
    onLoop(() => {
      const cell = new Int32Array(new SharedArrayBuffer(4));
      const gs = [0, 1].map(() => spawn(() => Atomics.wait(cell, 0, 0, 2000)));
      spawn(() => {
        sleep(30);
        Atomics.store(cell, 0, 1);
        Atomics.notify(cell, 0, 1); // one waiter, as a library written for threads does
      });
      joinall(gs);
      expect(gs.map((g) => g.value)).toEqual(['ok', 'not-equal']);
    }));

  it('postMessage and receiveMessageOnPort keep their names; unpatchAll restores them', () => {
    const post = MessagePort.prototype.postMessage;
    const receive = worker.receiveMessageOnPort;
    expect(post.name).toBe('postMessage');
    expect(receive.name).toBe('receiveMessageOnPort');
    const originalPost = getOriginal('MessagePort.prototype', 'postMessage');
    const originalReceive = getOriginal('worker_threads', 'receiveMessageOnPort');
    expect(originalPost).not.toBe(post);
    expect(originalReceive).not.toBe(receive);
    unpatchAll();
    expect(MessagePort.prototype.postMessage).toBe(originalPost);
    expect(worker.receiveMessageOnPort).toBe(originalReceive);
    patchTimers();
    expect(MessagePort.prototype.postMessage).not.toBe(originalPost);
  });
});

describe('sync bridges: a worker also used asynchronously', () => {
  it('a post not followed by a wait does not hold the bridge', async () => {
    const signal = new Int32Array(new SharedArrayBuffer(4));
    const { port1, port2 } = new MessageChannel();
    const w = new Worker(path.join(__dirname, '../fixtures/libs/bridge-worker.js'), { workerData: { replyPort: port2, signal }, transferList: [port2] });
    const values = await onLoop(() => {
      const sync = (id: string): string => {
        const seen = Atomics.load(signal, 0);
        w.postMessage({ id, ms: 5 });
        Atomics.wait(signal, 0, seen, 5000);
        return (worker.receiveMessageOnPort(port1)?.message as { value: string } | undefined)?.value ?? 'no reply';
      };
      const first = spawn(() => sync('first')).get(); // the worker's port is now a known bridge
      spawn(() => w.postMessage({ id: 'async', ms: 5 })).join(); // fire and forget
      sleep(50);
      worker.receiveMessageOnPort(port1); // the async answer, read by nobody in particular
      const after = spawn(() => sync('after'));
      after.join(2000);
      return [first, after.dead ? after.value : 'stuck'];
    });
    expect(values).toEqual(['reply to first', 'reply to after']);
    await w.terminate();
  });
});
