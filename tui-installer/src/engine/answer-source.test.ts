import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LoggingRunner } from './exec.ts';
import { findAnswer, normalizeFingerprint, parseAnswerParam, parseAnswerText, readAnswerFile } from './answer-source.ts';

const FP = 'AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89';
const HEX = FP.replace(/:/g, '').toLowerCase();

describe('parseAnswerParam', () => {
  it('reads the three sources', () => {
    expect(parseAnswerParam('BOOT_IMAGE=/boot/vmlinuz quantix.mode=install quantix.answer=cdrom quiet')).toEqual({ kind: 'cdrom' });
    expect(parseAnswerParam('quantix.answer=label:QX_SEED')).toEqual({ kind: 'label', label: 'QX_SEED' });
    expect(parseAnswerParam(`quantix.answer=https://10.0.0.1:8443/answers/n1.yaml#sha256=${FP}`)).toEqual({
      kind: 'https', url: 'https://10.0.0.1:8443/answers/n1.yaml', fingerprint: HEX,
    });
    expect(parseAnswerParam(`quantix.answer=https://deploy.example.com/a.json#sha256=${HEX.toUpperCase()}`)).toMatchObject({ fingerprint: HEX });
  });
  it('is null without the parameter', () => expect(parseAnswerParam('quantix.mode=install console=ttyS0\n')).toBeNull());
  it('refuses what it cannot use', () => {
    for (const bad of ['quantix.answer=floppy', 'quantix.answer=https://x/a.json', 'quantix.answer=https://x/a.json#sha256=abcd', 'quantix.answer=label:', 'quantix.answer=http://x/a#sha256=' + HEX]) {
      expect(() => parseAnswerParam(bad), bad).toThrow(expect.objectContaining({ code: 'INSTALL_ANSWER_INVALID' }));
    }
  });
  it('normalizes fingerprints', () => {
    expect(normalizeFingerprint(FP)).toBe(HEX);
    expect(normalizeFingerprint('xyz')).toBeNull();
  });
});

const yaml = `version: 1
disk: auto
network:
  nic: auto
  mode: static
  address: 10.0.0.5/24
  gateway: 10.0.0.1
  dns: [10.0.0.1]
  hostname: node1
admin:
  password: correct horse
finish: poweroff
`;

describe('parseAnswerText', () => {
  it('reads YAML and JSON', () => {
    const a = parseAnswerText(yaml, 'answer.yaml');
    expect(a).toMatchObject({ disk: 'auto', finish: 'poweroff', network: { nic: 'auto', address: '10.0.0.5/24', vlan: null } });
    const j = parseAnswerText(JSON.stringify({ version: 1, disk: '/dev/sda', network: { nic: 'eno1', mode: 'dhcp', hostname: 'h' }, admin: { password: 'correct horse' } }), 'a.json');
    expect(j.finish).toBe('reboot');
  });
  it('names every problem with its path', () => {
    expect(() => parseAnswerText('version: 1\ndisk: sda\nnetwork: {nic: auto, mode: dhcp, hostname: h}\nadmin: {password: x}\n', 'answer.yaml')).toThrow(
      expect.objectContaining({ code: 'INSTALL_ANSWER_INVALID', message: expect.stringMatching(/^answer\.yaml: disk: .*admin\.password: use at least 8 characters/) }),
    );
    expect(() => parseAnswerText('{ not json', 'answer.json')).toThrow(expect.objectContaining({ code: 'INSTALL_ANSWER_INVALID' }));
  });
});

describe('findAnswer', () => {
  const dir = mkdtempSync(join(tmpdir(), 'qx-medium-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const runner = new LoggingRunner(join(dir, 'installer.log'));

  it('reads answer.yaml from the medium (cdrom, and found without the parameter)', async () => {
    writeFileSync(join(dir, 'answer.yaml'), yaml);
    expect((await findAnswer({ cmdline: 'quantix.answer=cdrom', mediumDir: dir, runner }))?.origin).toBe(join(dir, 'answer.yaml'));
    expect((await findAnswer({ cmdline: 'quiet', mediumDir: dir, runner }))?.answer.finish).toBe('poweroff');
    rmSync(join(dir, 'answer.yaml'));
  });

  it('cdrom without a file on the medium is an error; nothing at all is null', async () => {
    await expect(findAnswer({ cmdline: 'quantix.answer=cdrom', mediumDir: dir, runner })).rejects.toMatchObject({ code: 'INSTALL_ANSWER_UNAVAILABLE' });
    await expect(findAnswer({ cmdline: 'quiet', mediumDir: join(dir, 'none'), runner: new LoggingRunner(join(dir, 'l2'), { ...process.env, PATH: '/nonexistent' }) })).resolves.toBeNull();
  });

  it('--answer FILE', async () => {
    writeFileSync(join(dir, 'mine.json'), JSON.stringify({ version: 1, disk: '/dev/vda', network: { nic: 'eth0', mode: 'dhcp', hostname: 'n' }, admin: { password: 'correct horse' } }));
    expect((await readAnswerFile(join(dir, 'mine.json'))).answer.disk).toBe('/dev/vda');
    await expect(readAnswerFile(join(dir, 'nope.json'))).rejects.toMatchObject({ code: 'INSTALL_ANSWER_UNAVAILABLE' });
  });
});
