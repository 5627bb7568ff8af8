// What the server benchmarks share: where the load generators are, starting a
// server in its own process and learning its port, stopping it, running a
// load generator to its end, the servers more than one benchmark measures, and
// the raw switch they time.
'use strict';
const { spawn } = require('child_process');
const fs = require('fs');
const path = require('path');

const HOST = '127.0.0.1';

/** The shared echo load generator: ../shared beside the repository, or beside a worktree's parent (ECHO_LOAD overrides). */
const ECHO_LOAD =
  process.env.ECHO_LOAD ??
  [path.join(__dirname, '..', '..', 'shared'), path.join(__dirname, '..', '..', '..', 'shared')]
    .map((dir) => path.join(dir, 'tools', 'echo-load.js'))
    .find((file) => fs.existsSync(file)) ??
  path.join(__dirname, '..', '..', 'shared', 'tools', 'echo-load.js');

const AUTOCANNON = path.join(path.dirname(require.resolve('autocannon/package.json')), 'autocannon.js');

/**
 * Starts `command args` and resolves with { child, port } once it prints
 * "PORT n"; rejects if it exits first. `stdin: 'pipe'` keeps a pipe to it.
 */
function startServer(command, args, { env, stdin = 'ignore', name = args.join(' ') } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: [stdin, 'pipe', 'inherit'], env: env === undefined ? process.env : { ...process.env, ...env } });
    let out = '';
    const onData = (d) => {
      out += d;
      const match = /PORT (\d+)/.exec(out);
      if (!match) return;
      child.stdout.removeListener('data', onData);
      resolve({ child, port: Number(match[1]) });
    };
    child.stdout.on('data', onData);
    child.on('exit', (code) => reject(new Error(`${name} exited (${code}) before listening`)));
  });
}

/** Stops a server from startServer and resolves once it has exited. */
function stopServer({ child }, signal = 'SIGKILL') {
  return new Promise((resolve) => {
    child.removeAllListeners('exit');
    child.on('exit', resolve);
    child.kill(signal);
  });
}

/** Runs `node args` to its end; resolves with its stdout, rejects (with its stderr) if it fails. */
function runNode(args) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`${args.join(' ')} failed (${code}): ${err}`))));
  });
}

/** tinyevent's echo StreamServer (blocking recv/sendall); `announce(port)` once it listens. Never returns. */
function serveTinyeventEcho(announce) {
  const { StreamServer } = require(path.join(__dirname, '..', 'dist', 'cjs', 'net.js'));
  const server = new StreamServer({ host: HOST, port: 0 }, (socket) => {
    for (;;) {
      const data = socket.recv(65536);
      if (data.length === 0) return;
      socket.sendall(data);
    }
  });
  server.start();
  announce(server.address.port);
  server.serveForever();
}

/** tinyevent's http.createServer hello world; `announce(port)` once it listens. */
function serveTinyeventHttp(announce) {
  const http = require(path.join(__dirname, '..', 'dist', 'cjs', 'http.js'));
  const server = http.createServer((req, res) => {
    res.setHeader('content-type', 'text/plain');
    res.end('hello world');
  });
  announce(http.listen(server, 0, HOST).port);
}

/** µs per raw switch between the current greenlet and a raw greenlet that switches straight back (`rounds` there-and-backs). */
function rawSwitchUs(rounds) {
  const { greenlet, getcurrent } = require(path.join(__dirname, '..', 'dist', 'cjs', 'greenlet.js'));
  const main = getcurrent();
  const peer = greenlet(() => {
    for (;;) main.switch();
  });
  peer.switch(); // start it; it switches straight back
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < rounds; i++) peer.switch();
  return Number(process.hrtime.bigint() - t0) / 1e3 / (rounds * 2);
}

/** Prints the line startServer waits for. */
const announcePort = (port) => process.stdout.write(`PORT ${port}\n`);

module.exports = { HOST, ECHO_LOAD, AUTOCANNON, startServer, stopServer, runNode, serveTinyeventEcho, serveTinyeventHttp, announcePort, rawSwitchUs };
