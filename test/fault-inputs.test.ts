// Inputs and faults that used to hang, lose data or fail far from the call:
// huge durations, reused send buffers, throwing comparisons, unprintable
// thrown values, waits on oneself, bad statuses and addresses.
import * as http from 'node:http';
import * as nodeNet from 'node:net';

import { describe, expect, it } from 'vitest';

import { getcurrent, RootGreenlet } from '../src/greenlet';
import { close as httpClose, createServer, HttpError, listen as httpListen, request } from '../src/http';
import { Event, joinall, PriorityQueue, Queue, sleep, spawn, Timeout, wait, iwait, AsyncResult } from '../src/index';
import { patchTargets } from '../src/monkey';
import { connect, gethostbyname, listen, Listener, Socket, StreamServer } from '../src/net';
import { engine } from '../src/core/native';
import { collectFailures } from './core-util';

describe('durations that mean "practically forever"', () => {
  it('never arm the native timer for 0 ms (Number.MAX_VALUE, 2^64, 2^70)', () => {
    const armed: number[] = [];
    const original = engine.armTimer;
    engine.armTimer = (ms: number) => {
      armed.push(ms);
      original.call(engine, ms);
    };
    try {
      const greenlets = [
        spawn(() => sleep(Number.MAX_VALUE)),
        spawn(() => new Event().wait(2 ** 64)),
        spawn(() => new Queue().get({ timeout: 2 ** 70 })),
      ];
      sleep(20);
      expect(greenlets.map((g) => g.dead)).toEqual([false, false, false]);
      // The cast that turned these into 0 made the timer fire in a loop (a spin).
      expect(armed).toContain(2 ** 31 - 1);
      expect(armed.filter((ms) => ms === 0).length).toBeLessThan(3);
      expect(Math.max(...armed)).toBe(2 ** 31 - 1);
      for (const g of greenlets) g.kill();
    } finally {
      engine.armTimer = original;
    }
  });
});

describe('sendall() and send() never send bytes changed after they returned', () => {
  it('one buffer reused for 100 values from a greenlet', () => {
    const listener = listen(0, '127.0.0.1');
    const { port } = listener.address() as nodeNet.AddressInfo;
    const reader = spawn(() => {
      const peer = listener.accept();
      const chunks: Buffer[] = [];
      for (let chunk = peer.recv(65536); chunk.length > 0; chunk = peer.recv(65536)) chunks.push(chunk);
      peer.close();
      return Buffer.concat(chunks);
    });
    const writer = spawn(() => {
      const socket = connect(port, '127.0.0.1');
      const buffer = Buffer.alloc(4);
      for (let i = 0; i < 100; i++) {
        buffer.writeUInt32BE(i);
        if (i % 2 === 0) socket.sendall(buffer);
        else expect(socket.send(buffer)).toBe(4);
      }
      socket.close();
    });
    joinall([writer, reader], { raiseError: true });
    listener.close();
    const got = reader.value as Buffer;
    expect(got.length).toBe(400);
    expect(Array.from({ length: 100 }, (_, i) => got.readUInt32BE(i * 4))).toEqual(Array.from({ length: 100 }, (_, i) => i));
  });
});

describe('a PriorityQueue put whose comparison throws changes nothing', () => {
  it('items are neither lost nor duplicated, and later gets work', () => {
    const poison = { poison: true };
    const q = new PriorityQueue<number | object>(Infinity, [], {
      compare: (a, b) => {
        if (a === poison || b === poison) throw new Error('cannot compare');
        return (a as number) - (b as number);
      },
    });
    for (const n of [5, 3, 8, 1, 9, 2]) q.put(n);
    expect(() => q.put(poison)).toThrow('cannot compare');
    expect(q.qsize()).toBe(6);
    expect(Array.from({ length: 6 }, () => q.get())).toEqual([1, 2, 3, 5, 8, 9]);
  });
});

describe('thrown values that cannot be printed', () => {
  const revoked = Proxy.revocable({}, {});
  revoked.revoke();
  const values: Array<[string, unknown]> = [
    ['Object.create(null)', Object.create(null)],
    ['a throwing toString', { toString: () => { throw new Error('no'); } }],
    ['a revoked Proxy', revoked.proxy],
  ];
  for (const [what, value] of values) {
    it(`${what}: the greenlet fails, joiners return, every link runs`, () => {
      let later = 0;
      const reports = collectFailures(() => {
        const g = spawn(() => {
          throw value;
        });
        g.link(() => {
          throw value;
        });
        g.link(() => void later++);
        expect(joinall([g], { timeout: 2000 })).toEqual([g]);
        sleep(5);
        expect(g.successful()).toBe(false);
        expect(g.exception).toBe(value);
      });
      expect(reports).toHaveLength(1);
      expect(later).toBe(1);
    });
  }
});

describe('waiting on the same object twice, or on oneself', () => {
  it('wait() and iwait() with one Event twice return when it is set', () => {
    const event = new Event();
    const result = new AsyncResult<number>();
    spawn(() => {
      event.set();
      result.set(1);
    });
    expect(wait([event, event, result, result], { timeout: 2000 })).toEqual([event, result]);
    expect(Array.from(iwait([event, event], { timeout: 2000 }))).toEqual([event]);
  });

  it('joinall([getcurrent()]) and wait([getcurrent()]) in a greenlet are a RangeError', () => {
    const g = spawn(() => {
      const self = getcurrent() as never;
      expect(() => joinall([self])).toThrow(RangeError);
      expect(() => wait([self])).toThrow(/cannot wait for itself/);
      return 'ok';
    });
    expect(g.get()).toBe('ok');
  });

  it('iwait() checks its arguments at the call', () => {
    expect(() => iwait(5 as never)).toThrow(TypeError);
    expect(() => iwait([], { timeout: -1 })).toThrow(RangeError);
  });
});

describe('Timeout exceptions', () => {
  it('a function that is not an Error class is a TypeError at the call', () => {
    expect(() => new Timeout(10, (() => new Error('x')) as never)).toThrow(TypeError);
    expect(() => new Timeout(10, function plain() {} as never)).toThrow(TypeError);
  });

  it('an Error class is constructed; one whose constructor throws still ends the wait', () => {
    class Late extends Error {}
    expect(() => Timeout.run(5, () => sleep(2000), Late)).toThrow(Late);
    class Broken extends Error {
      constructor() {
        super();
        throw new SyntaxError('broken');
      }
    }
    expect(() => Timeout.run(5, () => sleep(2000), Broken)).toThrow(SyntaxError);
  });
});

describe('HTTP handlers', () => {
  it('HttpError with a status Node cannot send is a RangeError (or TypeError) in the constructor', () => {
    for (const status of [0, 99, 1000, 200.5, NaN]) expect(() => new HttpError(status)).toThrow(RangeError);
    expect(() => new HttpError('abc' as never)).toThrow(TypeError);
  });

  it('whatever a handler throws, the client gets an answer', () => {
    class Weird extends HttpError {
      override get status(): number {
        return 5; // a subclass Node refuses
      }
    }
    const server = createServer(() => {
      throw new Weird(500);
    });
    httpListen(server, 0, '127.0.0.1');
    const { port } = server.address() as nodeNet.AddressInfo;
    try {
      collectFailures(() => expect(request(`http://127.0.0.1:${port}/`, { timeout: 5000 }).status).toBe(500));
    } finally {
      httpClose(server);
    }
  });

  it('requestTimeout shorter than the default headersTimeout is accepted, as plain Node accepts it', () => {
    const server = createServer(() => undefined, { requestTimeout: 1000 });
    expect(server.requestTimeout).toBe(1000);
    expect(server.headersTimeout).toBeLessThanOrEqual(1000);
  });

  it('bad methods, servers and ports are TypeErrors naming the value', () => {
    expect(() => request('http://127.0.0.1:1/', { method: 123 as never })).toThrow(/method must be a string, got 123/);
    expect(() => httpListen({} as never)).toThrow(TypeError);
    expect(() => httpClose(nodeNet.createServer() as never)).toThrow(TypeError);
    expect(() => httpListen(http.createServer(), Symbol('p') as never)).toThrow(TypeError);
  });
});

describe('listen addresses and backlogs', () => {
  it('empty, misspelt and mistyped addresses are rejected naming the value', () => {
    expect(() => listen({} as never)).toThrow(/needs a port/);
    expect(() => listen({ prot: 8080 } as never)).toThrow(/unknown key "prot"/);
    expect(() => new StreamServer({} as never, () => undefined)).toThrow(TypeError);
    expect(() => new StreamServer({ prot: 8080 } as never, () => undefined)).toThrow(/prot/);
    expect(() => new StreamServer('127.0.0.1:1e1', () => undefined)).toThrow(/1e1/);
    expect(() => new StreamServer('127.0.0.1:70000', () => undefined)).toThrow(RangeError);
    expect(() => new StreamServer(['127.0.0.1'] as never, () => undefined)).toThrow(TypeError);
  });

  it("gevent's [host, port] tuple listens there", () => {
    const server = new StreamServer(['127.0.0.1', 0], (socket) => socket.sendall('hi'));
    server.start();
    try {
      const { address, port } = server.address as nodeNet.AddressInfo;
      expect(address).toBe('127.0.0.1');
      const socket = connect(port, '127.0.0.1');
      expect(String(socket.recv(10))).toBe('hi');
      socket.close();
    } finally {
      server.stop();
    }
  });

  it('a Symbol, a BigInt or a throwing valueOf as backlog is an error at the call', () => {
    const bad = [Symbol('b'), 10n, { valueOf: () => { throw new Error('valueOf'); } }, -1, 1.5, NaN];
    for (const backlog of bad) {
      expect(() => listen({ port: 0, host: '127.0.0.1', backlog: backlog as never })).toThrow(backlog === -1 || backlog === 1.5 || Number.isNaN(backlog) ? RangeError : TypeError);
      expect(() => new StreamServer(0, () => undefined, { backlog: backlog as never })).toThrow();
    }
  });
});

describe('clear errors from the exported constructors and helpers', () => {
  it('Socket and Listener wrap Node objects only', () => {
    expect(() => new Socket({} as never)).toThrow(/Socket wraps a Node net.Socket/);
    expect(() => new Listener(5 as never, false, {})).toThrow(/Listener wraps a Node net.Server/);
  });

  it('new RootGreenlet() is rejected', () => {
    expect(() => new (RootGreenlet as unknown as new () => unknown)()).toThrow(TypeError);
  });

  it("gethostbyname('') is a TypeError, never null", () => {
    expect(() => gethostbyname('')).toThrow(TypeError);
  });

  it('patchTargets() with a non-array is a TypeError', () => {
    expect(() => patchTargets('fs' as never)).toThrow(/array/);
  });
});
