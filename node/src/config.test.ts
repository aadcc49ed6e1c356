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
});
