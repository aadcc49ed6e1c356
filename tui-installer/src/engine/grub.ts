import { ApiError } from '@quantix/lib/errors';

/** GRUB modules each image needs to find the ESP by its FAT volume id and read the config there. */
export const BIOS_MODULES = 'part_gpt fat search search_fs_uuid';
export const EFI_MODULES = 'part_gpt fat search search_fs_uuid configfile normal echo regexp';

/** The fresh grubenv of an installed system (docs/appliance.md): slot A committed, nothing on trial. */
export const INITIAL_GRUBENV: readonly [string, string][] = [
  ['qx_active', 'A'],
  ['qx_trial', ''],
  ['qx_trial_boots', '0'],
  ['qx_failed', ''],
];

/** A FAT volume id for mkfs.vfat -i: 8 hex digits. */
export function volumeIdHex(random: Buffer): string {
  if (random.length < 4) throw new Error('a volume id needs 4 random bytes');
  return random.subarray(0, 4).toString('hex').toUpperCase();
}

/** "1a2b3c4d" as blkid shows a FAT volume id: "1A2B-3C4D". */
export function formatVolumeId(hex: string): string {
  if (!/^[0-9A-Fa-f]{8}$/.test(hex)) throw new Error(`"${hex}" is not a FAT volume id (8 hex digits)`);
  const up = hex.toUpperCase();
  return `${up.slice(0, 4)}-${up.slice(4)}`;
}

/** early.cfg.in with @ESP_UUID@ filled in. */
export function renderEarlyCfg(template: string, espUuid: string): string {
  if (!/^[0-9A-F]{4}-[0-9A-F]{4}$/.test(espUuid)) throw new Error(`"${espUuid}" is not a FAT volume id like 1A2B-3C4D`);
  if (!template.includes('@ESP_UUID@')) throw new ApiError('INSTALL_BOOTLOADER_INVALID', 'early.cfg.in has no @ESP_UUID@ to fill in');
  return template.replaceAll('@ESP_UUID@', espUuid);
}

export function grubInstallArgv(disk: string, espDir: string): string[] {
  return ['grub-install', '--target=i386-pc', `--boot-directory=${espDir}`, `--modules=${BIOS_MODULES}`, disk];
}

export function mkstandaloneArgv(output: string, earlyCfgFile: string): string[] {
  return [
    'grub-mkstandalone',
    '-O',
    'x86_64-efi',
    `--modules=${EFI_MODULES}`,
    '--locales=',
    '--fonts=',
    '--themes=',
    '-o',
    output,
    `boot/grub/grub.cfg=${earlyCfgFile}`,
  ];
}

export function grubenvArgvs(file: string): string[][] {
  return [['grub-editenv', file, 'create'], ['grub-editenv', file, 'set', ...INITIAL_GRUBENV.map(([k, v]) => `${k}=${v}`)]];
}

/** `grub-editenv FILE list` output as a map. */
export function parseEnvList(text: string): Map<string, string> {
  const env = new Map<string, string>();
  for (const line of text.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) env.set(line.slice(0, eq), line.slice(eq + 1));
  }
  return env;
}

/** What is wrong with the listed grubenv of a fresh install; empty when nothing. */
export function grubenvProblems(env: Map<string, string>): string[] {
  return INITIAL_GRUBENV.filter(([k, v]) => env.get(k) !== v).map(([k, v]) => `${k} is ${env.has(k) ? `"${env.get(k)}"` : 'missing'}, expected "${v}"`);
}

/** A PE/COFF image (what UEFI loads) starts with "MZ". */
export const isPeImage = (head: Buffer) => head.length >= 2 && head[0] === 0x4d && head[1] === 0x5a;
