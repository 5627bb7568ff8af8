import { describe, expect, it } from 'vitest';
import { joinall, sleep, spawn } from '../src/index';

describe('smoke', () => {
  it('runs greenlets', () => {
    const log: string[] = [];
    const a = spawn(() => { log.push('a'); sleep(1); return 1; });
    const b = spawn(() => { log.push('b'); return 2; });
    joinall([a, b]);
    expect(log).toEqual(['a', 'b']);
    expect(a.value).toBe(1);
  });
});
