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
} as const;

export function configFromEnv(env: NodeJS.ProcessEnv): NodeConfigInput {
  const out: Record<string, unknown> = {};
  for (const [key, name] of Object.entries(envNames)) if (env[name]) out[key] = env[name];
  if (env.QX_INSECURE_HTTP === '1') out.insecureHttp = true;
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
  };
}
