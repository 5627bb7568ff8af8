// crypto: every function whose asynchronous form runs on libuv's thread pool
// (the *Sync functions, and randomBytes/sign/verify called without a
// callback) runs that form and blocks only the calling greenlet. Both forms
// are one CryptoJob in Node (kCryptoJobSync vs kCryptoJobAsync), validated
// the same way when the job is made, so results and errors match.
import crypto = require('node:crypto');
import { syncBuiltinESMExports } from 'node:module';

import { dressAs, isTargetPatched, markPatched, patchItem, restoreModule } from './registry';
import { cooperativeVersion, Fn, Plan, positional, withCallback } from './twin';

const cryptoTable = crypto as unknown as Record<string, Fn | undefined>;
const twin = (name: string) => (): Fn => cryptoTable[name] as Fn;

/**
 * Below this many bytes randomBytes/randomFillSync run inline: filling 64 KiB
 * takes about as long as a round trip through the thread pool (~50 µs), so
 * yielding would only add latency to the common small calls (ids, nonces).
 */
export const INLINE_RANDOM_BYTES = 64 * 1024;

/** Functions with an async form left alone, with the reason (the completeness test reads this). */
export const CRYPTO_LEFT_ALONE: Readonly<Record<string, string>> = {
  randomInt: 'draws from a cache of random bytes on the main thread; its callback form does the same, so there is nothing to move off the Hub',
  randomUUID: 'no asynchronous form; draws from a cached random buffer',
  getRandomValues: 'Web Crypto API, synchronous by specification, at most 64 KiB per call',
  diffieHellman: 'no callback form before Node 23.11',
  pseudoRandomBytes: 'deprecated alias of randomBytes (DEP0115): keeps the original',
  prng: 'deprecated alias of randomBytes (DEP0115): keeps the original',
  rng: 'deprecated alias of randomBytes (DEP0115): keeps the original',
};

function byteCount(value: unknown): number {
  if (ArrayBuffer.isView(value)) return value.byteLength;
  if (value instanceof ArrayBuffer || value instanceof SharedArrayBuffer) return value.byteLength;
  return typeof value === 'number' ? value : Infinity;
}

const randomBytesPlan: Plan = (args) => {
  if (typeof args[0] === 'number' && args[0] < INLINE_RANDOM_BYTES) return undefined;
  return withCallback(twin('randomBytes'), 1)(args);
};

const randomFillPlan: Plan = (args) => {
  const size = typeof args[2] === 'number' ? args[2] : byteCount(args[0]) - (typeof args[1] === 'number' ? args[1] : 0);
  if (size < INLINE_RANDOM_BYTES) return undefined;
  return withCallback(twin('randomFill'), 3)(args);
};

const keyPairPlan: Plan = (args) => (callback) =>
  void twin('generateKeyPair')()(...positional(args, 2), (error: unknown, publicKey: unknown, privateKey: unknown) =>
    error ? callback(error) : callback(null, { publicKey, privateKey }),
  );

/** Sync function → how it runs asynchronously. Arity: how many arguments the sync form reads. */
const SYNC_PLANS: Record<string, Plan> = {
  pbkdf2Sync: withCallback(twin('pbkdf2'), 5),
  scryptSync: withCallback(twin('scrypt'), 4),
  hkdfSync: withCallback(twin('hkdf'), 5),
  argon2Sync: withCallback(twin('argon2'), 2), // Node 24+
  generateKeyPairSync: keyPairPlan,
  generateKeySync: withCallback(twin('generateKey'), 2),
  generatePrimeSync: withCallback(twin('generatePrime'), 2),
  checkPrimeSync: withCallback(twin('checkPrime'), 2),
  randomFillSync: randomFillPlan,
};

/** Functions that run asynchronously when given a callback: patched for the calls without one. */
const CALLBACK_PLANS: Record<string, { arity: number; plan: Plan }> = {
  randomBytes: { arity: 1, plan: randomBytesPlan },
  sign: { arity: 3, plan: withCallback(twin('sign'), 3) },
  verify: { arity: 4, plan: withCallback(twin('verify'), 4) },
};

/** The names patchCrypto replaces, present in this Node. */
export function patchedCryptoNames(): string[] {
  return [...Object.keys(SYNC_PLANS), ...Object.keys(CALLBACK_PLANS)].filter((name) => typeof cryptoTable[name] === 'function');
}

/** A call with a callback (or anything else past the sync arguments, which the original checks) goes to the original. */
function onlyWithoutCallback(arity: number, plan: Plan): Plan {
  return (args) => (args.slice(arity).some((arg) => arg !== undefined) ? undefined : plan(args));
}

/** Patches the crypto module; harmless if it is already patched. */
export function patchCryptoModule(): void {
  if (isTargetPatched('crypto')) return;
  const plans: [string, Plan][] = [
    ...Object.entries(SYNC_PLANS),
    ...Object.entries(CALLBACK_PLANS).map(([name, { arity, plan }]): [string, Plan] => [name, onlyWithoutCallback(arity, plan)]),
  ];
  for (const [name, plan] of plans) {
    const original = cryptoTable[name];
    if (typeof original !== 'function') continue;
    patchItem('crypto', crypto, name, dressAs(cooperativeVersion(`crypto.${name}()`, original, plan), original));
  }
  syncBuiltinESMExports();
  markPatched('crypto', () => {
    restoreModule('crypto');
    syncBuiltinESMExports();
  });
}
