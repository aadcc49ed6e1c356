import { resolve } from 'node:path';
import { z } from 'zod';

// 0 asks the kernel for a free port (tests); the log line says which one.
const port = z.coerce.number().int().min(0).max(65535);

export const nodeConfig = z.strictObject({
  listen: z.string().min(1).default('127.0.0.1'),
  port: port.default(8443),
  dataDir: z.string().min(1).default('./var/node'),
  socketPath: z.string().min(1).optional(),
  insecureHttp: z.boolean().default(false),
  libvirtUri: z.string().min(1).default('qemu:///system'),
  poolName: z.string().regex(/^[A-Za-z0-9_.-]+$/).default('qx-local'),
  poolDir: z.string().min(1).optional(),
  sessionTtlSeconds: z.coerce.number().int().min(60).max(30 * 86400).default(8 * 3600),
  auditLog: z.string().min(1).optional(),
  logFile: z.string().min(1).optional(),
  sshPort: port.default(22),
  sshListen: z.string().min(1).default('0.0.0.0'),
  sshdPath: z.string().min(1).default('/usr/sbin/sshd'),
  mgmtNetns: z.string().regex(/^[A-Za-z0-9_.-]+$/).optional(),
  netRoot: z.string().min(1).default('/'),
  networkConfig: z.string().min(1).optional(),
  networkApplyAtStart: z.boolean().default(false),
  adminHashFile: z.string().min(1).optional(),
  cmdline: z.string().min(1).default('/proc/cmdline'),
  grubenv: z.string().min(1).default('/boot/efi/grub/grubenv'),
  slotA: z.string().min(1).default('/dev/disk/by-partlabel/QX_SYSTEM_A'),
  slotB: z.string().min(1).default('/dev/disk/by-partlabel/QX_SYSTEM_B'),
  releaseFile: z.string().min(1).default('/etc/quantix/release'),
  bootConfig: z.string().min(1).default('/quantix/boot.json'),
  rebootCommand: z.string().trim().min(1).default('/sbin/reboot'),
});
export type NodeConfigInput = z.input<typeof nodeConfig>;

export interface NodeConfig {
  listen: string;
  port: number;
  dataDir: string;
  socketPath: string;
  insecureHttp: boolean;
  libvirtUri: string;
  poolName: string;
  poolDir: string;
  logDir: string;
  sessionTtlSeconds: number;
  /** JSON-lines audit log shared with the console. */
  auditLog: string;
  /** qx-node's own log (also on stdout); the console shows its tail. */
  logFile: string;
  sshPort: number;
  sshListen: string;
  sshdPath: string;
  /** Network namespace holding the management NIC (tests); null: the host's own. */
  mgmtNetns: string | null;
  /** Where /etc/hostname and /etc/resolv.conf are written ("/" on a host; a directory in tests). */
  netRoot: string;
  networkConfig: string;
  /** Apply the saved management network at start, without the confirm/rollback (the appliance's boot). */
  networkApplyAtStart: boolean;
  /** `{ "hash": "scrypt$…" }` (the appliance's /quantix/admin.json): imported when the store has no password, kept in step. */
  adminHashFile: string | null;
  /** Where the kernel command line is read (quantix.slot=, quantix.live=). */
  cmdline: string;
  /** GRUB's environment block with the A/B boot variables. */
  grubenv: string;
  slotA: string;
  slotB: string;
  /** key=value lines NAME VERSION BUILD_ID PROFILE of the running image. */
  releaseFile: string;
  /** `{ "trialTimeoutSeconds": 300 }`, written by the installer. */
  bootConfig: string;
  /** Run (argv split on spaces, no shell) by POST /system/reboot. */
  rebootCommand: string;
}

/** Environment variables that configure qx-node; command-line options win over them. */
export const envNames = {
  listen: 'QX_LISTEN',
  port: 'QX_PORT',
  dataDir: 'QX_DATA_DIR',
  socketPath: 'QX_SOCKET',
  libvirtUri: 'QX_LIBVIRT_URI',
  poolName: 'QX_POOL_NAME',
  poolDir: 'QX_POOL_DIR',
  sessionTtlSeconds: 'QX_SESSION_TTL_SECONDS',
  auditLog: 'QX_AUDIT_LOG',
  logFile: 'QX_LOG_FILE',
  sshPort: 'QX_SSH_PORT',
  sshListen: 'QX_SSH_LISTEN',
  sshdPath: 'QX_SSHD',
  mgmtNetns: 'QX_MGMT_NETNS',
  netRoot: 'QX_NET_ROOT',
  networkConfig: 'QX_NETWORK_CONFIG',
  adminHashFile: 'QX_ADMIN_HASH_FILE',
  cmdline: 'QX_CMDLINE',
  grubenv: 'QX_GRUBENV',
  slotA: 'QX_SLOT_A',
  slotB: 'QX_SLOT_B',
  releaseFile: 'QX_RELEASE_FILE',
  bootConfig: 'QX_BOOT_CONFIG',
  rebootCommand: 'QX_REBOOT_COMMAND',
} as const;

export function configFromEnv(env: NodeJS.ProcessEnv): NodeConfigInput {
  const out: Record<string, unknown> = {};
  for (const [key, name] of Object.entries(envNames)) if (env[name]) out[key] = env[name];
  if (env.QX_INSECURE_HTTP === '1') out.insecureHttp = true;
  if (env.QX_NETWORK_APPLY_AT_START === '1') out.networkApplyAtStart = true;
  return out as NodeConfigInput;
}

export function resolveConfig(input: NodeConfigInput): NodeConfig {
  const c = nodeConfig.parse(input);
  const dataDir = resolve(c.dataDir);
  return {
    ...c,
    dataDir,
    socketPath: resolve(c.socketPath ?? `${dataDir}/qx-node.sock`),
    poolDir: resolve(c.poolDir ?? `${dataDir}/pool`),
    logDir: `${dataDir}/logs`,
    auditLog: resolve(c.auditLog ?? `${dataDir}/audit.log`),
    logFile: resolve(c.logFile ?? `${dataDir}/logs/qx-node.log`),
    mgmtNetns: c.mgmtNetns ?? null,
    netRoot: resolve(c.netRoot),
    networkConfig: resolve(c.networkConfig ?? `${dataDir}/network.json`),
    adminHashFile: c.adminHashFile ? resolve(c.adminHashFile) : null,
    cmdline: resolve(c.cmdline),
    grubenv: resolve(c.grubenv),
    slotA: resolve(c.slotA),
    slotB: resolve(c.slotB),
    releaseFile: resolve(c.releaseFile),
    bootConfig: resolve(c.bootConfig),
  };
}
