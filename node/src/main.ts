import { existsSync } from 'node:fs';
import { Command, Option } from 'commander';
import { PRODUCT_VERSION, errorEnvelope } from '@quantix/lib/api';
import { AuthService } from './auth/auth-service.ts';
import { passwordProblems } from '@quantix/lib/auth';
import { configFromEnv, resolveConfig, type NodeConfigInput } from './config.ts';
import { startNode } from './daemon.ts';
import { localRequest } from './local-request.ts';
import { openNodeStore } from './node-store.ts';
import { readSecret } from './read-secret.ts';

function configFrom(opts: Record<string, unknown>): ReturnType<typeof resolveConfig> {
  const fromCli: Record<string, unknown> = {};
  for (const key of ['listen', 'port', 'dataDir', 'socketPath', 'libvirtUri', 'poolName', 'poolDir', 'sessionTtlSeconds', 'insecureHttp']) {
    if (opts[key] !== undefined) fromCli[key] = opts[key];
  }
  return resolveConfig({ ...configFromEnv(process.env), ...fromCli } as NodeConfigInput);
}

const program = new Command('qx-node')
  .description('Quantix node daemon: REST + WebSocket API for VMs on this host (libvirt/QEMU)')
  .version(PRODUCT_VERSION)
  .option('--listen <address>', 'address for the HTTPS API (env QX_LISTEN)', undefined)
  .option('--port <port>', 'port for the HTTPS API (env QX_PORT, default 8443)')
  .option('--data-dir <dir>', 'where state, TLS keys, disks and logs live (env QX_DATA_DIR, default ./var/node)')
  .option('--socket-path <path>', 'unix socket for local clients (env QX_SOCKET, default <data-dir>/qx-node.sock)')
  .option('--libvirt-uri <uri>', 'libvirt connection (env QX_LIBVIRT_URI, default qemu:///system)')
  .option('--pool-name <name>', 'libvirt storage pool for VM disks (env QX_POOL_NAME, default qx-local)')
  .option('--pool-dir <dir>', 'directory of that pool (env QX_POOL_DIR, default <data-dir>/pool)')
  .addOption(new Option('--session-ttl-seconds <n>', 'how long a login lasts (env QX_SESSION_TTL_SECONDS, default 28800)'))
  .option('--insecure-http', 'serve plain HTTP instead of HTTPS (development only; env QX_INSECURE_HTTP=1)')
  .action(async (opts) => {
    const config = configFrom(opts);
    const node = await startNode(config);
    const stop = async (signal: string) => {
      console.log(`${new Date().toISOString()} ${signal}: stopping (VMs keep running)`);
      await node.close();
      process.exit(0);
    };
    process.once('SIGINT', () => void stop('SIGINT'));
    process.once('SIGTERM', () => void stop('SIGTERM'));
  });

program
  .command('set-password')
  .description('set the admin password (read from the terminal without echo, or from stdin)')
  .option('--data-dir <dir>', 'data directory of the node (env QX_DATA_DIR)')
  .action(async (opts) => {
    const config = configFrom({ ...program.opts(), ...opts });
    const password = await readSecret('New admin password: ');
    if (process.stdin.isTTY && (await readSecret('Repeat it: ')) !== password) {
      console.error('The two passwords differ; nothing was changed.');
      process.exit(1);
    }
    const problems = passwordProblems(password);
    if (problems.length) {
      console.error(`Password refused: ${problems.join('; ')}.`);
      process.exit(1);
    }
    if (existsSync(config.socketPath)) {
      // A running daemon owns the store: ask it, so its copy and the file never disagree.
      const answer = await localRequest(config.socketPath, 'POST', '/api/v1/auth/password', { newPassword: password }).catch(() => null);
      if (answer?.status === 204) {
        console.log('Admin password changed through the running qx-node; open sessions were ended.');
        return;
      }
      if (answer) {
        const error = errorEnvelope.safeParse(answer.body);
        throw new Error(error.success ? error.data.error.message : `qx-node answered ${answer.status}`);
      }
    }
    const store = await openNodeStore(`${config.dataDir}/node.json`);
    await new AuthService(store, { sessionTtlSeconds: 1, maxFailures: 1, lockoutSeconds: 1 }).setPassword(password);
    console.log(`Admin password set in ${config.dataDir}/node.json.`);
  });

program.parseAsync().catch((err: unknown) => {
  console.error(`qx-node: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
