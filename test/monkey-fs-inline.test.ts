// The policy that decides which patched fs calls run inline: learned slowness
// (on a fake clock), network mounts, and a rule for every patched name.
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';

import { deviceNumber, inlineRuleNames, networkMounts, SLOW_MS, SlowCalls, underAny, VERY_SLOW_MS } from '../src/patches/inline';
import { patchedFsNames } from '../src/patches/fs';

describe('fs inline calls: learning which kinds are slow', () => {
  const clock = (): { now: () => number; advance: (ms: number) => void } => {
    let t = 1000;
    return { now: () => t, advance: (ms) => (t += ms) };
  };

  it('keeps a kind inline while its calls stay fast', () => {
    const c = clock();
    const slow = new SlowCalls(c.now);
    for (let i = 0; i < 100; i++) slow.note('lstat', SLOW_MS / 2);
    expect(slow.allows('lstat')).toBe(true);
  });

  it('takes one slow call for a strike (a preempted thread looks the same), and the second for a penalty', () => {
    const c = clock();
    const slow = new SlowCalls(c.now);
    slow.note('lstat', SLOW_MS * 3);
    expect(slow.allows('lstat')).toBe(true);
    for (let i = 0; i < 100; i++) slow.note('lstat', 0);
    slow.note('lstat', SLOW_MS * 3);
    expect(slow.allows('lstat')).toBe(false);
  });

  it('forgets a strike after a long run of fast calls', () => {
    const c = clock();
    const slow = new SlowCalls(c.now);
    slow.note('lstat', SLOW_MS * 3);
    for (let i = 0; i < 256; i++) slow.note('lstat', 0);
    slow.note('lstat', SLOW_MS * 3);
    expect(slow.allows('lstat')).toBe(true);
  });

  it('sends a kind through its twin after a very slow call, or two slow ones, for longer each time, and not other kinds', () => {
    const c = clock();
    const slow = new SlowCalls(c.now);
    slow.note('readFile:1', VERY_SLOW_MS + 1);
    expect(slow.allows('readFile:1')).toBe(false);
    expect(slow.allows('readFile:2')).toBe(true); // another device
    c.advance(499);
    expect(slow.allows('readFile:1')).toBe(false);
    c.advance(2);
    expect(slow.allows('readFile:1')).toBe(true);
    slow.note('readFile:1', SLOW_MS * 3); // slow again: twice as long
    slow.note('readFile:1', SLOW_MS * 3);
    c.advance(999);
    expect(slow.allows('readFile:1')).toBe(false);
    c.advance(2);
    expect(slow.allows('readFile:1')).toBe(true);
  });

  it('forgives a kind after a long run of fast calls', () => {
    const c = clock();
    const slow = new SlowCalls(c.now);
    slow.note('stat', VERY_SLOW_MS * 3);
    slow.note('stat', VERY_SLOW_MS * 3);
    c.advance(2000);
    for (let i = 0; i < 256; i++) slow.note('stat', 0);
    slow.note('stat', VERY_SLOW_MS * 3); // the first penalty again, not a third doubling
    c.advance(501);
    expect(slow.allows('stat')).toBe(true);
  });
});

describe('fs inline calls: network file systems', () => {
  const MOUNTINFO = [
    '27 1 254:0 / / rw,relatime - ext4 /dev/vda rw',
    '40 27 0:52 / /mnt/nfs rw,relatime - nfs4 server:/export rw,vers=4.2',
    '41 27 0:53 / /home/me/remote\\040dir rw - fuse.sshfs me@host: rw',
    '42 27 0:54 / /run/user/1000 rw - tmpfs tmpfs rw',
    '43 27 8:17 / /media/usb rw - fuseblk /dev/sdb1 rw',
  ].join('\n');

  it('finds NFS and FUSE mounts, their points (unescaped) and device numbers', () => {
    const found = networkMounts(MOUNTINFO);
    expect(found.points).toEqual(['/mnt/nfs', '/home/me/remote dir']);
    expect([...found.devs]).toEqual([deviceNumber(0, 52), deviceNumber(0, 53)]);
  });

  it('matches paths at or under a mount point only', () => {
    const points = ['/mnt/nfs'];
    expect(underAny('/mnt/nfs', points)).toBe(true);
    expect(underAny('/mnt/nfs/a/b', points)).toBe(true);
    expect(underAny('/mnt/nfsx/a', points)).toBe(false);
    expect(underAny('/tmp', points)).toBe(false);
  });

  it('encodes device numbers as stat reports them', () => {
    const line = fs.readFileSync('/proc/self/mountinfo', 'utf8').split('\n').find((l) => l.split(' ')[4] === '/');
    const [major, minor] = (line ?? '').split(' ')[2].split(':').map(Number);
    expect(deviceNumber(major, minor)).toBe(fs.statSync('/').dev);
    expect(deviceNumber(0x1234, 0x56789)).toBe(0x234 * 0x100 + 0x89 + 0x567 * 0x100000 + 0x1 * 0x100000000000);
  });
});

describe('fs inline calls: coverage', () => {
  it('has a rule for every patched name', () => {
    const rules = new Set(inlineRuleNames());
    const missing = patchedFsNames().filter((name) => !rules.has(name));
    expect(missing).toEqual([]);
  });
});
