import { describe, expect, it } from 'vitest';
import { hashPassword, passwordHashProblem, passwordProblems, verifyPassword } from './password.ts';

describe('password hashing', () => {
  it('verifies the right password and rejects a wrong one', async () => {
    const hash = await hashPassword('correct horse');
    expect(hash).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(hash).not.toContain('correct horse');
    await expect(verifyPassword('correct horse', hash)).resolves.toBe(true);
    await expect(verifyPassword('correct horsE', hash)).resolves.toBe(false);
  });

  it('salts every hash', async () => {
    expect(await hashPassword('same-password')).not.toBe(await hashPassword('same-password'));
  });

  it('rejects malformed stored hashes instead of throwing', async () => {
    await expect(verifyPassword('x', 'plain')).resolves.toBe(false);
    await expect(verifyPassword('x', 'scrypt$a$b$c$d$e')).resolves.toBe(false);
  });

  it('explains weak passwords', () => {
    expect(passwordProblems('short')).toContain('use at least 8 characters');
    expect(passwordProblems('aaaaaaaaaa')).toContain('use at least 4 different characters');
    expect(passwordProblems('a good passphrase')).toEqual([]);
  });
});

describe('passwordHashProblem', () => {
  it('accepts what hashPassword makes and refuses anything verifyPassword could not use', async () => {
    expect(passwordHashProblem(await hashPassword('good-secret-1'))).toBeNull();
    const salt = Buffer.alloc(16, 1).toString('base64');
    const key = Buffer.alloc(32, 2).toString('base64');
    expect(passwordHashProblem(`scrypt$32768$8$1$${salt}$${key}`)).toBeNull();
    expect(passwordHashProblem('plain-password')).toMatch(/scrypt/);
    expect(passwordHashProblem(`bcrypt$32768$8$1$${salt}$${key}`)).toMatch(/scrypt/);
    expect(passwordHashProblem(`scrypt$1000$8$1$${salt}$${key}`)).toMatch(/power of two/);
    expect(passwordHashProblem(`scrypt$32768$0$1$${salt}$${key}`)).toMatch(/r must/);
    expect(passwordHashProblem(`scrypt$1048576$32$1$${salt}$${key}`)).toMatch(/memory/);
    expect(passwordHashProblem(`scrypt$32768$8$1$!!$${key}`)).toMatch(/salt/);
    expect(passwordHashProblem(`scrypt$32768$8$1$${salt}$AAAA`)).toMatch(/key/);
  });
});
