import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { Job, QxEvent, Vm } from '@quantix/lib/api';
import { NodeProcess, domstate, guest, virsh, waitFor } from './harness.ts';

let node: NodeProcess;
const prefix = `qx-itest-rr-${process.pid}`;
const kernelBoot = { from: 'kernel', kernel: guest.kernel, initrd: guest.initrd, cmdline: 'console=ttyS0 quiet' };

beforeAll(async () => {
  node = await NodeProcess.create();
  await node.start();
  await node.login();
});
afterAll(async () => node?.destroy());

const poolFiles = () => (existsSync(join(node.dataDir, 'pool')) ? readdirSync(join(node.dataDir, 'pool')) : []);

describe('libvirt owns runtime state', () => {
  it('after kill -9 and a restart every VM is still there and reported correctly', async () => {
    const make = async (suffix: string, start: boolean) => {
      const job = await node.client.post<Job>('/api/v1/vms', { name: `${prefix}-${suffix}`, memoryMiB: 192, boot: kernelBoot, disks: [{ sizeGiB: 1 }], start });
      const done = await node.waitJob(job);
      expect(done.state).toBe('succeeded');
      return done.resources[0]!.id;
    };
    const running = await make('a', true);
    const stopped = await make('b', false);
    const paused = await make('c', true);
    const pauseJob = await node.client.post<Job>(`/api/v1/vms/${paused}/pause`);
    expect((await node.waitJob(pauseJob)).state).toBe('succeeded');

    const ws = new WebSocket(`${node.url.replace('https', 'wss')}/api/v1/events?access_token=${node.client.token}`, { rejectUnauthorized: false });
    await new Promise((r) => ws.once('open', r));
    const before = await node.client.get<{ items: Vm[] }>('/api/v1/vms');
    const token = node.client.token;

    const killedPid = node.proc!.pid!;
    const watchersOf = (pid: number) =>
      readdirSync('/proc')
        .filter((e) => /^\d+$/.test(e))
        .filter((e) => {
          try {
            return readFileSync(`/proc/${e}/cmdline`, 'utf8').includes(`QXEV-READY-${pid}-`);
          } catch {
            return false;
          }
        });
    expect(watchersOf(killedPid)).toHaveLength(1);
    await node.kill9();
    // kill -9 leaves its virsh event watcher behind; the next qx-node stops it.
    expect(watchersOf(killedPid)).toHaveLength(1);
    expect(await domstate(`${prefix}-a`)).toBe('running');
    // While qx-node is down the guest changes state; the restarted daemon must see it.
    await waitFor('ws close', async () => ws.readyState === WebSocket.CLOSED);
    await node.start();
    node.client.token = token;
    await waitFor('the orphaned event watcher to be gone', async () => watchersOf(killedPid).length === 0);

    const after = await node.client.get<{ items: Vm[] }>('/api/v1/vms');
    const stateOf = (list: { items: Vm[] }, id: string) => list.items.find((v) => v.id === id)?.state;
    expect(after.items.map((v) => v.id).sort()).toEqual(before.items.map((v) => v.id).sort());
    expect([stateOf(after, running), stateOf(after, stopped), stateOf(after, paused)]).toEqual(['running', 'stopped', 'paused']);
    expect(await domstate(`${prefix}-b`)).toBe('shut off');

    // An old cursor from before the restart asks the client to resync.
    const last = `oldepoch:5`;
    const replay: QxEvent[] = [];
    const again = new WebSocket(`${node.url.replace('https', 'wss')}/api/v1/events?since=${last}&access_token=${token}`, { rejectUnauthorized: false });
    again.on('message', (m) => replay.push(JSON.parse(String(m)) as QxEvent));
    await waitFor('resync', async () => replay.find((e) => e.type === 'resync'));
    again.close();

    // A state change made behind qx-node's back (straight through libvirt) is seen.
    await virsh('destroy', `${prefix}-a`);
    await waitFor('the external destroy to show', async () => (await node.client.get<Vm>(`/api/v1/vms/${running}`)).state === 'stopped', 20_000);
  });

  it('a create that fails half-way leaves no domain and no disk behind', async () => {
    const filesBefore = poolFiles();
    const job = await node.client.post<Job>('/api/v1/vms', {
      name: `${prefix}-bad`,
      boot: kernelBoot,
      disks: [{ sizeGiB: 1 }, { sizeGiB: 1 }],
      nics: [{ type: 'bridge', bridge: 'qxnosuchbr0' }],
    });
    const done = await node.waitJob(job);
    expect(done.state).toBe('failed');
    expect(done.error?.code).toBe('HYPERVISOR_ERROR');
    expect(done.error?.message.length).toBeGreaterThan(10);
    expect(await domstate(`${prefix}-bad`)).toBe('absent');
    expect(poolFiles()).toEqual(filesBefore);
    const list = await node.client.get<{ items: Vm[] }>('/api/v1/vms');
    expect(list.items.some((v) => v.name === `${prefix}-bad`)).toBe(false);
  });

  it('a bad source image fails the create cleanly', async () => {
    const junk = join(node.dataDir, 'not-an-image.qcow2');
    // qcow2 magic with an impossible version: qemu-img refuses to read it.
    writeFileSync(junk, Buffer.concat([Buffer.from('QFI\xfb', 'latin1'), Buffer.alloc(508, 0xee)]));
    const filesBefore = poolFiles();
    const job = await node.client.post<Job>('/api/v1/vms', { name: `${prefix}-junk`, disks: [{ sourceImage: junk, sizeGiB: 1 }] });
    const done = await node.waitJob(job);
    expect(done.state).toBe('failed');
    expect(done.error?.code).toBe('DISK_OPERATION_FAILED');
    expect(poolFiles()).toEqual(filesBefore);
    expect(await domstate(`${prefix}-junk`)).toBe('absent');
  });

  it('a create interrupted by kill -9 is rolled back when qx-node starts again', async () => {
    // Enough incompressible data that copying it takes a moment: the daemon dies mid-copy.
    const big = join(node.dataDir, 'big.raw');
    // Asynchronously: a blocked event loop would keep the client from retiring idle keep-alive sockets.
    const { execFile } = await import('node:child_process');
    await promisify(execFile)('dd', ['if=/dev/urandom', `of=${big}`, 'bs=1M', 'count=512', 'status=none']);
    const filesBefore = poolFiles();
    const job = await node.client.post<Job>('/api/v1/vms', { name: `${prefix}-cut`, disks: [{ sourceImage: big }], start: false });
    await waitFor('the disk copy to begin', async () => {
      const j = await node.client.get<Job>(`/api/v1/jobs/${job.id}`);
      expect(j.state).not.toBe('succeeded');
      return j.state === 'running' && j.message.startsWith('Creating disk');
    });
    const token = node.client.token;
    await node.kill9();
    await node.start();
    node.client.token = token;
    const after = await node.client.get<Job>(`/api/v1/jobs/${job.id}`);
    expect(after).toMatchObject({ state: 'failed', error: { code: 'JOB_INTERRUPTED' } });
    const list = await node.client.get<{ items: Vm[] }>('/api/v1/vms');
    expect(list.items.some((v) => v.name === `${prefix}-cut`)).toBe(false);
    expect(poolFiles()).toEqual(filesBefore);
    expect(await domstate(`${prefix}-cut`)).toBe('absent');
  });

  it('refuses a missing kernel, a taken name, before any work starts', async () => {
    const missing = await node.client.post('/api/v1/vms', { name: `${prefix}-nok`, boot: { ...kernelBoot, kernel: '/nonexistent/vmlinux' } }).catch((e: unknown) => e);
    expect(missing).toMatchObject({ status: 400, code: 'PATH_NOT_FOUND' });
    const taken = await node.client.post('/api/v1/vms', { name: `${prefix}-a`, boot: kernelBoot }).catch((e: unknown) => e);
    expect(taken).toMatchObject({ status: 409, code: 'VM_NAME_TAKEN' });
  });
});
