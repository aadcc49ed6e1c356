import { execFile } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { constants } from 'node:fs';
import { access, chmod, lstat, mkdir, mkdtemp, open, readFile, readlink, rename, rm, symlink } from 'node:fs/promises';
import { hostname as osHostname } from 'node:os';
import { basename, delimiter, dirname, join } from 'node:path';
import { z } from 'zod';
import {
  managementNetwork,
  networkTestResult,
  type ManagementNetwork,
  type NetworkApply,
  type NetworkState,
  type NetworkTestResult,
  type Job,
} from '@quantix/lib/api';
import type { AuditLog } from '@quantix/lib/audit';
import { ApiError } from '@quantix/lib/errors';
import type { JobContext, JobManager } from '@quantix/lib/jobs';
import { managementNics, parseAddrs, parseLinks, parseRoutes, parseSpeed, type IpAddr, type IpLink, type IpRoute } from './ip-json.ts';
import {
  checkConfig,
  describeLive,
  dhclientStopArgv,
  dhcpArgv,
  dhcpScript,
  ifaceOf,
  ipArgv,
  networkSnapshot,
  nsExecArgv,
  parseLease,
  parseResolvConf,
  planAddress,
  planApply,
  planRollback,
  resolvConfText,
  snapshotDifferences,
  takeSnapshot,
  type Argv,
  type DhcpClient,
  type DhcpLease,
  type FileSnapshot,
  type NetworkSnapshot,
} from './network-plan.ts';
import { dnsQuery, parseDnsReply, parsePingMs, parseProbeOutput, probeArgs, tcpConnect, udpExchange, vdcTarget, type ProbeResult } from './probes.ts';

export interface NetworkServiceOptions {
  configPath: string;
  netns: string | null;
  root: string;
  jobs: JobManager;
  audit: AuditLog;
  log: (line: string) => void;
  vdcUrl: () => string | null;
}

type NetworkCheck = NetworkTestResult['checks'][number];
type Decision = 'confirm' | 'timeout' | 'cancel' | 'shutdown';

const PROBE_TIMEOUT_MS = 2000;
const IP_TIMEOUT_MS = 15_000;
const DHCP_TIMEOUT_MS = 20_000;

/** What survives a crash of qx-node while a change waits for confirmation: enough to put everything back. */
const pendingFile = z.object({
  version: z.literal(1),
  jobId: z.string(),
  actor: z.string(),
  config: managementNetwork,
  previous: managementNetwork.nullable(),
  rollbackAt: z.string(),
  test: networkTestResult.nullable(),
  snapshot: networkSnapshot,
});
type PendingFile = z.infer<typeof pendingFile>;

interface Deferred<T> {
  promise: Promise<T>;
  resolve: (v: T) => void;
  reject: (e: unknown) => void;
}
function deferred<T>(): Deferred<T> {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  promise.catch(() => undefined);
  return { promise, resolve, reject };
}

interface Pending {
  jobId: string;
  actor: string;
  config: ManagementNetwork;
  previous: ManagementNetwork | null;
  rollbackAt: string;
  test: NetworkTestResult | null;
  snapshot: NetworkSnapshot;
  /** The first decision wins: confirm, deadline, cancel or daemon shutdown. */
  decision: Decision | null;
  decided: Deferred<Decision>;
  /** Settles once the change is applied and tested (rejects when applying failed). */
  ready: Deferred<void>;
  /** Settles once confirm() has saved the configuration. */
  saved: Deferred<void>;
  /** Settles when the job's runner has finished, whatever the outcome. */
  finished: Deferred<void>;
}

class CommandError extends Error {
  constructor(
    readonly argv: Argv,
    readonly stderr: string,
    cause: unknown,
  ) {
    super(`${argv.join(' ')}: ${stderr.trim() || (cause instanceof Error ? cause.message : String(cause))}`);
  }
}

async function exec(argv: Argv, o: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<string> {
  const [file, ...args] = argv;
  return new Promise((resolve, reject) => {
    execFile(
      file!,
      args,
      { timeout: o.timeoutMs ?? IP_TIMEOUT_MS, signal: o.signal, maxBuffer: 16 * 1024 * 1024, encoding: 'utf8', killSignal: 'SIGKILL' },
      (err, stdout, stderr) => (err ? reject(Object.assign(new CommandError(argv, stderr ?? '', err), { stdout })) : resolve(stdout)),
    );
  });
}

/** An executable on PATH (and the sbin directories a daemon's PATH may lack). */
async function which(name: string): Promise<string | null> {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/local/sbin', '/usr/sbin', '/sbin', '/usr/bin', '/bin'];
  for (const dir of dirs.filter(Boolean)) {
    const path = join(dir, name);
    try {
      await access(path, constants.X_OK);
      return path;
    } catch {
      // not here
    }
  }
  return null;
}

/** Write, fsync, rename over, fsync the directory: a crash leaves the old file or the new one, never half of one. */
async function writeFileAtomic(path: string, text: string, mode = 0o644): Promise<void> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true });
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${randomInt(1e9)}.tmp`);
  const file = await open(tmp, 'wx', mode);
  try {
    await file.writeFile(text, 'utf8');
    await file.sync();
  } finally {
    await file.close();
  }
  await chmod(tmp, mode);
  await rename(tmp, path);
  await syncDir(dir);
}

async function syncDir(dir: string): Promise<void> {
  const d = await open(dir, 'r');
  try {
    await d.sync();
  } finally {
    await d.close();
  }
}

async function readText(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

async function readFileSnapshot(path: string): Promise<FileSnapshot> {
  try {
    const st = await lstat(path);
    if (st.isSymbolicLink()) return { kind: 'symlink', target: await readlink(path) };
    return { kind: 'file', content: await readFile(path, 'utf8') };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'absent' };
    throw err;
  }
}

async function restoreFile(path: string, s: FileSnapshot): Promise<void> {
  if (s.kind === 'absent') {
    await rm(path, { force: true });
  } else if (s.kind === 'file') {
    await writeFileAtomic(path, s.content);
  } else {
    const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomInt(1e9)}.link`);
    await symlink(s.target, tmp);
    await rename(tmp, path);
    await syncDir(dirname(path));
  }
}

const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err));
const round = (ms: number) => Math.round(ms * 10) / 10;

/**
 * The host's management network, like ESXi's DCUI "Configure Management Network": apply a configuration, test it,
 * and keep it only when somebody confirms before the deadline; otherwise (deadline, cancel, daemon stop or crash)
 * the previous configuration comes back exactly.
 *
 * Files: `configPath` (the confirmed configuration), `<configPath without .json>.pending.json` (a change waiting
 * for confirmation, with the snapshot that undoes it), `${root}/etc/resolv.conf`, `${root}/etc/hostname`.
 */
export class NetworkService {
  private current: Pending | null = null;
  private reserved = false;
  private readonly pendingPath: string;
  private tools: Promise<{ ping: Argv; dhcp: DhcpClient | null }> | null = null;

  private constructor(private readonly o: NetworkServiceOptions) {
    this.pendingPath = `${o.configPath.replace(/\.json$/, '')}.pending.json`;
  }

  /**
   * Opens the service. A change still pending from a previous run is rolled back before anything else: a restarted
   * daemon cannot know whether the operator still reaches the host, and a confirmed change leaves no pending file.
   */
  static async open(o: NetworkServiceOptions): Promise<NetworkService> {
    const service = new NetworkService(o);
    await service.recover();
    return service;
  }

  private get resolvPath(): string {
    return join(this.o.root, 'etc/resolv.conf');
  }
  private get hostnamePath(): string {
    return join(this.o.root, 'etc/hostname');
  }
  private get hostRoot(): boolean {
    return this.o.root === '/';
  }

  // ------------------------------------------------------------------------------------------------ reading

  private async live(): Promise<{ links: IpLink[]; addrs: IpAddr[]; routes: IpRoute[] }> {
    const n = this.o.netns;
    const [links, addrs, routes] = await Promise.all([
      exec(ipArgv(n, '-j', '-d', 'link', 'show')).then(parseLinks),
      exec(ipArgv(n, '-j', 'addr', 'show')).then(parseAddrs),
      exec(ipArgv(n, '-j', '-4', 'route', 'show', 'table', 'main')).then(parseRoutes),
    ]);
    return { links, addrs, routes };
  }

  private async readSaved(): Promise<ManagementNetwork | null> {
    const text = await readText(this.o.configPath);
    if (text === null) return null;
    try {
      return managementNetwork.parse(JSON.parse(text));
    } catch (err) {
      this.o.log(`network: ${this.o.configPath} is not a valid configuration, ignored: ${errorText(err)}`);
      return null;
    }
  }

  private async speed(name: string): Promise<number | null> {
    const path = `/sys/class/net/${name}/speed`;
    // /sys shows the namespace of whoever mounted it; `ip netns exec` mounts the namespace's own.
    const text = this.o.netns ? await exec(nsExecArgv(this.o.netns, ['cat', path]), { timeoutMs: 5000 }).catch(() => null) : await readText(path).catch(() => null);
    return parseSpeed(text);
  }

  private async nics(live?: { links: IpLink[]; addrs: IpAddr[] }) {
    const { links, addrs } = live ?? (await this.live());
    const nics = managementNics(links, addrs, this.o.netns !== null);
    const speeds = await Promise.all(nics.map((n) => this.speed(n.name)));
    return nics.map((n, i) => ({ ...n, speedMbps: speeds[i] ?? null }));
  }

  async state(): Promise<NetworkState> {
    const [config, live] = await Promise.all([this.readSaved(), this.live()]);
    const nics = await this.nics(live);
    const p = this.current;
    return {
      config,
      nics,
      pending: p && p.jobId ? { jobId: p.jobId, config: p.config, previous: p.previous, rollbackAt: p.rollbackAt, test: p.test } : null,
    };
  }

  // ------------------------------------------------------------------------------------------------ apply

  async apply(req: NetworkApply, actor: string): Promise<Job> {
    if (this.current || this.reserved) throw new ApiError('NETWORK_CHANGE_PENDING');
    this.reserved = true;
    try {
      const config = req.config;
      const problem = checkConfig(config);
      if (problem) throw new ApiError('VALIDATION_FAILED', `The configuration cannot be applied: ${problem}.`, { issues: [{ path: 'config', message: problem }] });
      const live = await this.live();
      const nics = managementNics(live.links, live.addrs, this.o.netns !== null);
      if (!nics.some((n) => n.name === config.nic)) {
        throw new ApiError('NIC_NOT_FOUND', `This host has no network interface named ${config.nic}.`, { available: nics.map((n) => n.name) });
      }
      const savedText = await readText(this.o.configPath);
      const saved = await this.readSaved();
      const resolvConf = await readFileSnapshot(this.resolvPath);
      const hostnameFile = await readFileSnapshot(this.hostnamePath);
      const hostnameText = hostnameFile.kind === 'file' ? hostnameFile.content.trim() : '';
      const previous = saved ?? describeLive(live, resolvConf.kind === 'file' ? resolvConf.content : await readText(this.resolvPath), hostnameText || osHostname());
      const previousIface = previous ? ifaceOf(previous) : null;
      const snapshot = takeSnapshot(config, previousIface, live, {
        resolvConf,
        hostnameFile,
        runningHostname: this.hostRoot ? osHostname() : null,
        savedConfig: savedText,
      });
      const rollbackAt = new Date(Date.now() + req.rollbackSeconds * 1000).toISOString();
      const p: Pending = {
        jobId: '',
        actor,
        config,
        previous,
        rollbackAt,
        test: null,
        snapshot,
        decision: null,
        decided: deferred(),
        ready: deferred(),
        saved: deferred(),
        finished: deferred(),
      };
      const vlanExists = config.vlan !== null && live.links.some((l) => l.ifname === ifaceOf(config));
      const prevExists = previousIface !== null && live.links.some((l) => l.ifname === previousIface);
      // Held from here, so that a second apply is refused even before the job's runner starts.
      this.current = p;
      let job: Job;
      try {
        job = await this.o.jobs.submit('network.apply', [{ type: 'host', id: 'management-network' }], (ctx) =>
          this.run(p, ctx, { vlanExists, previousIface: prevExists ? previousIface : null }),
        );
      } catch (err) {
        if (this.current === p) this.current = null;
        throw err;
      }
      p.jobId = job.id;
      await this.o.audit.write(actor, 'network.apply', { jobId: job.id, config, previous, rollbackAt, rollbackSeconds: req.rollbackSeconds });
      return job;
    } finally {
      this.reserved = false;
    }
  }

  /**
   * The appliance's boot (QX_NETWORK_APPLY_AT_START): applies the saved configuration as it is, with no test and no
   * confirmation, since it was confirmed when it was saved. Returns a sentence for the log, or null when nothing is
   * saved; throws when it cannot be applied (the caller logs it and goes on).
   */
  async applySaved(): Promise<string | null> {
    if (this.current || this.reserved) throw new ApiError('NETWORK_CHANGE_PENDING');
    this.reserved = true;
    try {
      const config = await this.readSaved();
      if (!config) return null;
      const problem = checkConfig(config);
      if (problem) throw new Error(`the saved configuration cannot be applied: ${problem}`);
      const started = performance.now();
      const live = await this.live();
      if (!live.links.some((l) => l.ifname === config.nic)) throw new Error(`this host has no network interface named ${config.nic}`);
      const vlanExists = config.vlan !== null && live.links.some((l) => l.ifname === ifaceOf(config));
      const note = await this.applyConfig(config, { vlanExists, previousIface: null }, new AbortController().signal, Date.now() + DHCP_TIMEOUT_MS);
      const ms = round(performance.now() - started);
      await this.o.audit
        .write('qx-node', 'network.apply-at-start', { config, ms })
        .catch((err: unknown) => this.o.log(`network: could not write the audit entry: ${errorText(err)}`));
      return `applied the saved configuration ${describe(config)}${note} in ${ms} ms`;
    } finally {
      this.reserved = false;
    }
  }

  private decide(p: Pending, d: Decision): boolean {
    if (p.decision !== null) return false;
    p.decision = d;
    p.decided.resolve(d);
    return true;
  }

  private async run(p: Pending, ctx: JobContext, plan: { vlanExists: boolean; previousIface: string | null }): Promise<void> {
    p.jobId = ctx.id;
    this.current = p;
    const onAbort = () => this.decide(p, 'cancel');
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    const started = performance.now();
    try {
      await this.writePending(p);
      if (ctx.signal.aborted) onAbort();
      try {
        ctx.progress(0.1, `Applying: ${describe(p.config)}`);
        const applied = await this.applyConfig(p.config, plan, ctx.signal, Date.parse(p.rollbackAt));
        const appliedMs = performance.now() - started;
        ctx.progress(0.5, 'Testing the connection (gateway, DNS, vDC)');
        p.test = await this.test();
        await this.writePending(p);
        const testedMs = performance.now() - started;
        const summary = p.test.checks.map((c) => `${c.name} ${c.ok ? 'ok' : 'FAILED'}`).join(', ') || 'nothing to test';
        this.o.log(
          `network: applied ${describe(p.config)}${applied} in ${round(appliedMs)} ms, tested in ${round(testedMs)} ms (${summary}); ` +
            `rolls back at ${p.rollbackAt} unless confirmed`,
        );
        ctx.progress(0.6, `Applied and tested (${summary}); confirm before ${p.rollbackAt} or it rolls back`);
        p.ready.resolve();
      } catch (err) {
        p.ready.reject(err);
        const aborted = ctx.signal.aborted;
        const rolled = await this.rollback(p, aborted ? 'cancelled' : 'apply-failed', 'qx-node', errorText(err));
        if (aborted) throw ctx.signal.reason;
        throw new ApiError('NETWORK_ROLLED_BACK', `Applying the configuration failed (${shorten(errorText(err))}); the previous configuration is back.`, {
          reason: 'apply-failed',
          rollbackErrors: rolled,
        });
      }

      const deadline = Date.parse(p.rollbackAt);
      const waitStart = Date.now();
      const timer = setTimeout(() => this.decide(p, 'timeout'), Math.max(0, deadline - waitStart));
      const ticker = setInterval(() => {
        const left = Math.max(0, deadline - Date.now());
        const waited = 1 - left / Math.max(1, deadline - waitStart);
        ctx.progress(0.6 + 0.39 * waited, `Waiting for confirmation: rolls back in ${Math.ceil(left / 1000)} s`);
      }, 1000);
      const decision = await p.decided.promise.finally(() => {
        clearTimeout(timer);
        clearInterval(ticker);
      });

      if (decision === 'confirm') {
        try {
          await p.saved.promise;
          return;
        } catch (err) {
          await this.rollback(p, 'save-failed', 'qx-node', errorText(err));
          throw new ApiError('NETWORK_ROLLED_BACK', `The configuration could not be saved (${shorten(errorText(err))}); the previous configuration is back.`);
        }
      }
      ctx.progress(0.99, 'Rolling back to the previous configuration');
      const errors = await this.rollback(p, decision === 'timeout' ? 'not-confirmed' : decision === 'cancel' ? 'cancelled' : 'shutdown', 'qx-node');
      if (decision === 'cancel') throw ctx.signal.reason;
      if (decision === 'shutdown') {
        throw new ApiError('NETWORK_ROLLED_BACK', 'qx-node stopped before the change was confirmed; the previous configuration is back.', { reason: 'shutdown', rollbackErrors: errors });
      }
      throw new ApiError('NETWORK_ROLLED_BACK', undefined, { reason: 'not-confirmed', rollbackAt: p.rollbackAt, test: p.test, rollbackErrors: errors });
    } finally {
      ctx.signal.removeEventListener('abort', onAbort);
      if (this.current === p) this.current = null;
      p.ready.reject(new Error('the change was not applied'));
      p.finished.resolve();
    }
  }

  /** Applies the configuration; returns a note for the log (the DHCP lease). */
  private async applyConfig(c: ManagementNetwork, plan: { vlanExists: boolean; previousIface: string | null }, signal: AbortSignal, deadline: number): Promise<string> {
    const netns = this.o.netns;
    const iface = ifaceOf(c);
    for (const argv of planApply(c, { netns, ...plan })) {
      await exec(argv, { signal }).catch((err: unknown) => {
        // A main table without any route yet (a fresh boot, a new namespace) has nothing to flush.
        if (argv.includes('flush') && /FIB table does not exist/.test(errorText(err))) return '';
        throw err;
      });
    }
    let dns = c.dns;
    let search: string | null = null;
    let note = '';
    if (c.mode === 'dhcp') {
      const lease = await this.dhcp(iface, signal, Math.max(5000, Math.min(DHCP_TIMEOUT_MS, deadline - Date.now())));
      for (const argv of planAddress(netns, iface, lease.address, lease.gateway)) await exec(argv, { signal });
      if (dns.length === 0) dns = lease.dns;
      search = lease.domain;
      note = ` (lease ${lease.address}${lease.gateway ? ` via ${lease.gateway}` : ''}${lease.dns.length ? `, DNS ${lease.dns.join(' ')}` : ''})`;
    }
    signal.throwIfAborted();
    await writeFileAtomic(this.resolvPath, resolvConfText(dns, search));
    await writeFileAtomic(this.hostnamePath, `${c.hostname}\n`);
    if (this.hostRoot && osHostname() !== c.hostname) await exec(['hostname', c.hostname], { signal });
    return note;
  }

  private async findTools(): Promise<{ ping: Argv; dhcp: DhcpClient | null }> {
    this.tools ??= (async () => {
      const [ping, busybox, dhclient] = await Promise.all([which('ping'), which('busybox'), which('dhclient')]);
      // busybox udhcpc first: it quits once it has a lease, which is exactly the one-shot client wanted here.
      const dhcp: DhcpClient | null = busybox ? { kind: 'udhcpc', busybox } : dhclient ? { kind: 'dhclient', path: dhclient } : null;
      return { ping: ping ? [ping] : busybox ? [busybox, 'ping'] : ['ping'], dhcp };
    })();
    return this.tools;
  }

  private async dhcp(iface: string, signal: AbortSignal, timeoutMs: number): Promise<DhcpLease> {
    const { dhcp: client } = await this.findTools();
    if (!client) throw new Error('no DHCP client on this host (install busybox or isc-dhcp-client)');
    await mkdir(dirname(this.o.configPath), { recursive: true });
    const dir = await mkdtemp(join(dirname(this.o.configPath), '.dhcp-'));
    try {
      const out = join(dir, 'lease.txt');
      const script = join(dir, 'lease-script');
      await writeFileAtomic(script, dhcpScript(out), 0o700);
      let failure: unknown = null;
      await exec(dhcpArgv(client, this.o.netns, iface, script, dir), { timeoutMs, signal }).catch((err: unknown) => (failure = err));
      if (client.kind === 'dhclient') await exec(dhclientStopArgv(client, this.o.netns, iface, script, dir), { timeoutMs: 10_000 }).catch(() => undefined);
      const lease = parseLease((await readText(out)) ?? '');
      if (!lease) throw new Error(`no DHCP lease on ${iface}${failure ? `: ${errorText(failure)}` : ''}`);
      return lease;
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  // ------------------------------------------------------------------------------------------------ confirm

  async confirm(actor: string): Promise<NetworkState> {
    const p = this.current;
    if (!p) throw new ApiError('NO_PENDING_NETWORK_CHANGE');
    try {
      await p.ready.promise;
    } catch {
      throw new ApiError('NO_PENDING_NETWORK_CHANGE', 'The network change failed to apply and was rolled back; there is nothing to confirm.');
    }
    if (!this.decide(p, 'confirm')) throw new ApiError('NO_PENDING_NETWORK_CHANGE', 'The network change is already being rolled back.');
    try {
      await writeFileAtomic(this.o.configPath, `${JSON.stringify(p.config, null, 2)}\n`, 0o600);
      // After the config is durable: a crash in between rolls back (and restores the old config file too).
      await rm(this.pendingPath, { force: true });
      await syncDir(dirname(this.pendingPath));
      await this.o.audit.write(actor, 'network.confirm', { jobId: p.jobId, config: p.config, test: p.test });
      this.o.log(`network: ${describe(p.config)} confirmed by ${actor}`);
      p.saved.resolve();
    } catch (err) {
      p.saved.reject(err);
      await p.finished.promise;
      throw err;
    }
    await p.finished.promise;
    return this.state();
  }

  // ------------------------------------------------------------------------------------------------ rollback

  private async writePending(p: Pending): Promise<void> {
    const doc: PendingFile = {
      version: 1,
      jobId: p.jobId,
      actor: p.actor,
      config: p.config,
      previous: p.previous,
      rollbackAt: p.rollbackAt,
      test: p.test,
      snapshot: p.snapshot,
    };
    await writeFileAtomic(this.pendingPath, `${JSON.stringify(doc, null, 2)}\n`, 0o600);
  }

  /** Puts the snapshot back; best effort on every step, problems are returned, logged and audited. */
  private async rollback(p: Pick<Pending, 'jobId' | 'config' | 'previous' | 'snapshot'>, reason: string, actor: string, cause?: string): Promise<string[]> {
    const started = performance.now();
    const s = p.snapshot;
    const errors: string[] = [];
    for (const argv of planRollback(s, this.o.netns)) {
      await exec(argv).catch((err: unknown) => {
        // Deleting a VLAN interface that was never created is not a problem.
        if (!(argv.includes('del') && /Cannot find device/.test(errorText(err)))) errors.push(errorText(err));
      });
    }
    const step = async (what: string, fn: () => Promise<unknown>) => fn().catch((err: unknown) => errors.push(`${what}: ${errorText(err)}`));
    await step('resolv.conf', () => restoreFile(this.resolvPath, s.resolvConf));
    await step('hostname file', () => restoreFile(this.hostnamePath, s.hostnameFile));
    if (this.hostRoot && s.runningHostname && osHostname() !== s.runningHostname) await step('hostname', () => exec(['hostname', s.runningHostname!]));
    await step('saved configuration', () =>
      s.savedConfig === null ? rm(this.o.configPath, { force: true }) : writeFileAtomic(this.o.configPath, s.savedConfig, 0o600),
    );
    await step('check', async () => errors.push(...snapshotDifferences(s, await this.live())));
    // Last: until here a crash means "roll back again", which is harmless.
    await step('pending file', () => rm(this.pendingPath, { force: true }));
    const ms = round(performance.now() - started);
    this.o.log(
      `network: rolled back ${describe(p.config)} (${reason}${cause ? `: ${shorten(cause)}` : ''}) to ${p.previous ? describe(p.previous) : 'the previous live state'} in ${ms} ms` +
        (errors.length ? `; problems: ${errors.join('; ')}` : ''),
    );
    await this.o.audit
      .write(actor, 'network.rollback', { jobId: p.jobId, reason, ...(cause ? { cause: shorten(cause) } : {}), config: p.config, restored: p.previous, ms, errors })
      .catch((err: unknown) => this.o.log(`network: could not write the audit entry: ${errorText(err)}`));
    return errors;
  }

  private async recover(): Promise<void> {
    const text = await readText(this.pendingPath);
    if (text === null) return;
    let doc: PendingFile;
    try {
      doc = pendingFile.parse(JSON.parse(text));
    } catch (err) {
      const aside = `${this.pendingPath}.unreadable-${Date.now()}`;
      await rename(this.pendingPath, aside).catch(() => undefined);
      this.o.log(`network: a pending change was left by the previous run but ${this.pendingPath} is unreadable (${errorText(err)}); moved to ${aside}, nothing rolled back`);
      return;
    }
    const late = Date.now() > Date.parse(doc.rollbackAt);
    this.o.log(`network: a change (job ${doc.jobId}) was still waiting for confirmation when qx-node stopped${late ? ' and its deadline has passed' : ''}; rolling back`);
    await this.rollback(doc, 'restart', 'qx-node', late ? 'deadline passed while qx-node was down' : 'qx-node restarted before confirmation');
  }

  // ------------------------------------------------------------------------------------------------ test

  /**
   * Tests what is live: ping the default gateway, one DNS query to the first nameserver in resolv.conf (any
   * well-formed reply, NXDOMAIN included, proves it answers), and a TCP connect to the vDC when there is one.
   * A check is left out when there is nothing configured to test (no DNS server, no vDC); a missing gateway fails.
   */
  async test(): Promise<NetworkTestResult> {
    const [routes, resolv, saved] = await Promise.all([
      exec(ipArgv(this.o.netns, '-j', '-4', 'route', 'show', 'default')).then(parseRoutes),
      readText(this.resolvPath),
      this.readSaved(),
    ]);
    const gateway = routes.find((r) => r.dst === 'default' && r.gateway)?.gateway ?? null;
    const dnsServer = parseResolvConf(resolv)[0] ?? null;
    const name = this.current?.config.hostname ?? saved?.hostname ?? 'quantix.test';
    const vdc = this.o.vdcUrl();
    const checks = await Promise.all([
      this.gatewayCheck(gateway),
      dnsServer ? this.dnsCheck(dnsServer, name) : null,
      vdc ? this.vdcCheck(vdc) : null,
    ]);
    const present = checks.filter((c): c is NetworkCheck => c !== null);
    return { ok: present.every((c) => c.ok), checks: present, testedAt: new Date().toISOString() };
  }

  private async gatewayCheck(gateway: string | null): Promise<NetworkCheck> {
    if (!gateway) return { name: 'gateway', ok: false, detail: 'there is no default gateway', ms: null };
    const { ping } = await this.findTools();
    const started = performance.now();
    try {
      const out = await exec(nsExecArgv(this.o.netns, [...ping, '-c', '1', '-W', String(PROBE_TIMEOUT_MS / 1000), gateway]), { timeoutMs: PROBE_TIMEOUT_MS + 3000 });
      const ms = parsePingMs(out) ?? round(performance.now() - started);
      return { name: 'gateway', ok: true, detail: `gateway ${gateway} answered in ${ms} ms`, ms };
    } catch (err) {
      const ms = round(performance.now() - started);
      const stdout = (err as { stdout?: string }).stdout ?? '';
      const detail = /packets? transmitted/.test(stdout) || ms >= PROBE_TIMEOUT_MS - 100
        ? `no answer from gateway ${gateway} within ${PROBE_TIMEOUT_MS / 1000} s`
        : `cannot ping gateway ${gateway}: ${shorten(errorText(err))}`;
      return { name: 'gateway', ok: false, detail, ms: null };
    }
  }

  /** A probe from inside the namespace when there is one (Node cannot enter it): node -e, see probes.ts. */
  private async probe(mode: 'udp' | 'tcp', host: string, port: number, payload?: Buffer): Promise<ProbeResult> {
    if (!this.o.netns) return mode === 'udp' ? udpExchange(host, port, payload!, PROBE_TIMEOUT_MS) : tcpConnect(host, port, PROBE_TIMEOUT_MS);
    try {
      const out = await exec(nsExecArgv(this.o.netns, [process.execPath, ...probeArgs(mode, host, port, PROBE_TIMEOUT_MS, payload)]), {
        timeoutMs: PROBE_TIMEOUT_MS + 5000,
      });
      return parseProbeOutput(out);
    } catch (err) {
      return { ok: false, ms: 0, error: shorten(errorText(err)) };
    }
  }

  private async dnsCheck(server: string, name: string): Promise<NetworkCheck> {
    const id = randomInt(1, 0xffff);
    const r = await this.probe('udp', server, 53, dnsQuery(name, id));
    if (!r.ok) {
      const detail = r.error === 'timeout' ? `no answer from DNS server ${server} within ${PROBE_TIMEOUT_MS / 1000} s` : `cannot reach DNS server ${server}: ${r.error}`;
      return { name: 'dns', ok: false, detail, ms: null };
    }
    const reply = r.reply ? parseDnsReply(Buffer.from(r.reply, 'hex'), id) : null;
    if (!reply) return { name: 'dns', ok: false, detail: `DNS server ${server} sent something that is not a DNS reply`, ms: r.ms };
    const what = reply.rcode === 'NOERROR' ? `${reply.answers} answer${reply.answers === 1 ? '' : 's'} for ${name}` : `${reply.rcode} for ${name}`;
    return { name: 'dns', ok: true, detail: `DNS server ${server} answered (${what}) in ${r.ms} ms`, ms: r.ms };
  }

  private async vdcCheck(url: string): Promise<NetworkCheck> {
    const target = vdcTarget(url);
    if (!target) return { name: 'vdc', ok: false, detail: `the vDC address ${url} is not a URL`, ms: null };
    const where = `${target.host.includes(':') ? `[${target.host}]` : target.host}:${target.port}`;
    const r = await this.probe('tcp', target.host, target.port);
    if (r.ok) return { name: 'vdc', ok: true, detail: `vDC ${where} accepted a connection in ${r.ms} ms`, ms: r.ms };
    const detail = r.error === 'timeout' ? `no answer from vDC ${where} within ${PROBE_TIMEOUT_MS / 1000} s` : `cannot connect to vDC ${where}: ${r.error}`;
    return { name: 'vdc', ok: false, detail, ms: null };
  }

  // ------------------------------------------------------------------------------------------------ close

  /**
   * A change still waiting for confirmation is rolled back now: nobody can confirm it once qx-node is gone, and the
   * next start would roll it back anyway. Call before jobs.idle(), which would otherwise wait for the deadline.
   */
  async close(): Promise<void> {
    const p = this.current;
    if (!p) return;
    this.decide(p, 'shutdown');
    await p.finished.promise;
  }
}

function describe(c: ManagementNetwork): string {
  const where = ifaceOf(c);
  const how = c.mode === 'dhcp' ? 'DHCP' : `${c.address}${c.gateway ? ` gw ${c.gateway}` : ''}`;
  return `${where} ${how}${c.dns.length ? ` dns ${c.dns.join(',')}` : ''} host ${c.hostname}`;
}

function shorten(s: string, max = 300): string {
  const one = s.replace(/\s+/g, ' ').trim();
  return one.length > max ? `${one.slice(0, max)}…` : one;
}
