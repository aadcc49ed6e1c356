import { describe, expect, it } from 'vitest';
import { macAddress } from '@quantix/lib/api';
import { normalizeMac, randomMac } from './mac.ts';

describe('randomMac', () => {
  it('is a unicast 52:54:00 address the API schema accepts', () => {
    for (let i = 0; i < 200; i++) {
      const mac = randomMac();
      expect(mac).toMatch(/^52:54:00(:[0-9a-f]{2}){3}$/);
      expect(macAddress.safeParse(mac).success).toBe(true);
    }
  });

  it('formats the random bytes as lower-case hex with zero padding', () => {
    expect(randomMac(() => Uint8Array.from([0x00, 0xab, 0x0f]))).toBe('52:54:00:00:ab:0f');
  });

  it('differs between calls', () => {
    const seen = new Set(Array.from({ length: 50 }, () => randomMac()));
    expect(seen.size).toBeGreaterThan(45);
  });
});

describe('normalizeMac', () => {
  it('lower-cases and accepts dash or no separators', () => {
    expect(normalizeMac('52:54:00:AB:CD:EF')).toBe('52:54:00:ab:cd:ef');
    expect(normalizeMac('52-54-00-ab-cd-ef')).toBe('52:54:00:ab:cd:ef');
    expect(normalizeMac('525400abcdef')).toBe('52:54:00:ab:cd:ef');
  });
  it('rejects non-MACs', () => {
    expect(normalizeMac('52:54:00:ab:cd')).toBeNull();
    expect(normalizeMac('zz:54:00:ab:cd:ef')).toBeNull();
  });
});
