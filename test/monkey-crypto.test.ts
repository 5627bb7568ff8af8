import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { getOriginal, isPatched, joinall, patchCrypto, spawn, unpatchAll } from '../src/index';
import { CRYPTO_LEFT_ALONE } from '../src/monkey';
import { hasPatchFrames, inGreenlet, onLoop, outcome, thrownInGreenlet } from './monkey-util';
import { expectSteadyTicks, inParallel, tickWhile, timed } from './ticker-util';

type Fn = (...args: unknown[]) => unknown;
const original = (name: string): Fn => getOriginal('crypto', name) as Fn;
const live = (name: string): Fn => (crypto as unknown as Record<string, Fn>)[name];

beforeAll(() => patchCrypto());
afterAll(() => unpatchAll());

/** Everything observable of a result, made comparable (keys by their details, buffers by bytes). */
function view(value: unknown): unknown {
  if (value instanceof crypto.KeyObject) {
    return { type: value.type, asymmetricKeyType: value.asymmetricKeyType, details: value.asymmetricKeyDetails, size: value.symmetricKeySize };
  }
  if (value instanceof ArrayBuffer) return { ArrayBuffer: view(Buffer.from(value)) };
  if (Buffer.isBuffer(value)) return { Buffer: crypto.createHash('sha256').update(value).digest('hex') };
  if (typeof value === 'bigint') return { bigint: value.toString() };
  if (typeof value === 'string' && value.startsWith('-----BEGIN')) return value.split('\n')[0];
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, view(v)]));
  return value;
}

/** The same call through the original (root, nothing else running) and the patched function (in a greenlet). */
function sideBySide(name: string, args: () => unknown[], shape: (value: unknown) => unknown = view): void {
  const expected = outcome(() => shape(original(name)(...args())));
  const actual = inGreenlet(() => outcome(() => shape(live(name)(...args()))));
  expect(actual, `${name}(${args().map((a) => typeof a).join(', ')})`).toEqual(expected);
}

/** Random results: compare what is not random (type, length). */
const randomShape = (value: unknown): unknown => ({ type: Object.prototype.toString.call(value), length: (value as { byteLength?: number }).byteLength });

const SCRYPT_HEAVY = { N: 2 ** 15, maxmem: 64 * 1024 * 1024 };

describe('crypto patch: coverage', () => {
  it('patches every *Sync export and every callback-optional function, or lists why not', () =>
    onLoop(() => {
      const syncNames = Object.keys(crypto).filter((k) => k.endsWith('Sync'));
      expect(syncNames.length).toBeGreaterThanOrEqual(8);
      // Functions that are synchronous without a callback and asynchronous with one (from Node's docs).
      const callbackOptional = ['randomBytes', 'sign', 'verify', 'randomInt', 'diffieHellman', 'pseudoRandomBytes', 'prng', 'rng'];
      for (const name of [...syncNames, ...callbackOptional]) {
        if (name in CRYPTO_LEFT_ALONE) continue;
        expect(original(name), `${name} is neither patched nor listed`).not.toBe(live(name));
        expect(live(name).name, name).toBe(original(name).name);
        expect(live(name).length, name).toBe(original(name).length);
      }
      // Every *Sync export whose async form exists is patched, none listed.
      for (const name of syncNames) if (typeof live(name.slice(0, -4)) === 'function') expect(name in CRYPTO_LEFT_ALONE, name).toBe(false);
      expect(isPatched('crypto')).toBe(true);
    }));

  it('calls with a callback go to the original unchanged', () =>
    onLoop(() => {
      const got = inGreenlet(() => {
        let len = -1;
        const out = crypto.randomBytes(70_000, (_e, buf) => (len = buf.length));
        return { out, len };
      });
      expect(got).toEqual({ out: undefined, len: -1 }); // the callback runs later
    }));
});

describe('crypto patch: yields only the calling greenlet', () => {
  it('lets another greenlet run while one derives a key', () =>
    onLoop(() => {
      const log: string[] = [];
      const a = spawn(() => {
        log.push('a:start');
        const key = crypto.pbkdf2Sync('pw', 'salt', 20_000, 32, 'sha256');
        log.push(`a:end ${key.length}`);
      });
      const b = spawn(() => log.push('b'));
      joinall([a, b]);
      expect(log).toEqual(['a:start', 'b', 'a:end 32']);
    }));

  it('randomBytes(size) yields for large sizes only', () =>
    onLoop(() => {
      const log: string[] = [];
      const a = spawn(() => {
        crypto.randomBytes(16);
        log.push('small');
        crypto.randomBytes(1 << 20);
        log.push('large');
      });
      const b = spawn(() => log.push('b'));
      joinall([a, b]);
      expect(log).toEqual(['small', 'b', 'large']);
    }));

  it('in the root greenlet, yields only while other greenlets exist', () =>
    onLoop(() => {
      const log: string[] = [];
      setImmediate(() => log.push('immediate'));
      crypto.scryptSync('pw', 'salt', 32, { N: 2 ** 12 });
      log.push('root');
      const g = spawn(() => log.push('g'));
      crypto.scryptSync('pw', 'salt', 32, { N: 2 ** 12 });
      log.push('root again');
      joinall([g]);
      // The first call ran whole; the second let the immediate and g run (in whichever order the loop turn has them).
      expect(log[0]).toBe('root');
      expect([...log.slice(1, 3)].sort()).toEqual(['g', 'immediate']);
      expect(log[3]).toBe('root again');
    }));

  it('a ticker keeps ticking while 4 greenlets each run scrypt with N = 2^15', () =>
    onLoop(() => {
      const scryptSync = original('scryptSync');
      let expected: unknown;
      const inline = timed(() => (expected = scryptSync('password', 'salt', 64, SCRYPT_HEAVY)));
      const keys: unknown[] = [];
      const gaps = tickWhile(() => inParallel(4, (i) => (keys[i] = crypto.scryptSync('password', 'salt', 64, SCRYPT_HEAVY))));
      for (const key of keys) expect(key).toEqual(expected);
      expectSteadyTicks(gaps, inline);
    }), 60_000);
});

describe('crypto patch: same results and errors as the originals', () => {
  it('key derivation: pbkdf2Sync, scryptSync, hkdfSync', () =>
    onLoop(() => {
      sideBySide('pbkdf2Sync', () => ['pw', 'salt', 1000, 32, 'sha256']);
      sideBySide('pbkdf2Sync', () => [Buffer.from('pw'), new Uint8Array(4), 1, 64, 'sha512']);
      sideBySide('pbkdf2Sync', () => ['pw', 'salt', 1000, 32]); // digest missing
      sideBySide('pbkdf2Sync', () => ['pw', 'salt', 1000, 32, 'nope']);
      sideBySide('pbkdf2Sync', () => ['pw', 'salt', -1, 32, 'sha256']);
      sideBySide('pbkdf2Sync', () => [1, 'salt', 1, 32, 'sha256']);
      if (typeof (crypto as unknown as Record<string, unknown>).argon2Sync === 'function') {
        const params = { message: 'pw', nonce: Buffer.alloc(16, 1), parallelism: 1, tagLength: 32, memory: 64, passes: 3 };
        sideBySide('argon2Sync', () => ['argon2id', params]);
        sideBySide('argon2Sync', () => ['argon2id', { ...params, memory: 1 }]); // the original's RangeError
        sideBySide('argon2Sync', () => ['nope', params]);
      }
      sideBySide('scryptSync', () => ['pw', 'salt', 32]);
      sideBySide('scryptSync', () => ['pw', 'salt', 32, { N: 1024, r: 4, p: 2 }]);
      sideBySide('scryptSync', () => ['pw', 'salt', 32, { cost: 2048, blockSize: 8, parallelization: 1 }]);
      sideBySide('scryptSync', () => ['pw', 'salt', 32, { N: 1000 }]); // not a power of 2
      sideBySide('scryptSync', () => ['pw', 'salt', 32, { N: 2 ** 15 }]); // memory limit exceeded
      sideBySide('scryptSync', () => ['pw', 'salt', 32, { N: 1024, cost: 1024 }]);
      sideBySide('scryptSync', () => ['pw', 'salt', 'long']);
      sideBySide('hkdfSync', () => ['sha256', 'key', 'salt', 'info', 64]);
      sideBySide('hkdfSync', () => ['sha256', crypto.createSecretKey(Buffer.from('k')), Buffer.alloc(0), '', 16]);
      sideBySide('hkdfSync', () => ['sha256', 'key', 'salt', 'info', 255 * 32 + 1]); // too long
      sideBySide('hkdfSync', () => ['nope', 'key', 'salt', 'info', 16]);
      sideBySide('hkdfSync', () => ['sha256', 'key', 'salt', 'info']);
    }));

  it('key and prime generation', () =>
    onLoop(() => {
      sideBySide('generateKeyPairSync', () => ['rsa', { modulusLength: 1024 }]);
      sideBySide('generateKeyPairSync', () => ['ec', { namedCurve: 'P-256', publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } }]);
      sideBySide('generateKeyPairSync', () => ['ed25519']);
      sideBySide('generateKeyPairSync', () => ['rsa', { modulusLength: 1024, publicKeyEncoding: { type: 'pkcs1', format: 'der' } }], (v) => Object.keys(v as object));
      sideBySide('generateKeyPairSync', () => ['nope', {}]);
      sideBySide('generateKeyPairSync', () => ['rsa', {}]);
      sideBySide('generateKeyPairSync', () => ['ec', { namedCurve: 'no-such-curve' }]);
      sideBySide('generateKeyPairSync', () => ['dh', { prime: Buffer.from([7]) }]);
      sideBySide('generateKeySync', () => ['hmac', { length: 128 }]);
      sideBySide('generateKeySync', () => ['aes', { length: 256 }]);
      sideBySide('generateKeySync', () => ['aes', { length: 100 }]);
      sideBySide('generateKeySync', () => ['hmac']);
      sideBySide('generatePrimeSync', () => [64], randomShape);
      sideBySide('generatePrimeSync', () => [64, { bigint: true }], (v) => typeof v);
      sideBySide('generatePrimeSync', () => [32, { safe: true, add: 12n, rem: 11n }], (v) => (v as ArrayBuffer).byteLength);
      sideBySide('generatePrimeSync', () => [8, { add: 1n << 20n }]); // invalid options
      sideBySide('generatePrimeSync', () => [-1]);
      sideBySide('generatePrimeSync', () => [0]);
      sideBySide('checkPrimeSync', () => [7n]);
      sideBySide('checkPrimeSync', () => [Buffer.from([0x0f]), { checks: 10 }]);
      sideBySide('checkPrimeSync', () => [(1n << 127n) - 1n]);
      sideBySide('checkPrimeSync', () => [-3n]);
      sideBySide('checkPrimeSync', () => ['7']);
    }));

  it('random fills and randomBytes, above and below the inline size', () =>
    onLoop(() => {
      for (const size of [0, 16, 64 * 1024, 1 << 20]) {
        sideBySide('randomBytes', () => [size], randomShape);
        sideBySide('randomFillSync', () => [Buffer.alloc(size)], randomShape);
        sideBySide('randomFillSync', () => [new Float64Array(size >> 3)], randomShape);
        sideBySide('randomFillSync', () => [new ArrayBuffer(size)], randomShape);
      }
      sideBySide('randomFillSync', () => [Buffer.alloc(1 << 20), 10, 100_000], (v) => (v as Buffer).subarray(0, 10).toString('hex') + (v as Buffer).subarray(100_010).every((b) => b === 0));
      sideBySide('randomFillSync', () => [Buffer.alloc(1 << 20), 1 << 19], (v) => (v as Buffer).subarray(0, 1 << 19).every((b) => b === 0));
      sideBySide('randomFillSync', () => [Buffer.alloc(1 << 20), 1 << 21]);
      sideBySide('randomFillSync', () => [Buffer.alloc(1 << 20), 0, 1 << 21]);
      sideBySide('randomFillSync', () => [[1, 2, 3]]);
      sideBySide('randomFillSync', () => [Buffer.alloc(100_000), -1]);
      sideBySide('randomBytes', () => [-1]);
      sideBySide('randomBytes', () => ['100000']);
      sideBySide('randomBytes', () => [2 ** 31]);
      sideBySide('randomBytes', () => [100_000, 'not a callback'], randomShape);
      sideBySide('randomBytes', () => [100_000, undefined], randomShape);
      sideBySide('randomBytes', () => [1.5], randomShape);
      sideBySide('randomBytes', () => [65_536.5], randomShape);
    }));

  it('sign and verify without a callback', () =>
    onLoop(() => {
      const { privateKey, publicKey } = original('generateKeyPairSync')('rsa', { modulusLength: 1024 }) as crypto.KeyPairKeyObjectResult;
      const ed = original('generateKeyPairSync')('ed25519') as crypto.KeyPairKeyObjectResult;
      const data = Buffer.from('signed data');
      const signature = crypto.sign('sha256', data, privateKey);
      sideBySide('sign', () => ['sha256', data, privateKey]); // RSA PKCS#1 v1.5 is deterministic
      sideBySide('sign', () => [null, data, ed.privateKey]);
      sideBySide('sign', () => ['sha256', data, { key: privateKey, padding: crypto.constants.RSA_PKCS1_PSS_PADDING }], (v) => (v as Buffer).length);
      sideBySide('sign', () => ['nope', data, privateKey]);
      sideBySide('sign', () => ['sha256', data, publicKey]);
      sideBySide('sign', () => ['sha256', 'not a buffer', privateKey]);
      sideBySide('verify', () => ['sha256', data, publicKey, signature]);
      sideBySide('verify', () => ['sha256', Buffer.from('other data'), publicKey, signature]);
      sideBySide('verify', () => ['sha256', data, publicKey, 'not a signature']);
      sideBySide('verify', () => ['sha256', data, 'not a key', signature]);
    }));

  it('an error reported by the async form has the caller at the top of its stack', () =>
    onLoop(() => {
      const error = thrownInGreenlet(() => crypto.generateKeyPairSync('ec', { namedCurve: 'no-such-curve' })) as NodeJS.ErrnoException;
      expect(error).toBeInstanceOf(Error);
      expect(hasPatchFrames(error)).toBe(false);
      expect(error.stack).toContain('monkey-crypto.test');
    }));
});
