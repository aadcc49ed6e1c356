import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { Job, QxEvent, Vm } from '@quantix/lib/api';
import { ApiCallError } from '@quantix/lib/client';
import { NodeProcess, countMarkers, domstate, guest, virsh, waitFor } from './harness.ts';

let node: NodeProcess;
let vm: Vm;
const events: QxEvent[] = [];
let ws: WebSocket;
const name = `qx-itest-life-${process.pid}`;

beforeAll(async () => {
  node = await NodeProcess.create();
  await node.start();
  await node.login();
  ws = new WebSocket(`${node.url.replace('https', 'wss')}/api/v1/events`, {
    headers: { authorization: `Bearer ${node.client.token}` },
    rejectUnauthorized: false,
  });
  ws.on('message', (m) => events.push(JSON.parse(String(m)) as QxEvent));
  await new Promise((r, j) => ws.once('open', r).once('error', j));
});
afterAll(async () => {
  ws?.close();
  await node?.destroy();
});

const serialLog = () => `${node.dataDir}/logs/${vm.id}.serial.log`;

async function act(action: string, body?: unknown): Promise<Job> {
  const job = await node.client.post<Job>(`/api/v1/vms/${vm.id}/${action}`, body);
  expect(job.state).toBe('queued');
  const done = await node.waitJob(job);
  expect(done, `${action}: ${JSON.stringify(done.error)}`).toMatchObject({ state: 'succeeded', progress: 1 });
  return done;
}

const getVm = () => node.client.get<Vm>(`/api/v1/vms/${vm.id}`);

describe('a VM through its life, checked against libvirt', () => {
  it('creates a VM with a disk and powers it on, as a job', async () => {
    const job = await node.client.post<Job>('/api/v1/vms', {
      name,
      description: 'integration <test> & "guest"',
      memoryMiB: 256,
      boot: { from: 'kernel', kernel: guest.kernel, initrd: guest.initrd, cmdline: 'console=ttyS0 quiet' },
      disks: [{ sizeGiB: 1 }],
    });
    expect(job).toMatchObject({ kind: 'vm.create', state: 'queued' });
    const done = await node.waitJob(job);
    expect(done.error).toBeNull();
    expect(done.state).toBe('succeeded');
    const id = done.resources[0]!.id;
    vm = await node.client.get<Vm>(`/api/v1/vms/${id}`);
    expect(vm).toMatchObject({ name, state: 'running', memoryMiB: 256, vcpus: 1, description: 'integration <test> & "guest"' });
    expect(await domstate(name)).toBe('running');
    expect(existsSync(vm.disks[0]!.path)).toBe(true);
    await waitFor('the guest marker on the serial console', async () => countMarkers(serialLog()) >= 1);
  });

  it('generated the domain libvirt expects: q35, virtio qcow2 disk, serial, VNC on loopback, guest agent', async () => {
    const xml = await virsh('dumpxml', name);
    const host = await node.client.get<{ hypervisor: { accel: string } }>('/api/v1/host');
    expect(xml).toContain(`<domain type='${host.hypervisor.accel === 'kvm' ? 'kvm' : 'qemu'}'`);
    expect(xml).toMatch(/machine='pc-q35/);
    expect(xml).toMatch(/<driver name='qemu' type='qcow2'/);
    expect(xml).toContain(`<source file='${vm.disks[0]!.path}'`);
    expect(xml).toMatch(/<target dev='vda' bus='virtio'\/>/);
    expect(xml).toMatch(/<interface type='user'>[\s\S]*<model type='virtio'\/>/);
    expect(xml).toMatch(/<graphics type='vnc' port='\d+' autoport='yes' listen='127.0.0.1'>/);
    expect(xml).toContain("name='org.qemu.guest_agent.0'");
    expect(xml).toContain('<acpi/>');
    expect(vm.console.vnc).toMatchObject({ host: '127.0.0.1' });
    expect(vm.console.serialPty).toMatch(/^\/dev\/pts\/\d+$/);
    const vol = await virsh('vol-list', node.poolName);
    expect(vol).toContain(vm.disks[0]!.path);
  });

  it('pauses and resumes', async () => {
    await act('pause');
    expect(await domstate(name)).toBe('paused');
    expect((await getVm()).state).toBe('paused');
    await act('resume');
    expect(await domstate(name)).toBe('running');
  });

  it('refuses impossible power transitions with 409', async () => {
    for (const action of ['start', 'resume']) {
      const err = await node.client.post(`/api/v1/vms/${vm.id}/${action}`).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ApiCallError);
      expect(err).toMatchObject({ status: 409, code: 'VM_INVALID_POWER_TRANSITION' });
    }
  });

  it('reboots (the guest boots again) and resets', async () => {
    const before = countMarkers(serialLog());
    await act('reboot');
    await waitFor('a second boot after reboot', async () => countMarkers(serialLog()) > before);
    const afterReboot = countMarkers(serialLog());
    await act('reset');
    await waitFor('a boot after reset', async () => countMarkers(serialLog()) > afterReboot);
    expect(await domstate(name)).toBe('running');
  });

  it('keeps configuration changes for the next power-on', async () => {
    const patched = await node.client.call<Vm>('PATCH', `/api/v1/vms/${vm.id}`, { memoryMiB: 320, description: 'changed' });
    expect(patched.body).toMatchObject({ memoryMiB: 320, description: 'changed', pendingRestart: true, state: 'running' });
    expect(await virsh('dumpxml', '--inactive', name)).toContain("<memory unit='KiB'>327680</memory>");
    const rename = await node.client.call('PATCH', `/api/v1/vms/${vm.id}`, { name: `${name}-x` }).catch((e: unknown) => e);
    expect(rename).toMatchObject({ status: 409, code: 'VM_INVALID_POWER_TRANSITION' });
  });

  it('shuts down through ACPI', async () => {
    await act('shutdown', { timeoutSeconds: 60 });
    expect(await domstate(name)).toBe('shut off');
    expect(await getVm()).toMatchObject({ state: 'stopped', pendingRestart: false, console: { vnc: null, serialPty: null } });
    const err = await node.client.post(`/api/v1/vms/${vm.id}/shutdown`).catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 409, code: 'VM_INVALID_POWER_TRANSITION' });
  });

  it('starts with the new configuration and stops hard', async () => {
    await act('start');
    expect(await domstate(name)).toBe('running');
    expect(await virsh('dominfo', name)).toMatch(/Max memory:\s+327680 KiB/);
    await act('stop');
    expect(await domstate(name)).toBe('shut off');
  });

  it('pushed state changes and job progress on the event stream, replayable by cursor', async () => {
    const states = events.filter((e) => e.type === 'vm.state').map((e) => (e.type === 'vm.state' ? e.data.state : ''));
    expect(states).toEqual(expect.arrayContaining(['running', 'paused', 'stopped']));
    expect(events.some((e) => e.type === 'vm.state' && e.data.id === vm.id && e.data.previous === 'creating' && e.data.state === 'running')).toBe(true);
    const jobEvents = events.filter((e) => e.type === 'job.updated');
    expect(jobEvents.some((e) => e.type === 'job.updated' && e.data.state === 'succeeded' && e.data.kind === 'vm.create')).toBe(true);
    const seqs = events.map((e) => e.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    const middle = events[Math.floor(events.length / 2)]!;
    const replayed: QxEvent[] = [];
    const again = new WebSocket(`${node.url.replace('https', 'wss')}/api/v1/events?since=${middle.cursor}&access_token=${node.client.token}`, { rejectUnauthorized: false });
    again.on('message', (m) => replayed.push(JSON.parse(String(m)) as QxEvent));
    await waitFor('the replay', async () => replayed.length >= events.length - events.indexOf(middle) - 1);
    again.close();
    expect(replayed[0]!.seq).toBe(middle.seq + 1);
  });

  it('refuses the event stream without a token', async () => {
    const denied = new WebSocket(`${node.url.replace('https', 'wss')}/api/v1/events`, { rejectUnauthorized: false });
    const status = await new Promise<number>((r) => denied.once('unexpected-response', (_req, res) => r(res.statusCode ?? 0)));
    expect(status).toBe(401);
  });

  it('deletes a running VM only with force, leaving no domain and no disk', async () => {
    await act('start');
    const err = await node.client.call('DELETE', `/api/v1/vms/${vm.id}`).catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 409, code: 'VM_INVALID_POWER_TRANSITION' });
    const { body: job } = await node.client.call<Job>('DELETE', `/api/v1/vms/${vm.id}?force=true`);
    expect((await node.waitJob(job)).state).toBe('succeeded');
    expect(await domstate(name)).toBe('absent');
    expect(existsSync(vm.disks[0]!.path)).toBe(false);
    expect(existsSync(serialLog())).toBe(false);
    expect(await node.client.get('/api/v1/vms')).toEqual({ items: [] });
    expect(events.some((e) => e.type === 'vm.deleted' && e.data.id === vm.id)).toBe(true);
  });
});
