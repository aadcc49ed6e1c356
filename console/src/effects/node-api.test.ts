import { createServer, type Server } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiCallError } from '@quantix/lib/client';
import { sampleHost } from '../testing/fake-effects.ts';
import { SocketNodeApi } from './node-api.ts';

/** An HTTP server on a unix socket that answers like qx-node for a few routes. */
let dir: string;
let server: Server;
const received: { method: string; url: string; body: string }[] = [];
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'qx-console-api-'));
  server = createServer((req, res) => {
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.url === '/api/v1/host') return send(200, sampleHost);
    if (req.url === '/api/v1/vms') return send(200, { items: [{ id: 'not-a-vm' }] });
    if (req.url === '/api/v1/ssh') return send(500, { error: { code: 'SSHD_FAILED', message: 'sshd could not start' } });
    if (req.url === '/api/v1/registration/token') return; // never answers
    if (req.url === '/api/v1/auth/password') {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        received.push({ method: req.method ?? '', url: req.url ?? '', body });
        if (JSON.parse(body).newPassword === 'weak') return send(400, { error: { code: 'VALIDATION_FAILED', message: 'The new password is too weak.' } });
        res.writeHead(204).end();
      });
      return;
    }
    send(404, { error: { code: 'ROUTE_NOT_FOUND', message: 'no' } });
  });
  await new Promise<void>((r) => server.listen(join(dir, 'qx-node.sock'), r));
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  await rm(dir, { recursive: true, force: true });
});

describe('SocketNodeApi', () => {
  it('parses answers with the API schemas', async () => {
    const api = new SocketNodeApi(join(dir, 'qx-node.sock'));
    expect((await api.host()).vms).toEqual({ total: 5, running: 3 });
    await api.close();
  });

  it('error answers keep qx-node codes; answers off the contract are NODE_BAD_RESPONSE; silence is NODE_TIMEOUT', async () => {
    const api = new SocketNodeApi(join(dir, 'qx-node.sock'), 300);
    const sshErr = await api.ssh().catch((e: unknown) => e);
    expect(sshErr).toBeInstanceOf(ApiCallError);
    expect(sshErr).toMatchObject({ code: 'SSHD_FAILED', status: 500 });
    await expect(api.network()).rejects.toMatchObject({ code: 'ROUTE_NOT_FOUND' });
    await expect(api.vms()).rejects.toMatchObject({ code: 'NODE_BAD_RESPONSE' });
    await expect(api.registrationToken()).rejects.toMatchObject({ code: 'NODE_TIMEOUT' });
    await api.close();
  });

  it('sets the admin password with POST /api/v1/auth/password; a refusal keeps its code', async () => {
    const api = new SocketNodeApi(join(dir, 'qx-node.sock'));
    await expect(api.setAdminPassword('first-secret-1')).resolves.toBeUndefined();
    expect(received.at(-1)).toEqual({ method: 'POST', url: '/api/v1/auth/password', body: '{"newPassword":"first-secret-1"}' });
    await expect(api.setAdminPassword('weak')).rejects.toMatchObject({ code: 'VALIDATION_FAILED', status: 400 });
    await expect(new SocketNodeApi(join(dir, 'missing.sock')).setAdminPassword('first-secret-1')).rejects.toMatchObject({ code: 'NODE_DOWN' });
    await api.close();
  });

  it('no socket, or one nobody listens on, is NODE_DOWN', async () => {
    const missing = new SocketNodeApi(join(dir, 'missing.sock'));
    await expect(missing.host()).rejects.toMatchObject({ code: 'NODE_DOWN' });
    const closing = createNetServer((c) => c.destroy());
    await new Promise<void>((r) => closing.listen(join(dir, 'closing.sock'), r));
    const cut = new SocketNodeApi(join(dir, 'closing.sock'));
    await expect(cut.host()).rejects.toMatchObject({ code: 'NODE_DOWN' });
    closing.close();
    await missing.close();
    await cut.close();
  });
});
