import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { z } from 'zod';

const run = promisify(execFile);

const lsblkOutput = z.object({
  blockdevices: z.array(
    z.object({
      name: z.string(),
      type: z.string(),
      size: z.coerce.number().nullable(),
      model: z.string().nullable().optional(),
      rm: z.union([z.boolean(), z.string()]).nullable().optional(),
      rota: z.union([z.boolean(), z.string()]).nullable().optional(),
      tran: z.string().nullable().optional(),
    }),
  ),
});

export interface BlockDevice {
  device: string;
  model: string;
  sizeBytes: number;
  type: string;
  removable: boolean;
}

const truthy = (v: boolean | string | null | undefined) => v === true || v === '1';

/** Physical disks as `lsblk -J` reports them; RAM disks, loop devices and empty drives are left out. */
export function parseLsblk(json: string): BlockDevice[] {
  return lsblkOutput
    .parse(JSON.parse(json))
    .blockdevices.filter((d) => d.type === 'disk' && (d.size ?? 0) > 0 && !/^(zram|loop|ram)/.test(d.name))
    .map((d) => ({
      device: `/dev/${d.name}`,
      model: d.model?.trim() || (d.name.startsWith('vd') ? 'virtio disk' : 'unknown'),
      sizeBytes: d.size ?? 0,
      type: d.name.startsWith('nvme') ? 'NVMe' : truthy(d.rota) ? 'HD' : 'SSD',
      removable: truthy(d.rm) || d.tran === 'usb',
    }));
}

export async function listBlockDevices(): Promise<BlockDevice[]> {
  const { stdout } = await run('lsblk', ['-J', '-b', '-d', '-o', 'NAME,TYPE,SIZE,MODEL,RM,ROTA,TRAN'], { timeout: 10_000 });
  return parseLsblk(stdout);
}
