import { dirname, join, resolve } from 'node:path';
import { z } from 'zod';
import { profileChoice } from '@quantix/lib/terminal/profile';
import { splitCommand } from './effects/command.ts';

const command = z
  .string()
  .min(1)
  .transform((s, ctx) => {
    try {
      const argv = splitCommand(s);
      if (argv.length === 0) ctx.addIssue({ code: 'custom', message: 'an empty command' });
      return argv;
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: (err as Error).message });
      return z.NEVER;
    }
  });

/** What the command line and the environment give; everything optional, defaults below. */
export const consoleConfigInput = z.strictObject({
  nodeDataDir: z.string().min(1).default('/var/lib/quantix/node'),
  socket: z.string().min(1).optional(),
  auditLog: z.string().min(1).optional(),
  stateDir: z.string().min(1).optional(),
  profile: profileChoice.default('auto'),
  serial: z.boolean().default(false),
  nodeCommand: command.optional(),
  nodeUnit: z.string().min(1).default('qx-node.service'),
  rebootCommand: command.default(['/sbin/reboot']),
  poweroffCommand: command.default(['/sbin/poweroff']),
  shell: command.default(['/bin/bash', '-l']),
  allowExit: z.boolean().default(false),
  apiPort: z.coerce.number().int().min(1).max(65535).default(8443),
  authMinutes: z.coerce.number().int().min(1).max(60).default(5),
  refreshSeconds: z.coerce.number().int().min(1).max(300).default(10),
  vmShutdownSeconds: z.coerce.number().int().min(10).max(3600).default(120),
  releaseFile: z.string().min(1).default('/etc/quantix/release'),
  nodeLogFile: z.string().min(1).optional(),
});
export type ConsoleConfigInput = z.input<typeof consoleConfigInput>;

export interface ConsoleConfig {
  nodeDataDir: string;
  socket: string;
  auditLog: string;
  stateDir: string;
  profile: z.infer<typeof profileChoice>;
  /** argv that starts qx-node (no systemd). */
  nodeCommand: string[];
  nodeUnit: string;
  rebootCommand: string[];
  poweroffCommand: string[];
  shell: string[];
  allowExit: boolean;
  apiPort: number;
  authMinutes: number;
  refreshSeconds: number;
  vmShutdownSeconds: number;
  releaseFile: string;
  /** Files derived from the node data dir. */
  nodeStoreFile: string;
  nodePidFile: string;
  nodeLogFile: string;
}

/** The environment names shared with qx-node (one set of QX_* variables configures both). */
export function configFromEnv(env: NodeJS.ProcessEnv): Partial<ConsoleConfigInput> {
  const out: Partial<ConsoleConfigInput> = {};
  if (env.QX_DATA_DIR) out.nodeDataDir = env.QX_DATA_DIR;
  if (env.QX_SOCKET) out.socket = env.QX_SOCKET;
  if (env.QX_AUDIT_LOG) out.auditLog = env.QX_AUDIT_LOG;
  if (env.QX_PORT && env.QX_PORT !== '0') out.apiPort = env.QX_PORT;
  if (env.QX_LOG_FILE) out.nodeLogFile = env.QX_LOG_FILE;
  return out;
}

/** `bundleDir`: where qx-console.mjs is; qx-node.mjs is expected beside it. */
export function resolveConfig(input: ConsoleConfigInput, bundleDir: string, execPath = process.execPath): ConsoleConfig {
  const c = consoleConfigInput.parse(input);
  const nodeDataDir = resolve(c.nodeDataDir);
  return {
    nodeDataDir,
    socket: resolve(c.socket ?? join(nodeDataDir, 'qx-node.sock')),
    auditLog: resolve(c.auditLog ?? join(nodeDataDir, 'audit.log')),
    stateDir: resolve(c.stateDir ?? join(nodeDataDir, 'console')),
    profile: c.serial ? 'serial' : c.profile,
    nodeCommand: c.nodeCommand ?? [execPath, join(bundleDir, 'qx-node.mjs')],
    nodeUnit: c.nodeUnit,
    rebootCommand: c.rebootCommand,
    poweroffCommand: c.poweroffCommand,
    shell: c.shell,
    allowExit: c.allowExit,
    apiPort: c.apiPort,
    authMinutes: c.authMinutes,
    refreshSeconds: c.refreshSeconds,
    vmShutdownSeconds: c.vmShutdownSeconds,
    releaseFile: c.releaseFile,
    nodeStoreFile: join(nodeDataDir, 'node.json'),
    nodePidFile: join(nodeDataDir, 'qx-node.pid'),
    nodeLogFile: resolve(c.nodeLogFile ?? join(nodeDataDir, 'logs', 'qx-node.log')),
  };
}

export function bundleDirOf(scriptPath: string | undefined): string {
  return dirname(resolve(scriptPath ?? '.'));
}
