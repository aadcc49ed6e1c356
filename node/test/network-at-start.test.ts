import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ManagementNetwork, NetworkState } from '@quantix/lib/api';
import { NodeProcess, waitFor } from './harness.ts';

// QX_NETWORK_APPLY_AT_START=1, as on the appliance: the saved management network is applied when qx-node starts,
// without test or confirmation. The NIC is one end of a veth pair in a namespace of its own (QX_MGMT_NETNS).

const run = promisify(execFile);
const rand = randomBytes(3).toString('hex');
const mgmtNs = `qx-itest-boot-${rand}`;
const gwNs = `qx-itest-bgw-${rand}`;
const nic = `qxb${rand}`;
const peer = `qxp${rand}`;

const saved: ManagementNetwork = { nic, mode: 'static', address: '10.93.0.2/24', gateway: '10.93.0.1', vlan: null, dns: ['10.93.0.1'], hostname: 'boot1.quantix.test' };

let node: NodeProcess;
let dir: string;
let made = false;
const ip = async (...args: string[]) => (await run('ip', args, { timeout: 15_000 })).stdout;

beforeAll(async () => {
  await ip('netns', 'add', mgmtNs);
  made = true;
  await ip('netns', 'add', gwNs);
  await ip('link', 'add', nic, 'netns', mgmtNs, 'type', 'veth', 'peer', 'name', peer, 'netns', gwNs);
  await ip('-n', gwNs, 'link', 'set', peer, 'up');
  await ip('-n', gwNs, 'addr', 'add', '10.93.0.1/24', 'dev', peer);
  dir = await mkdtemp(join(tmpdir(), 'qx-itest-boot-'));
  await mkdir(join(dir, 'root/etc'), { recursive: true });
  await mkdir(join(dir, 'quantix'), { recursive: true });
  node = await NodeProcess.create();
});

afterAll(async () => {
  await node?.destroy();
  if (made) {
    await ip('netns', 'del', mgmtNs).catch(() => undefined);
    await ip('netns', 'del', gwNs).catch(() => undefined);
  }
  if (dir) await rm(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
});

const env = () => ({
  QX_MGMT_NETNS: mgmtNs,
  QX_NET_ROOT: join(dir, 'root'),
  QX_NETWORK_CONFIG: join(dir, 'quantix/network.json'),
  QX_NETWORK_APPLY_AT_START: '1',
});

describe('management network at start', () => {
  it('applies the saved configuration without confirmation, and says so in the log and the audit log', async () => {
    await writeFile(join(dir, 'quantix/network.json'), JSON.stringify(saved));
    await node.start(env());
    await waitFor('the network to be applied', async () => node.output.includes('network: applied the saved configuration'), 30_000).catch((err: unknown) => {
      throw new Error(`${String(err)}\n${node.output}`);
    });
    const [addr] = JSON.parse(await ip('-n', mgmtNs, '-j', 'addr', 'show', 'dev', nic)) as { flags: string[]; addr_info: { family: string; local: string; prefixlen: number }[] }[];
    expect(addr!.flags).toContain('UP');
    expect(addr!.addr_info.filter((a) => a.family === 'inet').map((a) => `${a.local}/${a.prefixlen}`)).toEqual(['10.93.0.2/24']);
    expect(await ip('-n', mgmtNs, '-4', 'route', 'show', 'default')).toContain('default via 10.93.0.1');
    expect(readFileSync(join(dir, 'root/etc/hostname'), 'utf8')).toBe('boot1.quantix.test\n');
    expect(readFileSync(join(dir, 'root/etc/resolv.conf'), 'utf8')).toContain('nameserver 10.93.0.1');
    const entries = readFileSync(join(node.dataDir, 'audit.log'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { action: string; actor: string });
    expect(entries.some((e) => e.action === 'network.apply-at-start' && e.actor === 'qx-node')).toBe(true);
    // Nothing waits for confirmation, and the saved file is what the API shows.
    await node.login();
    const s = await node.client.get<NetworkState>('/api/v1/host/network');
    expect(s).toMatchObject({ config: saved, pending: null });
    await node.stop();
  });

  it('a configuration that cannot be applied is logged and qx-node runs on', async () => {
    await writeFile(join(dir, 'quantix/network.json'), JSON.stringify({ ...saved, nic: 'nosuch0' }));
    await node.start(env());
    await waitFor('the failure to be logged', async () => node.output.includes('applying the saved configuration at start failed'), 30_000);
    expect(node.output).toContain('no network interface named nosuch0');
    await node.login();
    expect((await node.client.get<NetworkState>('/api/v1/host/network')).config?.nic).toBe('nosuch0');
  });
});
