import { describe, expect, it } from 'vitest';
import { formatVolumeId, grubenvArgvs, grubenvProblems, grubInstallArgv, isPeImage, mkstandaloneArgv, parseEnvList, renderEarlyCfg, volumeIdHex } from './grub.ts';

describe('grub', () => {
  it('formats the FAT volume id as blkid shows it', () => {
    expect(formatVolumeId('1a2b3c4d')).toBe('1A2B-3C4D');
    expect(volumeIdHex(Buffer.from([0xde, 0xad, 0xbe, 0xef, 0x00]))).toBe('DEADBEEF');
    expect(() => formatVolumeId('1a2b3c')).toThrow();
  });

  it('fills @ESP_UUID@ into early.cfg.in', () => {
    const template = 'search --no-floppy --fs-uuid --set=root @ESP_UUID@\nset prefix=($root)/grub\nconfigfile $prefix/grub.cfg\n';
    expect(renderEarlyCfg(template, '1A2B-3C4D')).toBe('search --no-floppy --fs-uuid --set=root 1A2B-3C4D\nset prefix=($root)/grub\nconfigfile $prefix/grub.cfg\n');
    expect(() => renderEarlyCfg('configfile /grub/grub.cfg\n', '1A2B-3C4D')).toThrow(expect.objectContaining({ code: 'INSTALL_BOOTLOADER_INVALID' }));
    expect(() => renderEarlyCfg(template, '1a2b-3c4d')).toThrow();
  });

  it('builds the grub command lines', () => {
    expect(grubInstallArgv('/dev/vda', '/tmp/esp')).toEqual([
      'grub-install', '--target=i386-pc', '--boot-directory=/tmp/esp', '--modules=part_gpt fat search search_fs_uuid', '/dev/vda',
    ]);
    expect(mkstandaloneArgv('/tmp/esp/EFI/BOOT/BOOTX64.EFI', '/tmp/early.cfg')).toEqual([
      'grub-mkstandalone', '-O', 'x86_64-efi', '--modules=part_gpt fat search search_fs_uuid configfile normal echo regexp',
      '--locales=', '--fonts=', '--themes=', '-o', '/tmp/esp/EFI/BOOT/BOOTX64.EFI', 'boot/grub/grub.cfg=/tmp/early.cfg',
    ]);
    expect(grubenvArgvs('/e/grub/grubenv')).toEqual([
      ['grub-editenv', '/e/grub/grubenv', 'create'],
      ['grub-editenv', '/e/grub/grubenv', 'set', 'qx_active=A', 'qx_trial=', 'qx_trial_boots=0', 'qx_failed='],
    ]);
  });

  it('checks the listed grubenv of a fresh install', () => {
    expect(grubenvProblems(parseEnvList('qx_active=A\nqx_trial=\nqx_trial_boots=0\nqx_failed=\n'))).toEqual([]);
    expect(grubenvProblems(parseEnvList('qx_active=B\nqx_trial_boots=0\nqx_failed=\n'))).toEqual(['qx_active is "B", expected "A"', 'qx_trial is missing, expected ""']);
  });

  it('recognises a PE image', () => {
    expect(isPeImage(Buffer.from('MZ\x90\x00'))).toBe(true);
    expect(isPeImage(Buffer.from('\x7fELF'))).toBe(false);
    expect(isPeImage(Buffer.alloc(0))).toBe(false);
  });
});
