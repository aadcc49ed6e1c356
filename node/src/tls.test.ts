import { mkdtemp, stat } from 'node:fs/promises';
import { X509Certificate } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensureTlsCertificate } from './tls.ts';

describe('ensureTlsCertificate', () => {
  it('generates a certificate once and keeps it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'qx-tls-'));
    const first = await ensureTlsCertificate(dir, 'node1.example');
    expect(first.generated).toBe(true);
    const x509 = new X509Certificate(first.cert);
    expect(x509.subjectAltName).toContain('DNS:node1.example');
    expect(x509.subjectAltName).toContain('IP Address:127.0.0.1');
    expect(x509.checkPrivateKey((await import('node:crypto')).createPrivateKey(first.key))).toBe(true);
    expect((await stat(join(dir, 'node.key'))).mode & 0o777).toBe(0o600);
    const second = await ensureTlsCertificate(dir, 'node1.example');
    expect(second.generated).toBe(false);
    expect(second.fingerprint256).toBe(first.fingerprint256);
  });
});
