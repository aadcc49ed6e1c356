import { chmod, mkdir, rm, writeFile } from 'node:fs/promises';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { connect } from 'node:net';
import { hostname } from 'node:os';
import { createAdaptorServer } from '@hono/node-server';
import { PRODUCT_VERSION } from '@quantix/lib/api';
import { EventBus } from '@quantix/lib/events';
import { JobManager } from '@quantix/lib/jobs';
import { AuditLog } from '@quantix/lib/audit';
import { readAdminHashFile, writeAdminHashFile } from './auth/admin-hash-file.ts';
import { AuthService } from './auth/auth-service.ts';
import { createLog } from './log.ts';
import { NetworkService } from './network/network-service.ts';
import { RegistrationService } from './registration/registration-service.ts';
import { SshService } from './ssh/ssh-service.ts';
import { SystemService } from './system/system-service.ts';
import type { NodeConfig } from './config.ts';
import { HostInfo } from './host/host-info.ts';
import { createApp } from './http/app.ts';
import { attachEventStream } from './http/events-ws.ts';
import type { Transport } from './http/types.ts';
import { openNodeStore } from './node-store.ts';
import { ensureTlsCertificate } from './tls.ts';
import { LibvirtBackend } from './vms/libvirt-backend.ts';
import { VmService } from './vms/vm-service.ts';

export interface RunningNode {
  url: string;
  socketPath: string;
  fingerprint256: string | null;
  close(): Promise<void>;
}


/** A stale socket file from a killed daemon is removed; a live one means another qx-node runs. */
async function clearStaleSocket(path: string): Promise<void> {
  const alive = await new Promise<boolean>((resolve) => {
    const s = connect(path, () => {
      s.destroy();
      resolve(true);
    });
    s.on('error', () => resolve(false));
  });
  if (alive) throw new Error(`another qx-node is already listening on ${path}`);
  await rm(path, { force: true });
}

function listen(server: Server, target: { port: number; host: string } | { path: string }): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(target, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/** The appliance's admin.json, when the store has no password yet (first start after an install or a reset). */
async function importAdminHash(auth: AuthService, path: string, log: (line: string) => void): Promise<void> {
  try {
    const hash = await readAdminHashFile(path);
    if (hash === null) return;
    await auth.setPasswordHash(hash);
    log(`admin password imported from ${path}`);
  } catch (err) {
    log(`admin password not imported: ${err instanceof Error ? err.message : String(err)}`);
  }
}

export async function startNode(config: NodeConfig, env: NodeJS.ProcessEnv = process.env): Promise<RunningNode> {
  await mkdir(config.dataDir, { recursive: true, mode: 0o700 });
  await mkdir(config.logDir, { recursive: true, mode: 0o700 });
  const log = createLog(config.logFile);
  const audit = new AuditLog(config.auditLog);
  const store = await openNodeStore(`${config.dataDir}/node.json`);
  const hashFile = config.adminHashFile;
  const auth = new AuthService(store, {
    sessionTtlSeconds: config.sessionTtlSeconds,
    maxFailures: 5,
    lockoutSeconds: 300,
    // The appliance keeps the hash on the config partition too, so that a reinstall and the console agree.
    onPasswordHash: hashFile ? (hash) => writeAdminHashFile(hashFile, hash) : undefined,
  });
  if (hashFile && !auth.hasPassword) await importAdminHash(auth, hashFile, log);
  if (env.QX_ADMIN_PASSWORD && !(await auth.passwordMatches(env.QX_ADMIN_PASSWORD))) {
    await auth.setPassword(env.QX_ADMIN_PASSWORD);
    log('admin password set from QX_ADMIN_PASSWORD');
  }

  const backend = await LibvirtBackend.open({ uri: config.libvirtUri, poolName: config.poolName, poolDir: config.poolDir, log });
  const bus = new EventBus();
  const jobs = new JobManager({
    previous: store.read().jobs,
    onChange: (job) => bus.publish('job.updated', job),
    persist: (all) => store.update((doc) => void (doc.jobs = all.slice(0, 200))),
    onPersistError: (err) => log(`could not save jobs: ${err instanceof Error ? err.message : String(err)}`),
  });
  const vms = new VmService({ store, backend, jobs, bus, poolDir: config.poolDir, logDir: config.logDir, log });
  await vms.reconcile();
  const api = { listen: config.listen, port: config.port, tls: !config.insecureHttp };
  const host = new HostInfo({
    api: () => api,
    backend,
    accelReason: backend.accelReason,
    vmCounts: () => {
      const all = vms.list();
      return { total: all.length, running: all.filter((v) => v.state === 'running').length };
    },
  });
  const tls = config.insecureHttp ? null : await ensureTlsCertificate(`${config.dataDir}/tls`, hostname());
  const registration = new RegistrationService({
    store,
    audit,
    fingerprint256: tls?.fingerprint256 ?? null,
    accel: backend.accel,
    hardware: async () => {
      const h = await host.read();
      return { cpuThreads: h.cpu.threads, memoryBytes: h.memory.totalBytes };
    },
  });
  // The console shows the registration token from the first start on.
  if (!store.read().registration.token) await registration.regenerate('qx-node');
  const network = await NetworkService.open({
    configPath: config.networkConfig,
    netns: config.mgmtNetns,
    root: config.netRoot,
    jobs,
    audit,
    log,
    vdcUrl: () => null,
  });
  const networkAtStart = config.networkApplyAtStart
    ? network.applySaved().then(
        (done) => log(`network: ${done ?? `nothing saved in ${config.networkConfig}; the management network is left as it is`}`),
        (err: unknown) => log(`network: applying the saved configuration at start failed, running on without it: ${err instanceof Error ? err.message : String(err)}`),
      )
    : Promise.resolve();
  const system = await SystemService.open({
    cmdline: config.cmdline,
    grubenv: config.grubenv,
    slots: { A: config.slotA, B: config.slotB },
    releaseFile: config.releaseFile,
    bootConfig: config.bootConfig,
    rebootCommand: config.rebootCommand,
    jobs,
    audit,
    log,
  });
  const ssh = await SshService.open({
    dir: `${config.dataDir}/ssh`,
    port: config.sshPort,
    listen: config.sshListen,
    sshdPath: config.sshdPath,
    audit,
    log,
  });
  const app = createApp({ auth, vms, jobs, host, registration, network, ssh, system, log });
  const events = attachEventStream(bus, auth);
  const fetchFor = (transport: Transport) => (req: Request, envs: Record<string, unknown>) => app.fetch(req, { ...envs, transport });

  const tcp = (
    tls
      ? createAdaptorServer({ fetch: fetchFor('tcp'), createServer: createHttpsServer, serverOptions: { key: tls.key, cert: tls.cert } })
      : createAdaptorServer({ fetch: fetchFor('tcp'), createServer: createHttpServer })
  ) as Server;
  const local = createAdaptorServer({ fetch: fetchFor('unix'), createServer: createHttpServer }) as Server;
  // A system image upload (POST /system/update) may take longer than Node's default 5 minutes per request.
  for (const server of [tcp, local]) server.requestTimeout = 2 * 3600 * 1000;
  tcp.on('upgrade', events.handle('tcp'));
  local.on('upgrade', events.handle('unix'));

  await listen(tcp, { port: config.port, host: config.listen });
  await clearStaleSocket(config.socketPath);
  await listen(local, { path: config.socketPath });
  await chmod(config.socketPath, 0o600);
  // For the console's "restart management services" and for supervisors.
  await writeFile(`${config.dataDir}/qx-node.pid`, `${process.pid}\n`, { mode: 0o644 });

  const address = tcp.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  api.port = port;
  const host6 = config.listen.includes(':') ? `[${config.listen}]` : config.listen;
  const url = `${tls ? 'https' : 'http'}://${host6}:${port}`;
  log(`qx-node ${PRODUCT_VERSION} listening on ${url} and ${config.socketPath} (accel ${backend.accel}: ${backend.accelReason})`);
  if (tls) log(`TLS certificate SHA-256 fingerprint ${tls.fingerprint256}${tls.generated ? ' (new)' : ''}`);
  if (!auth.hasPassword) {
    log('no admin password is set: run "qx-node set-password" (or start with QX_ADMIN_PASSWORD=...) before logging in');
  }
  log(
    `system: ${system.mode}${system.release.version ? ` ${system.release.name ?? 'Quantix'} ${system.release.version} (build ${system.release.buildId ?? '?'})` : ''}` +
      `${system.bootedSlot ? `, booted from slot ${system.bootedSlot}` : ''}`,
  );
  // Healthy: the store is open, libvirt answered and the API listens. A trial boot of an update is kept now.
  await system.commitIfTrial();

  let closed = false;
  return {
    url,
    socketPath: config.socketPath,
    fingerprint256: tls?.fingerprint256 ?? null,
    async close() {
      if (closed) return;
      closed = true;
      events.close();
      tcp.closeAllConnections?.();
      local.closeAllConnections?.();
      await Promise.all([new Promise((r) => tcp.close(r)), new Promise((r) => local.close(r))]);
      await networkAtStart;
      await network.close();
      await ssh.close();
      await jobs.idle();
      backend.close();
      await rm(config.socketPath, { force: true });
      await rm(`${config.dataDir}/qx-node.pid`, { force: true });
    },
  };
}
