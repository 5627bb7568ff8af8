#!/usr/bin/env node
// What the observability tools cost when on, each beside the same run with them
// off, alternated in the same process (or servers started alternately):
//  - switch root <-> greenlet (µs/switch): off, monitor() on, startProfile() on;
//  - a CPU-bound greenlet workload (ms): off, profiler on;
//  - echo StreamServer (round trips/s) and http hello world (req/s): server
//    with TINYEVENT_MONITOR=100 vs without, then with TINYEVENT_CPU_PROF.
// Run: npm run build && node --expose-gc bench/observe.bench.js
'use strict';
const { spawn } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

// The shared echo load generator: beside the repository, or beside a worktree's parent.
const ECHO_LOAD = [path.join(__dirname, '..', '..', 'shared'), path.join(__dirname, '..', '..', '..', 'shared')]
  .map((dir) => path.join(dir, 'tools', 'echo-load.js'))
  .find((file) => fs.existsSync(file)) ?? path.join(__dirname, '..', '..', 'shared', 'tools', 'echo-load.js');
const AUTOCANNON = path.join(path.dirname(require.resolve('autocannon/package.json')), 'autocannon.js');
const HOST = '127.0.0.1';
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 9);

const now = () => Number(process.hrtime.bigint()) / 1e6;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
// In-process timings take the best run: other processes on the machine only ever add time.
const best = (xs) => Math.min(...xs);
const pct = (on, off, higherIsBetter) => {
  const cost = higherIsBetter ? (off - on) / off : (on - off) / off;
  return `${cost >= 0 ? '+' : ''}${(cost * 100).toFixed(1)}%`;
};

// ------------------------------------------------------------ in-process

function inProcess() {
  const te = require('..');
  const { greenlet, getcurrent } = require('../dist/cjs/greenlet.js');
  const switchBench = (rounds) => {
    const main = getcurrent();
    const peer = greenlet(() => {
      for (;;) main.switch();
    });
    peer.switch();
    const t0 = now();
    for (let i = 0; i < rounds; i++) peer.switch();
    return ((now() - t0) * 1e3) / (rounds * 2);
  };
  const crunch = () => {
    // 4 greenlets computing in slices, yielding between them.
    const gs = [];
    for (let g = 0; g < 4; g++) {
      gs.push(
        te.spawn(function crunchSlices() {
          let x = 0;
          for (let slice = 0; slice < 50; slice++) {
            for (let i = 0; i < 50000; i++) x += Math.sqrt(i + x);
            te.sleep(0);
          }
          return x;
        }),
      );
    }
    const t0 = now();
    te.joinall(gs);
    return now() - t0;
  };
  const modes = {
    off: { start() {}, stop() {} },
    monitor: {
      start() {
        this.h = te.monitor({ maxBlockingMs: 100, report: () => {} });
      },
      stop() {
        this.h.stop();
      },
    },
    profiler: {
      start() {
        te.startProfile();
      },
      stop() {
        te.stopProfile();
      },
    },
  };
  switchBench(20000);
  crunch();
  const sw = { off: [], monitor: [], profiler: [] };
  const cpu = { off: [], profiler: [] };
  for (let r = 0; r < ROUNDS; r++) {
    for (const name of Object.keys(modes)) {
      modes[name].start();
      sw[name].push(switchBench(50000));
      if (name in cpu) cpu[name].push(crunch());
      modes[name].stop();
    }
  }
  const s = Object.fromEntries(Object.entries(sw).map(([k, v]) => [k, best(v)]));
  const c = Object.fromEntries(Object.entries(cpu).map(([k, v]) => [k, best(v)]));
  console.log(`switch root <-> greenlet (µs/switch, best of ${ROUNDS}):`);
  console.log(`  off ${s.off.toFixed(3)}   monitor ${s.monitor.toFixed(3)} (${pct(s.monitor, s.off)})   profiler ${s.profiler.toFixed(3)} (${pct(s.profiler, s.off)})`);
  console.log(`4 greenlets computing, 200 slices (ms, best of ${ROUNDS}):`);
  console.log(`  off ${c.off.toFixed(1)}   profiler ${c.profiler.toFixed(1)} (${pct(c.profiler, c.off)})`);
}

// ------------------------------------------------------------ servers

const servers = {
  echo: () => {
    const { StreamServer } = require('..' + '/dist/cjs/net.js');
    const server = new StreamServer({ host: HOST, port: 0 }, (socket) => {
      for (;;) {
        const data = socket.recv(65536);
        if (data.length === 0) return;
        socket.sendall(data);
      }
    });
    server.start();
    process.stdout.write(`PORT ${server.address.port}\n`);
    server.serveForever();
  },
  http: () => {
    const http = require('..' + '/dist/cjs/http.js');
    const server = http.createServer((req, res) => {
      res.setHeader('content-type', 'text/plain');
      res.end('hello world');
    });
    process.stdout.write(`PORT ${http.listen(server, 0, HOST).port}\n`);
  },
};

function startServer(name, env) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [__filename, '--serve', name], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ...env } });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const match = /PORT (\d+)/.exec(out);
      if (match) resolve({ child, port: Number(match[1]) });
    });
    child.on('exit', (code) => reject(new Error(`${name} exited (${code}) before listening`)));
  });
}

function stopServer({ child }) {
  return new Promise((resolve) => {
    child.removeAllListeners('exit');
    child.on('exit', resolve);
    child.kill('SIGTERM');
  });
}

function run(args) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`${args.join(' ')} failed (${code}): ${err}`))));
  });
}

async function measure(name, env) {
  const server = await startServer(name, env);
  try {
    if (name === 'echo') {
      const result = JSON.parse(await run([ECHO_LOAD, String(server.port), '100', '1000', '64']));
      if (result.failed) throw new Error(`${result.failed} connections failed`);
      return result.roundtrips_per_s;
    }
    const result = JSON.parse(await run([AUTOCANNON, '-j', '-c', '100', '-d', '3', `http://${HOST}:${server.port}/`]));
    if (result.errors || result.non2xx) throw new Error(`http: ${result.errors} errors, ${result.non2xx} non-2xx`);
    return result.requests.average;
  } finally {
    await stopServer(server);
  }
}

async function serversBench() {
  const prof = path.join(os.tmpdir(), `tinyevent-bench-${process.pid}.cpuprofile`);
  const variants = { off: {}, monitor: { TINYEVENT_MONITOR: '100' }, profiler: { TINYEVENT_CPU_PROF: prof } };
  for (const name of ['echo', 'http']) {
    if (name === 'echo' && !fs.existsSync(ECHO_LOAD)) {
      console.log(`echo skipped: ${ECHO_LOAD} is missing`);
      continue;
    }
    const figures = { off: [], monitor: [], profiler: [] };
    const rounds = name === 'echo' ? ROUNDS : Math.max(3, Math.ceil(ROUNDS / 2));
    for (let r = 0; r < rounds; r++) {
      for (const [variant, env] of Object.entries(variants)) figures[variant].push(await measure(name, env));
    }
    const m = Object.fromEntries(Object.entries(figures).map(([k, v]) => [k, median(v)]));
    const unit = name === 'echo' ? 'round trips/s, 100 conns x 1000 x 64 B' : 'req/s, autocannon -c 100 -d 3';
    console.log(`${name} (${unit}, median of ${rounds}):`);
    console.log(
      `  off ${Math.round(m.off)}   TINYEVENT_MONITOR=100 ${Math.round(m.monitor)} (${pct(m.monitor, m.off, true)})   ` +
        `TINYEVENT_CPU_PROF ${Math.round(m.profiler)} (${pct(m.profiler, m.off, true)})`,
    );
  }
  fs.rmSync(prof, { force: true });
}

if (process.argv[2] === '--serve') {
  process.on('SIGTERM', () => process.exit(0));
  servers[process.argv[3]]();
} else {
  // BENCH_PART=servers or =process runs one half.
  if (process.env.BENCH_PART !== 'servers') inProcess();
  if (process.env.BENCH_PART === 'process') return;
  serversBench().catch((error) => {
    console.error(error);
    process.exitCode = 1;
  });
}
