import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Command, Option } from 'commander';
import { PRODUCT_VERSION, errorEnvelope, type Job, type SystemRebootAccepted, type SystemState } from '@quantix/lib/api';
import { writeAdminHashFile } from './auth/admin-hash-file.ts';
import { AuthService } from './auth/auth-service.ts';
import { passwordProblems } from '@quantix/lib/auth';
import { configFromEnv, resolveConfig, type NodeConfigInput } from './config.ts';
import { startNode } from './daemon.ts';
import { localRequest, localUpload } from './local-request.ts';
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
    const hashFile = config.adminHashFile;
    await new AuthService(store, {
      sessionTtlSeconds: 1,
      maxFailures: 1,
      lockoutSeconds: 1,
      onPasswordHash: hashFile ? (hash) => writeAdminHashFile(hashFile, hash) : undefined,
    }).setPassword(password);
    console.log(`Admin password set in ${config.dataDir}/node.json${hashFile ? ` and ${hashFile}` : ''}.`);
  });

/** The answer's error message, or a fallback naming the status. */
function failure(answer: { status: number; body: unknown }): Error {
  const error = errorEnvelope.safeParse(answer.body);
  return new Error(error.success ? `${error.data.error.message} (${error.data.error.code})` : `qx-node answered ${answer.status}`);
}

/** One progress line: rewritten in place on a terminal, one line per 10 % (and per new step) otherwise. */
function progressPrinter() {
  const tty = process.stdout.isTTY;
  let last = '';
  return {
    show(step: string, fraction: number, text: string) {
      const key = `${step} ${Math.floor(fraction * 10)}`;
      if (tty) process.stdout.write(`\r\x1b[K${text}`);
      else if (key !== last) console.log(text);
      last = key;
    },
    end() {
      if (tty) process.stdout.write('\n');
    },
  };
}

async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file, { highWaterMark: 1024 * 1024 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

program
  .command('update <file>')
  .description('write a system image (system.sqfs) to the inactive slot through the running qx-node, verify it and arm it for one trial boot')
  .option('--reboot', 'reboot into the new system once it is armed')
  .option('--data-dir <dir>', 'data directory of the node (env QX_DATA_DIR)')
  .action(async (file: string, opts: { reboot?: boolean }) => {
    const config = configFrom({ ...program.opts(), ...opts });
    if (!existsSync(config.socketPath)) throw new Error(`qx-node is not running here (no socket ${config.socketPath}); start it first`);
    const size = (await stat(file)).size;
    const before = await localRequest(config.socketPath, 'GET', '/api/v1/system');
    if (before.status !== 200) throw failure(before);
    const system = before.body as SystemState;
    if (!system.update.possible) throw new Error(system.update.reason ?? 'an update is not possible now');
    console.log(`Checking ${file} (${(size / 1048576).toFixed(1)} MiB)…`);
    const sha256 = await sha256File(file);
    console.log(`SHA-256 ${sha256}; writing it to slot ${system.update.targetSlot} (${system.slots[system.update.targetSlot!].device})`);
    const out = progressPrinter();
    const answer = await localUpload(config.socketPath, `/api/v1/system/update?sha256=${sha256}`, file, size, (sent) =>
      out.show('upload', sent / size, `Sending: ${Math.floor((100 * sent) / size)} % (${(sent / 1048576).toFixed(0)} of ${(size / 1048576).toFixed(0)} MiB)`),
    );
    out.end();
    if (answer.status !== 202) throw failure(answer);
    let job = answer.body as Job;
    const follow = progressPrinter();
    while (!['succeeded', 'failed', 'cancelled'].includes(job.state)) {
      follow.show(job.message.split(':')[0]!, job.progress, `${Math.floor(job.progress * 100)} % ${job.message}`);
      await new Promise((r) => setTimeout(r, 300));
      const next = await localRequest(config.socketPath, 'GET', `/api/v1/jobs/${job.id}`);
      if (next.status !== 200) throw failure(next);
      job = next.body as Job;
    }
    follow.end();
    if (job.state !== 'succeeded') {
      console.error(`Update failed: ${job.error?.message ?? job.message}${job.error ? ` (${job.error.code})` : ''}`);
      process.exit(1);
    }
    const target = system.update.targetSlot!;
    console.log(`Slot ${target} is armed: reboot to start the new system (it falls back to slot ${target === 'A' ? 'B' : 'A'} if it does not come up).`);
    if (opts.reboot) {
      const reboot = await localRequest(config.socketPath, 'POST', '/api/v1/system/reboot', { confirm: true });
      if (reboot.status !== 202) throw failure(reboot);
      console.log(`Rebooting into slot ${(reboot.body as SystemRebootAccepted).nextBootSlot ?? '?'}.`);
    }
  });

program.parseAsync().catch((err: unknown) => {
  console.error(`qx-node: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
