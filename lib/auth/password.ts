import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

const params = { N: 1 << 15, r: 8, p: 1, keyLength: 32 };

function derive(password: string, salt: Buffer, N: number, r: number, p: number, keyLength: number): Promise<Buffer> {
  const options: ScryptOptions = { N, r, p, maxmem: 128 * N * r * 2 };
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFKC'), salt, keyLength, options, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

/** "scrypt$N$r$p$salt$hash", salt and hash in base64: self-describing so parameters can grow later. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, params.N, params.r, params.p, params.keyLength);
  return ['scrypt', params.N, params.r, params.p, salt.toString('base64'), key.toString('base64')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  if (![N, r, p].every(Number.isInteger)) return false;
  const expected = Buffer.from(parts[5]!, 'base64');
  const actual = await derive(password, Buffer.from(parts[4]!, 'base64'), N, r, p, expected.length);
  return expected.length > 0 && timingSafeEqual(expected, actual);
}

/** What is wrong with a new admin password, as sentences; empty when it is acceptable. */
export function passwordProblems(password: string): string[] {
  const problems: string[] = [];
  if (password.length < 8) problems.push('use at least 8 characters');
  if (password.length > 1024) problems.push('use at most 1024 characters');
  if (new Set(password).size < 4) problems.push('use at least 4 different characters');
  return problems;
}

/**
 * Why a stored hash (from /quantix/admin.json, say) cannot be used, or null when verifyPassword can check passwords
 * against it: "scrypt$N$r$p$salt$hash", N a power of two, salt and key in base64 (key at least 16 bytes).
 */
export function passwordHashProblem(stored: string): string | null {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return 'it is not "scrypt$N$r$p$salt$hash"';
  const [N, r, p] = parts.slice(1, 4).map((x) => (/^\d{1,9}$/.test(x) ? Number(x) : NaN)) as [number, number, number];
  if (!(N >= 2 ** 10 && N <= 2 ** 20 && (N & (N - 1)) === 0)) return 'N must be a power of two from 1024 to 1048576';
  if (!(r >= 1 && r <= 32 && p >= 1 && p <= 16)) return 'r must be 1–32 and p 1–16';
  if (N * r > 2 ** 21) return 'N × r must be at most 2097152 (256 MiB of memory to verify)';
  const base64 = /^[A-Za-z0-9+/]+={0,2}$/;
  if (!base64.test(parts[4]!) || Buffer.from(parts[4]!, 'base64').length < 8) return 'the salt must be at least 8 bytes of base64';
  if (!base64.test(parts[5]!) || Buffer.from(parts[5]!, 'base64').length < 16) return 'the key must be at least 16 bytes of base64';
  return null;
}
