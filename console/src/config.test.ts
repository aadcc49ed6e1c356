import { describe, expect, it } from 'vitest';
import { configFromEnv, resolveConfig } from './config.ts';

describe('console config', () => {
  it('defaults follow the node data dir', () => {
    const c = resolveConfig({}, '/opt/quantix', '/usr/bin/node');
    expect(c).toMatchObject({
      nodeDataDir: '/var/lib/quantix/node',
      socket: '/var/lib/quantix/node/qx-node.sock',
      auditLog: '/var/lib/quantix/node/audit.log',
      stateDir: '/var/lib/quantix/node/console',
      nodeStoreFile: '/var/lib/quantix/node/node.json',
      nodePidFile: '/var/lib/quantix/node/qx-node.pid',
      nodeLogFile: '/var/lib/quantix/node/logs/qx-node.log',
      nodeCommand: ['/usr/bin/node', '/opt/quantix/qx-node.mjs'],
      rebootCommand: ['/sbin/reboot'],
      poweroffCommand: ['/sbin/poweroff'],
      shell: ['/bin/bash', '-l'],
      profile: 'auto',
      allowExit: false,
      apiPort: 8443,
    });
  });

  it('the QX_* environment shared with qx-node, and options over it', () => {
    const env = configFromEnv({ QX_DATA_DIR: '/srv/qx', QX_SOCKET: '/run/qx.sock', QX_AUDIT_LOG: '/var/log/qx-audit.log', QX_PORT: '9443', QX_LOG_FILE: '/var/log/qx-node.log' });
    const c = resolveConfig({ ...env, socket: '/tmp/other.sock', serial: true, rebootCommand: 'touch "/tmp/x y/rebooted"' }, '/opt/quantix');
    expect(c).toMatchObject({
      nodeDataDir: '/srv/qx',
      socket: '/tmp/other.sock',
      auditLog: '/var/log/qx-audit.log',
      stateDir: '/srv/qx/console',
      apiPort: 9443,
      nodeLogFile: '/var/log/qx-node.log',
      profile: 'serial',
      rebootCommand: ['touch', '/tmp/x y/rebooted'],
    });
    expect(configFromEnv({ QX_PORT: '0' }).apiPort).toBeUndefined();
  });

  it('rejects nonsense', () => {
    expect(() => resolveConfig({ profile: 'amiga' } as never, '/x')).toThrow();
    expect(() => resolveConfig({ rebootCommand: 'echo "open' }, '/x')).toThrow(/unbalanced/);
    expect(() => resolveConfig({ apiPort: '70000' }, '/x')).toThrow();
    expect(() => resolveConfig({ bogus: 1 } as never, '/x')).toThrow();
  });
});
