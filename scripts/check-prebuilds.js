#!/usr/bin/env node
// Checks every prebuilt engine the package ships (prebuilds/linux-<arch>/
// tinyevent.abi<N>.glibc.node, one per supported Node line and arch):
// - the ELF machine is the arch the name says (x86-64, AArch64);
// - the glibc it needs is at most GLIBC_FLOOR (the highest GLIBC_x.y version
//   any symbol references), its libstdc++ at most GLIBCXX_FLOOR (RHEL 8's);
// - it registers as a module of that ABI (node_register_module_v<N>);
// - every other symbol it imports is exported by that Node binary
//   (when .cache/nodes has it: scripts/nodes.js).
// Prints one line per file; exits 1 if any check fails.
'use strict';
const { execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const { supportedMajors } = require('./nodes');

const root = path.join(__dirname, '..');
const GLIBC_FLOOR = '2.28';
const GLIBCXX_FLOOR = '3.4.25';
const CXXABI_FLOOR = '1.3.11';
const MACHINES = { x64: { code: 62, name: 'x86-64' }, arm64: { code: 183, name: 'AArch64' } };
const LIBS = /^(libc\.so\.6|libpthread\.so\.0|libm\.so\.6|libdl\.so\.2|ld-linux-x86-64\.so\.2|ld-linux-aarch64\.so\.1|libstdc\+\+\.so\.6|libgcc_s\.so\.1)$/;

const compare = (a, b) => {
  const [x, y] = [a.split('.').map(Number), b.split('.').map(Number)];
  for (let i = 0; i < Math.max(x.length, y.length); i++) if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) - (y[i] ?? 0);
  return 0;
};

function elfMachine(file) {
  const header = Buffer.alloc(20);
  const fd = fs.openSync(file, 'r');
  try {
    fs.readSync(fd, header, 0, 20, 0);
  } finally {
    fs.closeSync(fd);
  }
  if (header.readUInt32BE(0) !== 0x7f454c46) return { error: 'not an ELF file' };
  if (header[4] !== 2 || header[5] !== 1) return { error: 'not a 64-bit little-endian ELF' };
  return { code: header.readUInt16LE(18) };
}

/** The dynamic symbols: [{ name, version, defined }]. */
function dynamicSymbols(file) {
  const text = execFileSync('readelf', ['--dyn-syms', '--wide', file], { encoding: 'utf8', maxBuffer: 1 << 30 });
  const symbols = [];
  for (const line of text.split('\n')) {
    const cols = line.trim().split(/\s+/);
    if (cols.length < 8 || !/^\d+:$/.test(cols[0])) continue;
    const [name, version] = cols[7].split(/@+/);
    symbols.push({ name, version, defined: cols[6] !== 'UND', bind: cols[4] });
  }
  return symbols;
}

function needed(file) {
  const text = execFileSync('readelf', ['-d', '--wide', file], { encoding: 'utf8' });
  return [...text.matchAll(/\(NEEDED\)\s+Shared library: \[([^\]]+)\]/g)].map((m) => m[1]);
}

function nodeAbi(arch, major) {
  const header = path.join(root, '.cache', 'nodes', `${arch}-${major}`, 'include', 'node', 'node_version.h');
  if (!fs.existsSync(header)) return undefined;
  return /#define NODE_MODULE_VERSION (\d+)/.exec(fs.readFileSync(header, 'utf8'))[1];
}

function check(arch, major, file, abi) {
  const problems = [];
  const machine = elfMachine(file);
  if (machine.error) return { problems: [machine.error], summary: '' };
  if (machine.code !== MACHINES[arch].code) problems.push(`ELF machine ${machine.code}, expected ${MACHINES[arch].name} (${MACHINES[arch].code})`);
  const symbols = dynamicSymbols(file);
  const versions = (prefix) => [...new Set(symbols.map((s) => s.version).filter((v) => v && v.startsWith(prefix)).map((v) => v.slice(prefix.length)))].sort(compare);
  const glibc = versions('GLIBC_');
  const maxGlibc = glibc[glibc.length - 1] ?? 'none';
  if (glibc.length > 0 && compare(maxGlibc, GLIBC_FLOOR) > 0) {
    const over = symbols.filter((s) => s.version && s.version.startsWith('GLIBC_') && compare(s.version.slice(6), GLIBC_FLOOR) > 0);
    problems.push(`needs GLIBC_${maxGlibc} > ${GLIBC_FLOOR} (${over.map((s) => `${s.name}@${s.version}`).join(', ')})`);
  }
  const maxOf = (list) => list[list.length - 1];
  const glibcxx = maxOf(versions('GLIBCXX_'));
  const cxxabi = maxOf(versions('CXXABI_'));
  if (glibcxx && compare(glibcxx, GLIBCXX_FLOOR) > 0) problems.push(`needs GLIBCXX_${glibcxx} > ${GLIBCXX_FLOOR}`);
  if (cxxabi && compare(cxxabi, CXXABI_FLOOR) > 0) problems.push(`needs CXXABI_${cxxabi} > ${CXXABI_FLOOR}`);
  const libs = needed(file).filter((lib) => !LIBS.test(lib));
  if (libs.length > 0) problems.push(`needs libraries beyond glibc: ${libs.join(', ')}`);
  if (!symbols.some((s) => s.defined && s.name === `node_register_module_v${abi}`)) problems.push(`does not register as a module of ABI ${abi}`);
  let imports = 'Node binary not fetched: imports unchecked';
  const nodeBinary = path.join(root, '.cache', 'nodes', `${arch}-${major}`, 'bin', 'node');
  if (fs.existsSync(nodeBinary)) {
    const exported = new Set(dynamicSymbols(nodeBinary).filter((s) => s.defined).map((s) => s.name));
    const fromNode = symbols.filter((s) => !s.defined && !s.version && s.bind !== 'WEAK');
    const missing = fromNode.filter((s) => !exported.has(s.name)).map((s) => s.name);
    if (missing.length > 0) problems.push(`imports symbols Node ${major} does not export: ${missing.slice(0, 10).join(', ')}${missing.length > 10 ? ' ...' : ''}`);
    imports = `${fromNode.length} imports from Node ${major} all present`;
  }
  const cxxSummary = glibcxx ? `, max GLIBCXX_${glibcxx}` : '';
  return { problems, summary: `${MACHINES[arch].name}, max GLIBC_${maxGlibc}${cxxSummary}, ${imports}` };
}

function main() {
  let failed = false;
  for (const arch of Object.keys(MACHINES)) {
    for (const major of supportedMajors()) {
      const abi = nodeAbi(arch, major);
      if (abi === undefined) {
        console.log(`FAIL linux-${arch} Node ${major}: no headers in .cache/nodes (node scripts/nodes.js)`);
        failed = true;
        continue;
      }
      const file = path.join(root, 'prebuilds', `linux-${arch}`, `tinyevent.abi${abi}.glibc.node`);
      const name = path.relative(root, file);
      if (!fs.existsSync(file)) {
        console.log(`FAIL ${name}: missing (npm run prebuild)`);
        failed = true;
        continue;
      }
      const { problems, summary } = check(arch, major, file, abi);
      if (problems.length > 0) failed = true;
      console.log(`${problems.length > 0 ? 'FAIL' : 'ok  '} ${name}: ${problems.length > 0 ? problems.join('; ') : summary}`);
    }
  }
  if (failed) process.exit(1);
}

main();
