// Exit 0 when $QX_PASSWORD matches the admin hash in the JSON file named by argv[2] ({ "hash": "scrypt$N$r$p$salt$hash" }
// as lib/auth/password.ts writes it), 1 otherwise. Used by the rescue shell, which must work while qx-node does not.
import { scryptSync, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';

const { hash } = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const [kind, N, r, p, salt, key] = String(hash).split('$');
const want = Buffer.from(key ?? '', 'base64');
const ok =
  kind === 'scrypt' &&
  want.length > 0 &&
  timingSafeEqual(
    scryptSync((process.env.QX_PASSWORD ?? '').normalize('NFKC'), Buffer.from(salt ?? '', 'base64'), want.length, {
      N: Number(N),
      r: Number(r),
      p: Number(p),
      maxmem: 256 * Number(N) * Number(r),
    }),
    want,
  );
process.exit(ok ? 0 : 1);
