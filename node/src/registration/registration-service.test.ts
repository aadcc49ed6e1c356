import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AuditLog } from '@quantix/lib/audit';
import { openNodeStore } from '../node-store.ts';
import { RegistrationService } from './registration-service.ts';

async function setup() {
  const dir = await mkdtemp(join(tmpdir(), 'qx-reg-'));
  const clock = { t: 1_800_000_000_000 };
  const audit = new AuditLog(join(dir, 'audit.log'));
  const reg = new RegistrationService({
    store: await openNodeStore(join(dir, 'node.json')),
    audit,
    fingerprint256: 'AA:BB',
    accel: 'tcg',
    hardware: async () => ({ cpuThreads: 4, memoryBytes: 8 << 30 }),
    now: () => clock.t,
  });
  return { reg, clock, audit };
}

describe('RegistrationService', () => {
  it('keeps one token for an hour, then makes a new one', async () => {
    const { reg, clock, audit } = await setup();
    const first = await reg.current('console');
    expect(first.token).toMatch(/^QX(-[A-Z2-9]{4}){5}$/);
    expect(first.remainingSeconds).toBe(3600);
    clock.t += 30 * 60_000;
    expect(await reg.current('console')).toMatchObject({ token: first.token, remainingSeconds: 1800 });
    clock.t += 31 * 60_000;
    expect((await reg.current('console')).token).not.toBe(first.token);
    expect((await audit.tail()).map((e) => e.action)).toEqual(['registration.token.new', 'registration.token.new']);
  });

  it('answers discovery only with the valid token', async () => {
    const { reg, clock } = await setup();
    const { token } = await reg.current('console');
    const found = await reg.discovery(token);
    expect(found).toMatchObject({ product: 'Quantix', fingerprint256: 'AA:BB', cpuThreads: 4, accel: 'tcg' });
    expect((await reg.discovery(token)).hostId).toBe(found.hostId);
    await expect(reg.discovery('QX-WRONG')).rejects.toMatchObject({ code: 'REGISTRATION_TOKEN_INVALID' });
    await expect(reg.discovery(undefined)).rejects.toMatchObject({ code: 'REGISTRATION_TOKEN_INVALID' });
    const renewed = await reg.regenerate('console');
    await expect(reg.discovery(token)).rejects.toMatchObject({ code: 'REGISTRATION_TOKEN_INVALID' });
    clock.t += 3601_000;
    await expect(reg.discovery(renewed.token)).rejects.toMatchObject({ code: 'REGISTRATION_TOKEN_INVALID' });
  });
});
