/** libvirt and QEMU versions from `virsh version` (for GET /api/v1/host). */
import type { Virsh } from './virsh.ts';

export interface HypervisorVersions {
  /** Version of the libvirt library virsh uses, e.g. "9.0.0". */
  libvirtVersion: string;
  /** libvirtd's own version ("Running against daemon: 9.0.0", from `version --daemon`); null when not printed. */
  libvirtDaemonVersion: string | null;
  /** QEMU binary the daemon runs, e.g. "7.2.22"; null when virsh could not tell (no hypervisor connection). */
  qemuVersion: string | null;
  /** "QEMU" normally. */
  hypervisor: string | null;
}

/**
 * Parse `virsh version`:
 *   Compiled against library: libvirt 9.0.0
 *   Using library: libvirt 9.0.0
 *   Using API: QEMU 9.0.0
 *   Running hypervisor: QEMU 7.2.22
 *   Running against daemon: 9.0.0        (with --daemon)
 */
export function parseVirshVersion(output: string): HypervisorVersions {
  const field = (label: string): RegExpExecArray | null =>
    new RegExp(`^\\s*${label}:\\s*(\\S+)\\s+(\\S+)\\s*$`, 'm').exec(output);
  const library = field('Using library');
  const daemon = /^\s*Running against daemon:\s*(\S+)\s*$/m.exec(output);
  const running = field('Running hypervisor');
  if (!library?.[2]) throw new Error(`unrecognised virsh version output: ${JSON.stringify(output.slice(0, 200))}`);
  return {
    libvirtVersion: library[2],
    libvirtDaemonVersion: daemon?.[1] ?? null,
    qemuVersion: running?.[2] ?? null,
    hypervisor: running?.[1] ?? null,
  };
}

export async function getVersions(virsh: Virsh): Promise<HypervisorVersions> {
  return parseVirshVersion(await virsh.run(['version', '--daemon']));
}
