#!/usr/bin/env node
// What the observability tools cost when on, each beside the same run with them
// off, alternated in the same process (or servers started alternately):
//  - switch root <-> greenlet (µs/switch): off, monitor() on, startProfile() on;
//  - a CPU-bound greenlet workload (ms): off, profiler on;
//  - echo StreamServer (round trips/s) and http hello world (req/s): server
//    with TINYEVENT_MONITOR=100 vs without, then with TINYEVENT_CPU_PROF.
// Run: npm run build && node --expose-gc bench/observe.bench.js
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { HOST, ECHO_LOAD, AUTOCANNON, startServer, stopServer, runNode, serveTinyeventEcho, serveTinyeventHttp, announcePort, rawSwitchUs } = require('./util');
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
  const switchBench = rawSwitchUs;
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
  echo: () => serveTinyeventEcho(announcePort),
  http: () => serveTinyeventHttp(announcePort),
};

async function measure(name, env) {
  const server = await startServer(process.execPath, [__filename, '--serve', name], { env, name });
  try {
    if (name === 'echo') {
      const result = JSON.parse(await runNode([ECHO_LOAD, String(server.port), '100', '1000', '64']));
      if (result.failed) throw new Error(`${result.failed} connections failed`);
      return result.roundtrips_per_s;
    }
    const result = JSON.parse(await runNode([AUTOCANNON, '-j', '-c', '100', '-d', '3', `http://${HOST}:${server.port}/`]));
    if (result.errors || result.non2xx) throw new Error(`http: ${result.errors} errors, ${result.non2xx} non-2xx`);
    return result.requests.average;
  } finally {
    await stopServer(server, 'SIGTERM');
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
