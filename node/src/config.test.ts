import { describe, expect, it } from 'vitest';
import { configFromEnv, resolveConfig } from './config.ts';

describe('node config', () => {
  it('has safe defaults: loopback, TLS, data under ./var/node', () => {
    const c = resolveConfig({});
    expect(c).toMatchObject({ listen: '127.0.0.1', port: 8443, insecureHttp: false, poolName: 'qx-local' });
    expect(c.dataDir).toMatch(/\/var\/node$/);
    expect(c.socketPath).toBe(`${c.dataDir}/qx-node.sock`);
  });

  it('reads the environment and rejects nonsense', () => {
    const c = resolveConfig(configFromEnv({ QX_PORT: '9443', QX_DATA_DIR: '/tmp/x', QX_INSECURE_HTTP: '1' }));
    expect(c).toMatchObject({ port: 9443, dataDir: '/tmp/x', poolDir: '/tmp/x/pool', insecureHttp: true });
    expect(() => resolveConfig(configFromEnv({ QX_PORT: '70000' }))).toThrow();
    expect(() => resolveConfig({ bogus: 1 } as never)).toThrow();
  });

  it('has the appliance paths as defaults and takes them from the environment', () => {
    const d = resolveConfig({});
    expect(d).toMatchObject({
      cmdline: '/proc/cmdline',
      grubenv: '/boot/efi/grub/grubenv',
      slotA: '/dev/disk/by-partlabel/QX_SYSTEM_A',
      slotB: '/dev/disk/by-partlabel/QX_SYSTEM_B',
      releaseFile: '/etc/quantix/release',
      bootConfig: '/quantix/boot.json',
      rebootCommand: '/sbin/reboot',
      adminHashFile: null,
      networkApplyAtStart: false,
    });
    const c = resolveConfig(
      configFromEnv({
        QX_CMDLINE: '/t/cmdline',
        QX_GRUBENV: '/t/grubenv',
        QX_SLOT_A: '/t/a',
        QX_SLOT_B: '/t/b',
        QX_RELEASE_FILE: '/t/release',
        QX_BOOT_CONFIG: '/t/boot.json',
        QX_REBOOT_COMMAND: 'touch /t/rebooted',
        QX_ADMIN_HASH_FILE: '/t/admin.json',
        QX_NETWORK_APPLY_AT_START: '1',
      }),
    );
    expect(c).toMatchObject({
      cmdline: '/t/cmdline',
      grubenv: '/t/grubenv',
      slotA: '/t/a',
      slotB: '/t/b',
      releaseFile: '/t/release',
      bootConfig: '/t/boot.json',
      rebootCommand: 'touch /t/rebooted',
      adminHashFile: '/t/admin.json',
      networkApplyAtStart: true,
    });
  });
});
