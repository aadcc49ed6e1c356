import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RegistrationDiscovery, RegistrationToken } from '@quantix/lib/api';
import { NodeClient } from '@quantix/lib/client';
import { NodeProcess } from './harness.ts';

let node: NodeProcess;

beforeAll(async () => {
  node = await NodeProcess.create();
  await node.start();
  await node.login();
});
afterAll(async () => node?.destroy());

describe('registration token and discovery', () => {
  it('shows a one-hour token with the certificate fingerprint, and discovery answers only with it', async () => {
    const local = new NodeClient({ socketPath: node.socketPath });
    try {
      const token = await local.get<RegistrationToken>('/api/v1/registration/token');
      const cert = new X509Certificate(readFileSync(join(node.dataDir, 'tls/node.crt')));
      expect(token.fingerprint256).toBe(cert.fingerprint256);
      expect(token.remainingSeconds).toBeGreaterThan(3590);
      expect((await node.client.get<RegistrationToken>('/api/v1/registration/token')).token).toBe(token.token);

      const vdc = new NodeClient({ url: node.url, insecure: true });
      const discover = (t: string) => vdc.call<RegistrationDiscovery>('GET', '/api/v1/registration/discovery', undefined, { authorization: `Registration ${t}` });
      try {
        const found = await discover(token.token);
        expect(found.body).toMatchObject({ product: 'Quantix', fingerprint256: cert.fingerprint256, tokenExpiresAt: token.expiresAt });
        const renewed = await local.post<RegistrationToken>('/api/v1/registration/token');
        expect(renewed.token).not.toBe(token.token);
        await expect(discover(token.token)).rejects.toMatchObject({ status: 401, code: 'REGISTRATION_TOKEN_INVALID' });
        await expect(discover(renewed.token)).resolves.toMatchObject({ status: 200 });
      } finally {
        await vdc.close();
      }
      const audit = readFileSync(join(node.dataDir, 'audit.log'), 'utf8');
      expect(audit).toContain('"action":"registration.token.new"');
      expect(audit).not.toContain(token.token);
    } finally {
      await local.close();
    }
  });

  it('keeps the token behind auth', async () => {
    const anonymous = new NodeClient({ url: node.url, insecure: true });
    try {
      await expect(anonymous.get('/api/v1/registration/token')).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    } finally {
      await anonymous.close();
    }
  });
});
