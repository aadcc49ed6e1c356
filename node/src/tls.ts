import { execFile } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { chmod, mkdir, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface TlsMaterial {
  key: string;
  cert: string;
  /** SHA-256 fingerprint, colon-separated hex: what an operator compares before trusting the host. */
  fingerprint256: string;
  generated: boolean;
}

async function readIfPresent(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

/**
 * The node's TLS identity: a self-signed ECDSA certificate made on first start and kept, so its
 * fingerprint stays the same across restarts.
 */
export async function ensureTlsCertificate(dir: string, hostname: string, altNames: string[] = []): Promise<TlsMaterial> {
  const keyPath = join(dir, 'node.key');
  const certPath = join(dir, 'node.crt');
  let [key, cert] = await Promise.all([readIfPresent(keyPath), readIfPresent(certPath)]);
  let generated = false;
  if (!key || !cert) {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const san = ['DNS:localhost', `DNS:${hostname}`, 'IP:127.0.0.1', 'IP:::1', ...altNames].join(',');
    await run(
      'openssl',
      [
        'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-sha256',
        '-days', '3650', '-subj', `/O=Quantix/CN=${hostname}`, '-addext', `subjectAltName=${san}`,
        '-keyout', `${keyPath}.tmp`, '-out', `${certPath}.tmp`,
      ],
      { timeout: 30_000 },
    );
    await chmod(`${keyPath}.tmp`, 0o600);
    await rename(`${keyPath}.tmp`, keyPath);
    await rename(`${certPath}.tmp`, certPath);
    [key, cert] = await Promise.all([readFile(keyPath, 'utf8'), readFile(certPath, 'utf8')]);
    generated = true;
  }
  return { key, cert, fingerprint256: new X509Certificate(cert).fingerprint256, generated };
}
