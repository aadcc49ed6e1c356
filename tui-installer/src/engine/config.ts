import { join } from 'node:path';

/** Where the installer finds things and what it runs to end; every path can be pointed elsewhere for tests. */
export interface EngineConfig {
  /** The mounted live medium: `live/system.sqfs` and its `.sha256`, maybe `answer.json`/`answer.yaml`. */
  mediumDir: string;
  /** GRUB sources: `grub.cfg` and `early.cfg.in`. */
  grubDir: string;
  releaseFile: string;
  logFile: string;
  cmdlineFile: string;
  mountsFile: string;
  sysBlockDir: string;
  sysNetDir: string;
  rebootCommand: string[];
  poweroffCommand: string[];
  /** Also offer loop devices as targets (installing into an image file). */
  includeLoop: boolean;
  /** How long partition devices may take to appear after partitioning. */
  partitionWaitMs: number;
}

export const defaultEngineConfig: EngineConfig = {
  mediumDir: '/run/quantix/medium',
  grubDir: '/usr/share/quantix/grub',
  releaseFile: '/etc/quantix/release',
  logFile: '/run/quantix/installer.log',
  cmdlineFile: '/proc/cmdline',
  mountsFile: '/proc/mounts',
  sysBlockDir: '/sys/class/block',
  sysNetDir: '/sys/class/net',
  rebootCommand: ['/sbin/reboot'],
  poweroffCommand: ['/sbin/poweroff'],
  includeLoop: false,
  partitionWaitMs: 30_000,
};

export const imagePath = (cfg: EngineConfig) => join(cfg.mediumDir, 'live', 'system.sqfs');
export const imageSumPath = (cfg: EngineConfig) => join(cfg.mediumDir, 'live', 'system.sqfs.sha256');

/** A command line as words: "/sbin/reboot -f" becomes ["/sbin/reboot", "-f"]. */
export function commandWords(command: string): string[] {
  const words = command.trim().split(/\s+/).filter((w) => w !== '');
  if (words.length === 0) throw new Error('an empty command');
  return words;
}
