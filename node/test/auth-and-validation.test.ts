import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiCallError, NodeClient } from '@quantix/lib/client';
import { ADMIN_PASSWORD, NodeProcess } from './harness.ts';

let node: NodeProcess;

beforeAll(async () => {
  node = await NodeProcess.create();
  await node.start();
});
afterAll(async () => node?.destroy());

async function callError(p: Promise<unknown>): Promise<ApiCallError> {
  const err = await p.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(ApiCallError);
  return err as ApiCallError;
}

describe('qx-node auth over HTTPS', () => {
  it('serves TLS with the certificate it keeps in its data directory', () => {
    expect(node.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
  });

  it('answers the registration ping without auth', async () => {
    const ping = await node.client.get<{ status: string; product: string; version: string }>('/api/v1/registration/ping');
    expect(ping).toMatchObject({ status: 'ok', product: 'Quantix' });
  });

  it('requires auth everywhere else, with a stable code', async () => {
    for (const path of ['/api/v1/vms', '/api/v1/host', '/api/v1/jobs', '/api/v1/nope']) {
      const err = await callError(node.client.get(path));
      expect([err.status, err.code]).toEqual([401, 'UNAUTHENTICATED']);
    }
    const err = await callError(node.client.post('/api/v1/vms', { name: 'x' }));
    expect(err.code).toBe('UNAUTHENTICATED');
  });

  it('refuses a wrong password and logs in with the right one', async () => {
    const err = await callError(node.client.post('/api/v1/auth/login', { password: 'wrong' }));
    expect([err.status, err.code]).toEqual([401, 'LOGIN_FAILED']);
    const { token, expiresAt } = await node.client.post<{ token: string; expiresAt: string }>('/api/v1/auth/login', { password: ADMIN_PASSWORD });
    expect(token).toMatch(/^qxs_/);
    expect(Date.parse(expiresAt)).toBeGreaterThan(Date.now());
    node.client.token = token;
    await expect(node.client.get('/api/v1/vms')).resolves.toEqual({ items: [] });
  });

  it('reports the host with hypervisor and pool', async () => {
    const host = await node.client.get<Record<string, any>>('/api/v1/host');
    expect(host.product).toMatchObject({ name: 'Quantix' });
    expect(host.cpu.threads).toBeGreaterThan(0);
    expect(host.memory.totalBytes).toBeGreaterThan(0);
    expect(host.disks.length).toBeGreaterThan(0);
    expect(host.hypervisor.libvirtVersion).toMatch(/^\d+\.\d+/);
    expect(host.hypervisor.qemuVersion).toMatch(/^\d+\.\d+/);
    expect(['kvm', 'tcg']).toContain(host.hypervisor.accel);
    expect(host.hypervisor.accelReason.length).toBeGreaterThan(5);
    expect(host.hypervisor.capabilities.machine).toMatch(/^pc-q35-/);
    expect(host.hypervisor.capabilities.maxVcpus).toBeGreaterThan(1);
    expect(host.hypervisor.capabilities.firmware).toContain('bios');
    expect(host.storagePool).toMatchObject({ name: node.poolName });
    expect(host.api).toEqual({ listen: '127.0.0.1', port: Number(new URL(node.url).port), tls: true });
    expect(host.storagePool.capacityBytes).toBeGreaterThan(0);
  });

  it('rejects bad input with VALIDATION_FAILED and the zod issues', async () => {
    const err = await callError(node.client.post('/api/v1/vms', { name: 'not a name', vcpus: 0, extra: true }));
    expect([err.status, err.code]).toEqual([400, 'VALIDATION_FAILED']);
    const paths = (err.body.details as { issues: { path: string }[] }).issues.map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['name', 'vcpus', '(root)']));
    expect((await callError(node.client.get('/api/v1/vms/not-a-uuid'))).code).toBe('VALIDATION_FAILED');
  });

  it('rejects bodies that are not JSON and bodies that are too large', async () => {
    const bad = await node.rawRequest('POST', '/api/v1/vms', '{"name":');
    expect([bad.status, bad.body.error.code]).toEqual([400, 'BAD_JSON']);
    const big = await node.rawRequest('POST', '/api/v1/vms', JSON.stringify({ name: 'x'.repeat(2_000_000) }));
    expect([big.status, big.body.error.code]).toEqual([413, 'PAYLOAD_TOO_LARGE']);
    const form = await node.rawRequest('POST', '/api/v1/vms', 'name=x', 'application/x-www-form-urlencoded');
    expect([form.status, form.body.error.code]).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE']);
  });

  it('answers unknown VMs and jobs with 404 codes', async () => {
    const id = '00000000-0000-4000-8000-000000000000';
    expect((await callError(node.client.get(`/api/v1/vms/${id}`))).code).toBe('VM_NOT_FOUND');
    expect((await callError(node.client.post(`/api/v1/vms/${id}/start`))).code).toBe('VM_NOT_FOUND');
    expect((await callError(node.client.get(`/api/v1/jobs/${id}`))).code).toBe('JOB_NOT_FOUND');
  });

  it('creates API tokens for scripts, and revokes them', async () => {
    const created = await node.client.post<{ id: string; token: string }>('/api/v1/auth/tokens', { name: 'ci script', expiresInDays: 1 });
    const script = new NodeClient({ url: node.url, insecure: true, token: created.token });
    try {
      await expect(script.get('/api/v1/vms')).resolves.toEqual({ items: [] });
      await node.client.call('DELETE', `/api/v1/auth/tokens/${created.id}`);
      expect((await callError(script.get('/api/v1/vms'))).code).toBe('UNAUTHENTICATED');
    } finally {
      await script.close();
    }
  });

  it('lets the local unix socket in without a token (it is 0600, root only)', async () => {
    const local = new NodeClient({ socketPath: node.socketPath });
    try {
      await expect(local.get('/api/v1/vms')).resolves.toEqual({ items: [] });
    } finally {
      await local.close();
    }
  });

  it('changes the password, ending sessions, and needs the current one over the network', async () => {
    const err = await callError(node.client.post('/api/v1/auth/password', { newPassword: 'another-secret-2', currentPassword: 'wrong' }));
    expect(err.code).toBe('LOGIN_FAILED');
    const weak = await callError(node.client.post('/api/v1/auth/password', { newPassword: 'short', currentPassword: ADMIN_PASSWORD }));
    expect(weak.code).toBe('VALIDATION_FAILED');
    await node.client.call('POST', '/api/v1/auth/password', { newPassword: 'another-secret-2', currentPassword: ADMIN_PASSWORD });
    expect((await callError(node.client.get('/api/v1/vms'))).code).toBe('UNAUTHENTICATED');
    await node.client.login('another-secret-2');
    await node.client.call('POST', '/api/v1/auth/password', { newPassword: ADMIN_PASSWORD, currentPassword: 'another-secret-2' });
  });
});
