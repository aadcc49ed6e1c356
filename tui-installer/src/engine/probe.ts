import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { EngineConfig } from './config.ts';
import { analyzeDisks, deviceMountedAt, LSBLK_ARGV, type DiskInfo } from './disks.ts';
import type { Runner } from './exec.ts';
import { IP_ADDR_ARGV, parseNics, type Nic } from './nics.ts';

/** The disks of this machine, each with the reasons it cannot be the target. */
export async function listDisks(cfg: EngineConfig, runner: Runner): Promise<DiskInfo[]> {
  const mounts = await readFile(cfg.mountsFile, 'utf8').catch(() => '');
  const out = await runner.run(LSBLK_ARGV, { quietStdout: true });
  return analyzeDisks(JSON.parse(out.stdout), { mediumDir: cfg.mediumDir, mediumDevice: deviceMountedAt(mounts, cfg.mediumDir), includeLoop: cfg.includeLoop });
}

/**
 * The machine's NICs. With `bringUp`, physical NICs that are down are brought up (a link only reports
 * carrier when it is up) and read again after a moment.
 */
export async function listNics(cfg: EngineConfig, runner: Runner, o: { bringUp: boolean; settleMs?: number } = { bringUp: true }): Promise<Nic[]> {
  const physical = (name: string) => existsSync(join(cfg.sysNetDir, name, 'device'));
  const read = async () => parseNics(JSON.parse((await runner.run(IP_ADDR_ARGV, { quietStdout: true })).stdout), physical);
  const first = await read();
  const down = first.filter((n) => n.physical && !n.up);
  if (down.length === 0 || !o.bringUp) return first;
  for (const n of down) await runner.run(['ip', 'link', 'set', 'dev', n.name, 'up'], { allowFail: true });
  await new Promise((r) => setTimeout(r, o.settleMs ?? 2000));
  return read();
}
