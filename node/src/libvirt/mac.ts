import { randomBytes } from 'node:crypto';

/** The locally administered prefix QEMU/KVM guests conventionally use (52:54:00 = "RT" + 00). */
export const QEMU_MAC_PREFIX = '52:54:00';

/** A random unicast MAC in QEMU's 52:54:00 range, lower-case: 52:54:00:xx:xx:xx. */
export function randomMac(random: (n: number) => Uint8Array = randomBytes): string {
  const tail = Array.from(random(3).subarray(0, 3), (b) => b.toString(16).padStart(2, '0'));
  if (tail.length !== 3) throw new Error('randomMac: random source returned too few bytes');
  return [QEMU_MAC_PREFIX, ...tail].join(':');
}

/** Canonical form of a MAC (lower-case, colon separated) or null when it is not a MAC address. */
export function normalizeMac(mac: string): string | null {
  const m = /^([0-9a-f]{2})[:-]?([0-9a-f]{2})[:-]?([0-9a-f]{2})[:-]?([0-9a-f]{2})[:-]?([0-9a-f]{2})[:-]?([0-9a-f]{2})$/i.exec(
    mac.trim(),
  );
  return m ? m.slice(1).join(':').toLowerCase() : null;
}
