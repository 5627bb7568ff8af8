import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { getOriginal, isPatched, joinall, patchAll, patchZlib, spawn, unpatchAll } from '../src/index';
import { ZLIB_LEFT_ALONE } from '../src/monkey';
import { hasPatchFrames, inGreenlet, onLoop, outcome, thrownInGreenlet } from './monkey-util';
import { expectSteadyTicks, inParallel, tickWhile, timed } from './ticker-util';

type Fn = (...args: unknown[]) => unknown;
const original = (name: string): Fn => getOriginal('zlib', name) as Fn;
const live = (name: string): Fn => (zlib as unknown as Record<string, Fn>)[name];
const syncNames = (): string[] => Object.keys(zlib).filter((k) => k.endsWith('Sync'));

beforeAll(() => patchZlib());
afterAll(() => unpatchAll());

/** The same call through the original (root, nothing else running) and the patched function (in a greenlet). */
function sideBySide(name: string, args: () => unknown[], view: (value: unknown) => unknown = (v) => v): void {
  const expected = outcome(() => view(original(name)(...args())));
  const actual = inGreenlet(() => outcome(() => view(live(name)(...args()))));
  expect(actual, name).toEqual(expected);
}

const COMPRESS: Record<string, string> = {
  deflateSync: 'inflateSync',
  deflateRawSync: 'inflateRawSync',
  gzipSync: 'gunzipSync',
  brotliCompressSync: 'brotliDecompressSync',
};

describe('zlib patch: coverage', () => {
  it('patches every *Sync export or lists why it is left alone, keeping name and length', () =>
    onLoop(() => {
      expect(syncNames().length).toBeGreaterThanOrEqual(9);
      for (const name of syncNames()) {
        if (name in ZLIB_LEFT_ALONE) continue;
        expect(original(name), `${name} is neither patched nor listed`).not.toBe(live(name));
        expect(live(name).name, name).toBe(original(name).name);
        expect(live(name).length, name).toBe(original(name).length);
      }
      expect(isPatched('zlib')).toBe(true);
    }));

  it('patchAll patches zlib, patching twice is harmless, and the async forms are untouched', () =>
    onLoop(() => {
      const before = zlib.gzipSync;
      const gzip = zlib.gzip;
      patchZlib();
      patchAll({ fs: false, childProcess: false, timers: false, net: false, deasync: false, crypto: false });
      expect(zlib.gzipSync).toBe(before);
      expect(zlib.gzip).toBe(gzip);
    }));

  it('patchAll({ zlib: false }) leaves it alone', () =>
    onLoop(() => {
      unpatchAll();
      patchAll({ zlib: false, fs: false, childProcess: false, timers: false, net: false, deasync: false, crypto: false });
      expect(isPatched('zlib')).toBe(false);
      expect(zlib.gzipSync).toBe(original('gzipSync'));
      patchZlib();
    }));
});

describe('zlib patch: yields only the calling greenlet', () => {
  const big = Buffer.alloc(4 << 20, 'tinyevent ');

  it('lets another greenlet run while one compresses', () =>
    onLoop(() => {
      const log: string[] = [];
      const a = spawn(() => {
        log.push('a:start');
        const out = zlib.gzipSync(big);
        log.push(`a:end ${zlib.gunzipSync(out).length}`);
      });
      const b = spawn(() => log.push('b'));
      joinall([a, b]);
      expect(log).toEqual(['a:start', 'b', `a:end ${big.length}`]);
    }));

  it('in the root greenlet, yields only while other greenlets exist', () =>
    onLoop(() => {
      const log: string[] = [];
      setImmediate(() => log.push('immediate'));
      zlib.deflateSync(big); // nothing else exists: the original, no loop turn
      log.push('root');
      const g = spawn(() => log.push('g'));
      zlib.deflateSync(big);
      log.push('root again');
      joinall([g]);
      // The first call ran whole; the second let the immediate and g run (in whichever order the loop turn has them).
      expect(log[0]).toBe('root');
      expect([...log.slice(1, 3)].sort()).toEqual(['g', 'immediate']);
      expect(log[3]).toBe('root again');
    }));

  it('inside Hub callbacks (links) uses the original', () =>
    onLoop(() => {
      let seen = -1;
      const g = spawn(() => 1);
      g.link(() => {
        seen = zlib.gunzipSync(zlib.gzipSync('linked')).length;
      });
      joinall([g]);
      joinall([spawn(() => 0)]);
      expect(seen).toBe(6);
    }));

  it('a ticker keeps ticking while 4 greenlets each gzip 20 MB', () =>
    onLoop(() => {
      const data = Buffer.alloc(20e6);
      for (let i = 0; i < data.length; i++) data[i] = 97 + ((i * 2654435761) >>> 28);
      const gzipSync = original('gzipSync') as (b: Buffer) => Buffer;
      let expected: Buffer | undefined;
      const inline = timed(() => (expected = gzipSync(data)));
      const outs: Buffer[] = [];
      const gaps = tickWhile(() => inParallel(4, (i) => (outs[i] = zlib.gzipSync(data))));
      for (const out of outs) expect(out.equals(expected as Buffer)).toBe(true);
      expectSteadyTicks(gaps, inline);
    }), 60_000);
});

describe('zlib patch: same results and errors as the originals', () => {
  const text = 'hello tinyevent '.repeat(500);

  it('compresses every input form the same', () =>
    onLoop(() => {
      const u8 = new Uint8Array(Buffer.from(text));
      for (const name of [...Object.keys(COMPRESS), 'deflateSync']) {
        sideBySide(name, () => [text]);
        sideBySide(name, () => [Buffer.from(text)]);
        sideBySide(name, () => [u8]);
        sideBySide(name, () => [u8.buffer]);
        sideBySide(name, () => [new DataView(u8.buffer)]);
        sideBySide(name, () => [new Uint16Array(u8.buffer.slice(0, 1000))]);
        sideBySide(name, () => ['']);
      }
    }));

  it('decompresses the same, and every option behaves the same', () =>
    onLoop(() => {
      for (const [compress, decompress] of Object.entries(COMPRESS)) {
        const packed = original(compress)(text) as Buffer;
        sideBySide(decompress, () => [packed]);
        sideBySide(decompress, () => [packed, { maxOutputLength: 100 }]); // RangeError ERR_BUFFER_TOO_LARGE
        sideBySide(decompress, () => [packed, { chunkSize: 64 }]);
        sideBySide(decompress, () => [packed.subarray(0, packed.length >> 1)]); // unexpected end of file
        sideBySide(decompress, () => [packed, { finishFlush: zlib.constants.Z_SYNC_FLUSH }]);
      }
      sideBySide('unzipSync', () => [original('gzipSync')(text)]);
      sideBySide('unzipSync', () => [original('deflateSync')(text)]);
      sideBySide('gzipSync', () => [text, { level: 1, memLevel: 9, strategy: zlib.constants.Z_FILTERED }]);
      sideBySide('deflateSync', () => [text, { dictionary: Buffer.from('hello tinyevent') }]);
      sideBySide('brotliCompressSync', () => [text, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 4 } }]);
      // info: true returns { buffer, engine }.
      sideBySide('gzipSync', () => [text, { info: true }], (v) => (v as { buffer: Buffer }).buffer);
    }));

  it('bad input and bad options get the original errors', () =>
    onLoop(() => {
      for (const name of syncNames().filter((n) => !(n in ZLIB_LEFT_ALONE))) {
        sideBySide(name, () => [123]);
        sideBySide(name, () => [null]);
        sideBySide(name, () => [undefined]);
        sideBySide(name, () => [{ length: 3 }]);
        sideBySide(name, () => ['x', 'options']);
        sideBySide(name, () => ['x', () => 0]);
      }
      sideBySide('gzipSync', () => ['x', { level: 99 }]);
      sideBySide('deflateSync', () => ['x', { windowBits: 'big' }]);
      sideBySide('brotliCompressSync', () => ['x', { params: { 9999: 1 } }]);
      sideBySide('inflateSync', () => [Buffer.from('not deflate data')]); // Z_DATA_ERROR, errno -3
      sideBySide('gunzipSync', () => [Buffer.from('not gzip data at all')]);
      sideBySide('brotliDecompressSync', () => [Buffer.from('not brotli')]);
      sideBySide('inflateSync', () => [original('deflateSync')('x', { dictionary: Buffer.from('d') })]); // Missing dictionary
    }));

  it('an error from the async form has the caller at the top of its stack', () =>
    onLoop(() => {
      const error = thrownInGreenlet(() => zlib.gunzipSync(Buffer.from('not gzip data at all'))) as NodeJS.ErrnoException;
      expect(error).toBeInstanceOf(Error);
      expect(error.code).toBe('Z_DATA_ERROR');
      expect(hasPatchFrames(error)).toBe(false);
      expect(error.stack).toContain('monkey-zlib.test');
    }));
});
