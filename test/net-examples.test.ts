// Runs each network example (the built package: `npm run build` first) and talks to it.
import { ChildProcess, spawn as spawnProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';

import { joinall, sleep, spawn } from '../src/index';
import { request } from '../src/http';
import { connect } from '../src/net';

interface Running {
  child: ChildProcess;
  port: number;
  output: () => string;
  exit: () => number | null | undefined;
}

function start(example: string, args: string[] = [], env: NodeJS.ProcessEnv = process.env): Running {
  const child = spawnProcess(process.execPath, [path.join(__dirname, '..', 'examples', example), '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'], env });
  let output = '';
  let code: number | null | undefined;
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  child.on('exit', (c) => (code = c));
  for (let waited = 0; !/listening on [\d.]+:\d+/.test(output) && code === undefined && waited < 10_000; waited += 10) sleep(10);
  const match = /listening on [\d.]+:(\d+)/.exec(output);
  if (!match) throw new Error(`${example} did not start:\n${output}`);
  return { child, port: Number(match[1]), output: () => output, exit: () => code };
}

function stop(running: Running): number | null | undefined {
  running.child.kill('SIGTERM');
  for (let waited = 0; running.exit() === undefined && waited < 10_000; waited += 10) sleep(10);
  return running.exit();
}

describe('examples', () => {
  it('echo-server.js echoes for several clients at once, and stops on SIGTERM', () => {
    const server = start('echo-server.js');
    const clients = [1, 2, 3].map((i) =>
      spawn(() => {
        const socket = connect(server.port, '127.0.0.1', { timeout: 5000 });
        const lines: string[] = [];
        for (let n = 0; n < 3; n++) {
          socket.sendall(`client ${i} line ${n}\n`);
          lines.push(socket.readline().toString());
        }
        socket.close();
        return lines.join('');
      }),
    );
    joinall(clients, { raiseError: true });
    expect(clients[1].value).toBe('client 2 line 0\nclient 2 line 1\nclient 2 line 2\n');
    expect(stop(server)).toBe(0);
    expect(server.output()).toMatch(/connection from 127\.0\.0\.1:\d+/);
    expect(server.output()).toMatch(/echo server stopped/);
  });

  it('http-server.js serves hello, echo, a blocking route and a failing one, and stops on SIGTERM', () => {
    const server = start('http-server.js');
    const base = `http://127.0.0.1:${server.port}`;
    const slow = spawn(() => request(`${base}/slow`, { timeout: 5000 }).text());
    expect(request(`${base}/`, { timeout: 5000 }).text()).toBe('hello from a greenlet\n');
    expect(slow.dead).toBe(false); // the slow handler did not hold up the other request
    expect(request(`${base}/echo`, { method: 'POST', body: 'ping', timeout: 5000 }).text()).toBe('ping');
    expect(request(`${base}/fail`, { timeout: 5000 }).status).toBe(500);
    expect(slow.get()).toBe('slept 500 ms\n');
    expect(stop(server)).toBe(0);
    expect(server.output()).toMatch(/failed with Error/);
    expect(server.output()).toMatch(/http server stopped/);
  });

  it('cluster-http.js serves from every worker, each pinned to a CPU of its own when pinning, and stops on SIGTERM', () => {
    const server = start('cluster-http.js', ['2'], { ...process.env, TINYEVENT_CPU: 'shared' });
    const base = `http://127.0.0.1:${server.port}`;
    const slow = spawn(() => request(`${base}/slow`, { timeout: 5000 }).text());
    const seen = new Map<string, string>();
    // A fresh connection each time: the primary hands connections out round robin.
    for (let i = 0; i < 20 && seen.size < 2; i++) {
      const line = request(`${base}/cpus`, { timeout: 5000, headers: { connection: 'close' } }).text();
      const match = /^worker (\d+) cpus (\S+)$/.exec(line.trim());
      expect(match, line).not.toBeNull();
      seen.set(match![1], match![2]);
    }
    expect([...seen.keys()].sort()).toEqual(['1', '2']);
    expect(seen.get('1')).toMatch(/^\d+$/); // one CPU each ...
    if (availableParallelism() > 1) expect(seen.get('1')).not.toBe(seen.get('2')); // ... and not the same one
    expect(slow.dead).toBe(false); // the slow request held up nothing
    expect(slow.get()).toMatch(/^hello from worker [12] /);
    expect(stop(server)).toBe(0);
    expect(server.output()).toMatch(/cluster stopped/);
  });
});
