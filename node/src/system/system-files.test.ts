import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bootConfig, parseCmdline, parseRelease, slotSize, squashfsSuperblock } from './system-files.ts';

describe('kernel command line', () => {
  it('finds quantix.slot and quantix.live, nothing else', () => {
    expect(parseCmdline('BOOT_IMAGE=/boot/vmlinuz quantix.slot=B console=ttyS0 panic=10\n')).toEqual({ slot: 'B', live: null });
    expect(parseCmdline('quantix.live=20261122.1 quantix.mode=install')).toEqual({ slot: null, live: '20261122.1' });
    expect(parseCmdline('root=/dev/sda1 quantix.slot=C xquantix.slot=A')).toEqual({ slot: null, live: null });
    expect(parseCmdline('')).toEqual({ slot: null, live: null });
  });
});

describe('release file', () => {
  it('reads shell key=value lines, quoted or not', () => {
    const text = '# Quantix\nNAME="Quantix-OS"\nVERSION=0.2.0\nBUILD_ID=\'20261122.1\'\nPROFILE=os\nOTHER=x\n';
    expect(parseRelease(text)).toEqual({ name: 'Quantix-OS', version: '0.2.0', buildId: '20261122.1', profile: 'os' });
    expect(parseRelease('NAME="a \\"b\\""')).toMatchObject({ name: 'a "b"', version: null });
    expect(parseRelease('')).toEqual({ name: null, version: null, buildId: null, profile: null });
  });
});

describe('boot.json', () => {
  it('defaults the trial timeout to 300 s and refuses unknown keys', () => {
    expect(bootConfig.parse({})).toEqual({ trialTimeoutSeconds: 300 });
    expect(bootConfig.parse({ trialTimeoutSeconds: 120 })).toEqual({ trialTimeoutSeconds: 120 });
    expect(() => bootConfig.parse({ trialTimeoutSeconds: 5 })).toThrow();
    expect(() => bootConfig.parse({ other: 1 })).toThrow();
  });
});

describe('squashfs superblock', () => {
  const sb = (magic: string, major: number, bytesUsed: bigint) => {
    const b = Buffer.alloc(96);
    b.write(magic, 0, 'latin1');
    b.writeUInt16LE(major, 28);
    b.writeBigUInt64LE(bytesUsed, 40);
    return b;
  };
  it('checks the magic and version and reads bytes_used', () => {
    expect(squashfsSuperblock(sb('hsqs', 4, 12345n))).toEqual({ ok: true, bytesUsed: 12345n });
    expect(squashfsSuperblock(sb('sqsh', 4, 1n))).toMatchObject({ ok: false, reason: expect.stringMatching(/magic/) });
    expect(squashfsSuperblock(sb('hsqs', 3, 1n))).toMatchObject({ ok: false, reason: expect.stringMatching(/version 3/) });
    expect(squashfsSuperblock(Buffer.from('hsqs'))).toMatchObject({ ok: false });
  });
});

describe('slot size', () => {
  const dir = mkdtempSync(join(tmpdir(), 'qx-slot-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  it('is the size of a file, and an error for a directory or nothing', async () => {
    writeFileSync(join(dir, 'slot'), Buffer.alloc(8192));
    expect(await slotSize(join(dir, 'slot'))).toBe(8192);
    await expect(slotSize(dir)).rejects.toThrow(/neither/);
    await expect(slotSize(join(dir, 'missing'))).rejects.toThrow(/ENOENT/);
  });
});
