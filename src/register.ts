// tinyevent/register: patch before the application loads.
//   node -r tinyevent/register app.js   |   node --import tinyevent/register app.mjs
//   require('tinyevent/register')
// TINYEVENT_PATCH=fs,child_process limits the targets (names: fs,
// child_process, timers, net, deasync, zlib, crypto, callbacks). By default every target is
// patched, callbacks included: plain timer callbacks run in greenlets of their
// own, so callbacks that block overlap (see patches/callbacks.ts).
// UV_THREADPOOL_SIZE defaults to 64 (patches/threadpool.ts).
// First, before anything can start libuv's thread pool (loading the engine may).
import { sizeThreadPool } from './patches/threadpool';
sizeThreadPool();
// eslint-disable-next-line import/first
import { patchTargets, TARGETS } from './monkey';
import './observe/env';

function requested(): readonly string[] {
  const raw = process.env.TINYEVENT_PATCH;
  if (raw === undefined || raw.trim() === '' || raw.trim() === 'all') return TARGETS;
  const names = raw.split(',').map((name) => name.trim()).filter((name) => name !== '');
  const unknown = names.filter((name) => !(TARGETS as readonly string[]).includes(name));
  if (unknown.length > 0) {
    throw new TypeError(`TINYEVENT_PATCH: unknown target ${unknown.map((n) => JSON.stringify(n)).join(', ')}; known targets: ${TARGETS.join(', ')}`);
  }
  return names;
}

patchTargets(requested());
