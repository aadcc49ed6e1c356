import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { explainStartFailure, HOST_KEY_TYPES, logTail, processMatches, SshdProcess, sshBanner, writeFileAtomic } from './sshd-process.ts';

const where = { listen: '0.0.0.0', port: 22, sshdPath: '/usr/sbin/sshd' };

describe('explainStartFailure', () => {
  it('turns sshd\'s last words into something to do', () => {
    expect(
      explainStartFailure(['Bind to port 22 on 0.0.0.0 failed: Address already in use.', 'Cannot bind any address.'], where),
    ).toMatch(/port is in use, perhaps by the system's own SSH server.*QX_SSH_PORT/);
    expect(explainStartFailure(['Bind to port 22 on 10.9.9.9 failed: Cannot assign requested address.'], where)).toMatch(/QX_SSH_LISTEN/);
    expect(explainStartFailure(['Missing privilege separation directory: /run/sshd'], where)).toMatch(/\/run\/sshd/);
    expect(explainStartFailure(['something odd'], where)).toBe('sshd did not start: something odd');
    expect(explainStartFailure([], where)).toMatch(/wrote nothing/);
  });
});

describe('logTail', () => {
  let dir = '';
  afterEach(async () => dir && rm(dir, { recursive: true, force: true }));

  it('returns what was written after the offset, last lines first cut to length', async () => {
    dir = await mkdtemp(join(tmpdir(), 'qx-sshd-log-'));
    const path = join(dir, 'sshd.log');
    await writeFile(path, 'old line\n');
    const offset = 'old line\n'.length;
    await writeFile(path, `old line\nfirst\n\n${'x'.repeat(400)}\n`);
    const tail = await logTail(path, offset);
    expect(tail[0]).toBe('first');
    expect(tail[1]).toHaveLength(301);
    expect(await logTail(join(dir, 'missing.log'), 0)).toEqual([]);
  });

  it('writes files whole: temp file, fsync, rename', async () => {
    dir = await mkdtemp(join(tmpdir(), 'qx-sshd-log-'));
    const path = join(dir, 'state.json');
    await writeFileAtomic(path, '{"a":1}');
    await writeFileAtomic(path, '{"a":2}');
    expect(await readFile(path, 'utf8')).toBe('{"a":2}');
    expect(await readdir(dir)).toEqual(['state.json']);
  });
});

describe('processMatches', () => {
  it('recognises a live process by its command line', () => {
    expect(processMatches(process.pid, process.execPath.split('/').pop()!)).toBe(true);
    expect(processMatches(process.pid, '/no/such/sshd_config')).toBe(false);
    expect(processMatches(2 ** 22 + 7, 'x')).toBe(false);
  });
});

describe('sshBanner', () => {
  let server: Server | null = null;
  afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

  async function serve(greeting: string): Promise<number> {
    server = createServer((s) => {
      s.on('error', () => undefined);
      s.resume();
      s.end(greeting);
    });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    return (server.address() as { port: number }).port;
  }

  it('sees an SSH server by its greeting, and nothing else', async () => {
    expect(await sshBanner('127.0.0.1', await serve('SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u6\r\n'))).toBe('SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u6');
    await new Promise<void>((r) => server!.close(() => r()));
    expect(await sshBanner('127.0.0.1', await serve('HTTP/1.1 400 Bad Request\r\n\r\n'))).toBeNull();
    const port = (server!.address() as { port: number }).port;
    await new Promise<void>((r) => server!.close(() => r()));
    server = null;
    expect(await sshBanner('127.0.0.1', port)).toBeNull();
  });
});

describe('host keys', () => {
  let dir = '';
  afterEach(async () => dir && rm(dir, { recursive: true, force: true }));

  it('a generation cancelled at shutdown leaves no partial key and nothing writing in the directory', async () => {
    dir = await mkdtemp(join(tmpdir(), 'qx-sshd-keys-'));
    const sshd = new SshdProcess({ dir, ...where, probeHost: '127.0.0.1', log: () => undefined });
    const generating = sshd.ensureHostKeys();
    await sshd.cancelHostKeys();
    await expect(generating).rejects.toThrow(/shutting down/);
    expect((await readdir(dir)).filter((f) => f.endsWith('.new') || f.endsWith('.new.pub'))).toEqual([]);
    await rm(dir, { recursive: true });
    dir = '';
  });

  it('are made once and kept', async () => {
    dir = await mkdtemp(join(tmpdir(), 'qx-sshd-keys-'));
    const sshd = new SshdProcess({ dir, ...where, probeHost: '127.0.0.1', log: () => undefined });
    await sshd.ensureHostKeys();
    const first = await readFile(join(dir, 'ssh_host_ed25519_key.pub'), 'utf8');
    await new SshdProcess({ dir, ...where, probeHost: '127.0.0.1', log: () => undefined }).ensureHostKeys();
    expect(await readFile(join(dir, 'ssh_host_ed25519_key.pub'), 'utf8')).toBe(first);
    expect((await readdir(dir)).sort()).toEqual(HOST_KEY_TYPES.flatMap((k) => [k.file, `${k.file}.pub`]).sort());
  });
});
