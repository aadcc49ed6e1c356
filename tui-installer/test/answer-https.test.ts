import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchPinned, findAnswer } from '../src/engine/answer-source.ts';
import { LoggingRunner } from '../src/engine/exec.ts';

const ANSWER = 'version: 1\ndisk: auto\nnetwork: {nic: auto, mode: dhcp, hostname: node7}\nadmin: {password: correct horse}\n';

describe('answer file over https, trusted by certificate fingerprint', () => {
  const dir = mkdtempSync(join(tmpdir(), 'qx-https-'));
  let server: Server;
  let base = '';
  let fingerprint = '';
  let requests = 0;

  beforeAll(async () => {
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '2',
      '-subj', '/CN=answers.invalid', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'),
    ], { stdio: 'ignore' });
    const cert = readFileSync(join(dir, 'cert.pem'));
    fingerprint = new X509Certificate(cert).fingerprint256;
    server = createServer({ key: readFileSync(join(dir, 'key.pem')), cert }, (req, res) => {
      requests++;
      if (req.url === '/answers/node7.yaml') {
        res.writeHead(200, { 'content-type': 'application/yaml' });
        res.end(ANSWER);
      } else {
        res.writeHead(404);
        res.end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    rmSync(dir, { recursive: true, force: true });
  });

  it('fetches the file when the fingerprint matches (colon form and plain hex)', async () => {
    expect(fingerprint).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(await fetchPinned(`${base}/answers/node7.yaml`, fingerprint)).toBe(ANSWER);
    expect(await fetchPinned(`${base}/answers/node7.yaml`, fingerprint.replace(/:/g, '').toLowerCase())).toBe(ANSWER);
  });

  it('finds and parses it from the kernel command line', async () => {
    const runner = new LoggingRunner(join(dir, 'installer.log'));
    const found = await findAnswer({ cmdline: `quantix.mode=install quantix.answer=${base}/answers/node7.yaml#sha256=${fingerprint}`, mediumDir: join(dir, 'medium'), runner });
    expect(found?.origin).toBe(`${base}/answers/node7.yaml`);
    expect(found?.answer.network?.hostname).toBe('node7');
    expect(readFileSync(join(dir, 'installer.log'), 'utf8')).toContain(`answer file: ${base}/answers/node7.yaml`);
  });

  it('refuses a server whose certificate has another fingerprint, before sending the request', async () => {
    const before = requests;
    const wrong = `${'00:'.repeat(31)}00`;
    await expect(fetchPinned(`${base}/answers/node7.yaml`, wrong, { attempts: 3, retryDelayMs: 10 })).rejects.toMatchObject({
      code: 'INSTALL_ANSWER_FINGERPRINT_MISMATCH',
      message: expect.stringContaining(fingerprint.replace(/:/g, '').toLowerCase()),
    });
    expect(requests).toBe(before);
  });

  it('reports an HTTP error and an unreachable server as unavailable', async () => {
    await expect(fetchPinned(`${base}/answers/missing.yaml`, fingerprint)).rejects.toMatchObject({ code: 'INSTALL_ANSWER_UNAVAILABLE', message: expect.stringContaining('HTTP 404') });
    await expect(fetchPinned('https://127.0.0.1:1/a.yaml', fingerprint, { attempts: 2, retryDelayMs: 10 })).rejects.toMatchObject({ code: 'INSTALL_ANSWER_UNAVAILABLE' });
  });
});
