import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '@quantix/lib/auth';
import { StoreFileAuthenticator } from './authenticator.ts';

let dir: string;
let storeFile: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'qx-console-auth-'));
  storeFile = join(dir, 'node.json');
  // What qx-node's store holds (other fields are qx-node's and ignored here).
  await writeFile(storeFile, JSON.stringify({ admin: { passwordHash: await hashPassword('right-password-1') }, sessions: [], vms: [] }));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('StoreFileAuthenticator', () => {
  it('verifies against the scrypt hash in qx-node store file', async () => {
    const auth = new StoreFileAuthenticator({ storeFile, stateFile: join(dir, 'a/auth-state.json') });
    expect(await auth.status()).toEqual({ hasPassword: true, lockedUntil: null });
    expect(await auth.verify('right-password-1')).toEqual({ ok: true });
    expect(await auth.verify('wrong')).toEqual({ ok: false, reason: 'wrong-password', attemptsLeft: 4 });
  });

  it('locks out after 5 failures for 5 minutes, across restarts of the console', async () => {
    let now = 1_000_000;
    const stateFile = join(dir, 'b/auth-state.json');
    const make = () => new StoreFileAuthenticator({ storeFile, stateFile, now: () => now });
    const first = make();
    for (let i = 4; i >= 1; i--) expect(await first.verify('nope')).toEqual({ ok: false, reason: 'wrong-password', attemptsLeft: i });
    expect(await first.verify('nope')).toEqual({ ok: false, reason: 'locked', lockedUntil: now + 300_000 });
    // A new console process reads the same state file.
    const second = make();
    expect(await second.verify('right-password-1')).toEqual({ ok: false, reason: 'locked', lockedUntil: 1_300_000 });
    expect((await second.status()).lockedUntil).toBe(1_300_000);
    expect(JSON.parse(await readFile(stateFile, 'utf8'))).toEqual({ failures: 0, lockedUntil: 1_300_000 });
    now += 300_001;
    expect(await second.status()).toEqual({ hasPassword: true, lockedUntil: null });
    expect(await second.verify('right-password-1')).toEqual({ ok: true });
    expect(JSON.parse(await readFile(stateFile, 'utf8'))).toEqual({ failures: 0, lockedUntil: null });
  });

  it('a right password resets the count of failures', async () => {
    const auth = new StoreFileAuthenticator({ storeFile, stateFile: join(dir, 'c/auth-state.json') });
    await auth.verify('x');
    await auth.verify('x');
    await auth.verify('right-password-1');
    expect(await auth.verify('x')).toMatchObject({ attemptsLeft: 4 });
  });

  it('no store file, no password set, or a damaged one: no password', async () => {
    const none = new StoreFileAuthenticator({ storeFile: join(dir, 'missing.json'), stateFile: join(dir, 'd/s.json') });
    expect(await none.status()).toEqual({ hasPassword: false, lockedUntil: null });
    expect(await none.verify('anything')).toEqual({ ok: false, reason: 'no-password' });
    const unset = join(dir, 'unset.json');
    await writeFile(unset, JSON.stringify({ admin: { passwordHash: null } }));
    expect(await new StoreFileAuthenticator({ storeFile: unset, stateFile: join(dir, 'd/s.json') }).verify('x')).toEqual({ ok: false, reason: 'no-password' });
    const damaged = join(dir, 'damaged.json');
    await writeFile(damaged, '{"admin":');
    expect((await new StoreFileAuthenticator({ storeFile: damaged, stateFile: join(dir, 'd/s.json') }).status()).hasPassword).toBe(false);
  });
});
