#!/usr/bin/env node
// UDP echo on loopback, each server in its own process, the load generator in
// another: 50 clients, each sending a 64-byte datagram and waiting for its
// echo, 2,000 times (a datagram lost on the way is resent after 200 ms).
//   tinyevent DatagramServer (a greenlet per datagram, handler calls sendto)
//   tinyevent DatagramSocket (one greenlet: recvfrom / sendto loop)
//   Node's dgram, async ('message' → send): the baseline. Target: DatagramServer >= 0.6x.
// Run: npm run build && node bench/udp.bench.js
'use strict';
const { spawn } = require('child_process');
const dgram = require('dgram');
const path = require('path');

const { HOST, announcePort: announce, startServer, stopServer } = require('./util');
const CLIENTS = Number(process.env.BENCH_UDP_CLIENTS ?? 50);
const ROUNDS = Number(process.env.BENCH_UDP_ROUNDS ?? 2000);

const servers = {
  'tinyevent DatagramServer': () => {
    const { DatagramServer } = require(path.join(__dirname, '..', 'dist', 'cjs', 'net.js'));
    const server = new DatagramServer({ host: HOST, port: 0 }, (data, peer, srv) => srv.sendto(data, peer.port, peer.address));
    server.start();
    announce(server.address.port);
    server.serveForever();
  },
  'tinyevent DatagramSocket loop': () => {
    const { udp } = require(path.join(__dirname, '..', 'dist', 'cjs', 'net.js'));
    const socket = udp();
    socket.bind(0, HOST);
    announce(socket.address().port);
    for (;;) {
      const d = socket.recvfrom();
      socket.sendto(d.data, d.port, d.address);
    }
  },
  'node dgram async echo': () => {
    const socket = dgram.createSocket('udp4');
    socket.on('message', (msg, rinfo) => socket.send(msg, rinfo.port, rinfo.address));
    socket.bind(0, HOST, () => announce(socket.address().port));
  },
};

// The load generator: async dgram clients, each one datagram in flight.
function load(port) {
  const payload = Buffer.alloc(64, 'u');
  let done = 0;
  let resent = 0;
  const t = process.hrtime.bigint();
  for (let c = 0; c < CLIENTS; c++) {
    const socket = dgram.createSocket('udp4');
    let left = ROUNDS;
    let timer;
    const send = () => {
      socket.send(payload, port, HOST);
      clearTimeout(timer);
      timer = setTimeout(() => {
        resent++;
        send();
      }, 200);
    };
    socket.on('message', () => {
      if (--left > 0) return send();
      clearTimeout(timer);
      socket.close();
      if (++done === CLIENTS) {
        const seconds = Number(process.hrtime.bigint() - t) / 1e9;
        process.stdout.write(JSON.stringify({ roundtrips_per_s: (CLIENTS * ROUNDS) / seconds, resent }) + '\n');
      }
    });
    socket.bind(0, HOST, send);
  }
}

function runLoad(port) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [__filename, '--load', String(port)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`load generator failed (${code})`))));
  });
}

async function echoRun(name) {
  const server = await startServer(process.execPath, [__filename, '--serve', name], { name });
  try {
    return await runLoad(server.port);
  } finally {
    await stopServer(server);
  }
}

const fmt = (n) => Math.round(n).toLocaleString('en-US');

async function main() {
  console.log(`UDP echo, ${CLIENTS} clients x ${ROUNDS} round trips of 64 bytes (round trips/s, best of 2 alternated):`);
  const names = Object.keys(servers);
  const best = Object.fromEntries(names.map((n) => [n, { roundtrips_per_s: 0, resent: 0 }]));
  for (let r = 0; r < 2; r++) {
    for (const name of names) {
      const result = await echoRun(name);
      if (result.roundtrips_per_s > best[name].roundtrips_per_s) best[name] = result;
    }
  }
  const base = best['node dgram async echo'].roundtrips_per_s;
  for (const name of names) {
    const { roundtrips_per_s: rate, resent } = best[name];
    console.log(`  ${name.padEnd(32)} ${fmt(rate).padStart(9)}  ${(rate / base).toFixed(2)}x async${resent ? `  (${resent} resent)` : ''}`);
  }
  const ratio = best['tinyevent DatagramServer'].roundtrips_per_s / base;
  console.log(`  target: DatagramServer >= 0.60x async (${ratio >= 0.6 ? 'met' : `missed: ${ratio.toFixed(2)}x`})`);
}

if (process.argv[2] === '--serve') {
  servers[process.argv[3]]();
} else if (process.argv[2] === '--load') {
  load(Number(process.argv[3]));
} else {
  main().catch((error) => {
    console.error(error);
    process.exitCode = 1;
  });
}
