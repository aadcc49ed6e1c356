import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { configPath, renderSshdConfig, type SshdConfigInput } from './sshd-config.ts';

const run = promisify(execFile);

const base: SshdConfigInput = {
  port: 22,
  listen: '0.0.0.0',
  hostKeys: ['/var/node/ssh/ssh_host_ed25519_key', '/var/node/ssh/ssh_host_rsa_key'],
  pidFile: '/var/node/ssh/sshd.pid',
  applianceKeysFile: '/var/node/ssh/authorized_keys',
  idleTimeoutSeconds: 0,
};

describe('renderSshdConfig', () => {
  it('is keys-only, without PAM, root by key, with its own host keys and PidFile', () => {
    const text = renderSshdConfig(base);
    const lines = text.trim().split('\n');
    for (const want of [
      'Port 22',
      'ListenAddress 0.0.0.0',
      'HostKey /var/node/ssh/ssh_host_ed25519_key',
      'HostKey /var/node/ssh/ssh_host_rsa_key',
      'PidFile /var/node/ssh/sshd.pid',
      'LogLevel INFO',
      'PermitRootLogin prohibit-password',
      'AuthenticationMethods publickey',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'UsePAM no',
      'Subsystem sftp internal-sftp',
      'AuthorizedKeysFile .ssh/authorized_keys',
    ]) {
      expect(lines).toContain(want);
    }
    // The appliance's own keys file is for root only, in the Match block that ends the file.
    expect(lines.slice(-2)).toEqual(['Match User root', '\tAuthorizedKeysFile .ssh/authorized_keys /var/node/ssh/authorized_keys']);
    expect(text).not.toMatch(/ChannelTimeout|UnusedConnectionTimeout/);
  });

  it('closes idle sessions and channel-less connections when an idle timeout is set', () => {
    const lines = renderSshdConfig({ ...base, idleTimeoutSeconds: 900 }).split('\n');
    expect(lines).toContain('ChannelTimeout session:*=900s');
    expect(lines).toContain('UnusedConnectionTimeout 900s');
    expect(lines.indexOf('ChannelTimeout session:*=900s')).toBeLessThan(lines.indexOf('Match User root'));
  });

  it('quotes paths with spaces and refuses what sshd would misread', () => {
    expect(configPath('/srv/my data/key')).toBe('"/srv/my data/key"');
    expect(() => configPath('relative/key')).toThrow(/absolute/);
    expect(() => configPath('/srv/100%/keys')).toThrow(/%/);
    expect(() => configPath('/srv/a"b')).toThrow(/quotes/);
    expect(() => configPath('/srv/a\nPermitRootLogin yes')).toThrow(/control/);
    expect(() => renderSshdConfig({ ...base, listen: '0.0.0.0\nPasswordAuthentication yes' })).toThrow(/listen/);
    expect(() => renderSshdConfig({ ...base, port: 0 })).toThrow(/port/);
  });

  it.skipIf(!existsSync('/usr/sbin/sshd'))('is accepted by this host\'s sshd (sshd -t)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'qx-sshd-config-'));
    try {
      const key = join(dir, 'ssh_host_ed25519_key');
      await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', key]);
      await writeFile(
        join(dir, 'sshd_config'),
        renderSshdConfig({ ...base, port: 2222, listen: '127.0.0.1', hostKeys: [key], pidFile: join(dir, 'sshd.pid'), applianceKeysFile: join(dir, 'authorized_keys'), idleTimeoutSeconds: 600 }),
      );
      await expect(run('/usr/sbin/sshd', ['-t', '-f', join(dir, 'sshd_config')])).resolves.toBeDefined();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
