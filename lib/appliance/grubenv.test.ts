import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  GRUBENV_SIGNATURE,
  GRUBENV_SIZE,
  GrubEnvError,
  armTrial,
  bootState,
  commit,
  grubDecide,
  listGrubEnv,
  needsCommit,
  parseGrubEnv,
  serializeGrubEnv,
  withVars,
  type GrubEnv,
  type Slot,
} from './grubenv.ts';

const env = (vars: Record<string, string>): GrubEnv => new Map(Object.entries(vars));
const roundTrip = (e: GrubEnv) => parseGrubEnv(serializeGrubEnv(e));

describe('grubenv format', () => {
  it('writes the signature, the entries and # padding to exactly 1024 bytes', () => {
    const block = serializeGrubEnv(env({ qx_active: 'A', qx_trial: '' }));
    expect(block.length).toBe(GRUBENV_SIZE);
    const text = block.toString('latin1');
    expect(text.startsWith(GRUBENV_SIGNATURE)).toBe(true);
    expect(text).toContain('\nqx_active=A\nqx_trial=\n#');
    expect(text.endsWith('####')).toBe(true);
  });

  it('escapes backslash and newline in values and reads them back', () => {
    const e = env({ a: 'x\\y', b: 'line1\nline2', c: 'sp ace=eq#', d: '', e: 'ünïcode' });
    expect(serializeGrubEnv(e).toString('utf8')).toContain('a=x\\\\y\nb=line1\\\nline2\nc=sp ace=eq#\nd=\n');
    expect([...roundTrip(e)]).toEqual([...e]);
  });

  it('refuses a block of the wrong size or without the signature', () => {
    const good = serializeGrubEnv(env({ a: '1' }));
    expect(() => parseGrubEnv(good.subarray(0, 1023))).toThrow(GrubEnvError);
    expect(() => parseGrubEnv(Buffer.concat([good, Buffer.from('#')]))).toThrow(/1024/);
    const unsigned = Buffer.from(good);
    unsigned.write('X', 0);
    expect(() => parseGrubEnv(unsigned)).toThrow(/signature/);
  });

  it('refuses variables that do not fit and names GRUB cannot hold', () => {
    expect(() => serializeGrubEnv(env({ big: 'x'.repeat(1000) }))).toThrow(/1024/);
    expect(() => serializeGrubEnv(env({ 'a=b': '1' }))).toThrow(GrubEnvError);
    expect(() => withVars(env({}), { '': '1' })).toThrow(GrubEnvError);
  });

  it('keeps the place of a replaced variable and appends new ones, like grub_envblk_set', () => {
    const e = withVars(env({ a: '1', b: '2' }), { a: '3', c: '4' });
    expect([...e.keys()]).toEqual(['a', 'b', 'c']);
    expect(e.get('a')).toBe('3');
  });

  it('skips comment lines between entries and ignores a value running into the end', () => {
    const text = `${GRUBENV_SIGNATURE}# a comment\nx=1\n# another\ny=2\nz=unterminated`;
    const block = Buffer.from(text.padEnd(GRUBENV_SIZE, '#'), 'latin1');
    // "z=unterminated####…" has no newline before the end: GRUB drops it.
    expect([...parseGrubEnv(block)]).toEqual([
      ['x', '1'],
      ['y', '2'],
    ]);
  });
});

describe('A/B state machine', () => {
  const installed = env({ qx_active: 'A', qx_trial: '', qx_trial_boots: '0', qx_failed: '' });

  /** One boot: GRUB decides (and saves), then Linux runs in the chosen slot and maybe commits. */
  function boot(e: GrubEnv, healthy: boolean): { slot: Slot; env: GrubEnv } {
    const g = grubDecide(roundTrip(e));
    let after = roundTrip(g.env);
    if (healthy && needsCommit(after, g.slot)) after = roundTrip(commit(after, g.slot));
    return { slot: g.slot, env: after };
  }

  it('a fresh install boots A and is committed', () => {
    const b = boot(installed, true);
    expect(b.slot).toBe('A');
    expect(bootState(b.env, 'A')).toEqual({ active: 'A', trial: null, trialBoots: 0, failed: null, booted: 'A', phase: 'committed' });
    expect(grubDecide(installed).saved).toBe(false);
  });

  it('arm → boot → commit makes the new slot active', () => {
    const armed = armTrial(installed, 'B');
    expect(bootState(armed, 'A').phase).toBe('armed');
    const g = grubDecide(armed);
    expect(g.slot).toBe('B');
    expect(g.env.get('qx_trial_boots')).toBe('1');
    expect(bootState(g.env, 'B')).toMatchObject({ phase: 'trial', trial: 'B', trialBoots: 1, active: 'A' });
    const trialBoot = boot(armed, true);
    expect(trialBoot.slot).toBe('B');
    expect(bootState(trialBoot.env, 'B')).toEqual({ active: 'B', trial: null, trialBoots: 0, failed: null, booted: 'B', phase: 'committed' });
    // Later boots stay on B.
    expect(boot(trialBoot.env, true).slot).toBe('B');
    expect(boot(trialBoot.env, false).slot).toBe('B');
  });

  it('arm → boot → fail → fallback: the next boot is the old slot and the failure is recorded', () => {
    const armed = armTrial(installed, 'B');
    const failedBoot = boot(armed, false);
    expect(failedBoot.slot).toBe('B');
    const fallback = boot(failedBoot.env, true);
    expect(fallback.slot).toBe('A');
    expect(bootState(fallback.env, 'A')).toEqual({ active: 'A', trial: null, trialBoots: 0, failed: 'B', booted: 'A', phase: 'fallback' });
    // It stays on A, and the next update clears the failure.
    expect(boot(fallback.env, true).slot).toBe('A');
    const rearmed = armTrial(fallback.env, 'B');
    expect(rearmed.get('qx_failed')).toBe('');
    const second = boot(rearmed, true);
    expect(second.slot).toBe('B');
    expect(bootState(second.env, 'B').phase).toBe('committed');
  });

  it('updates alternate: B active → arm A → commit', () => {
    const onB = commit(installed, 'B');
    const armed = armTrial(onB, 'A');
    const b = boot(armed, true);
    expect(b.slot).toBe('A');
    expect(bootState(b.env, 'A')).toMatchObject({ active: 'A', phase: 'committed' });
  });

  it('refuses to arm the active slot or a second trial', () => {
    expect(() => armTrial(installed, 'A')).toThrow(/committed slot/);
    expect(() => armTrial(armTrial(installed, 'B'), 'B')).toThrow(/already armed/);
  });

  it('like grub/grub.cfg: GRUB boots A unless qx_active is B, and only qx_trial_boots=0 gives the trial its boot', () => {
    expect(grubDecide(env({})).slot).toBe('A');
    expect(grubDecide(env({ qx_active: 'b' })).slot).toBe('A');
    expect(bootState(env({}), null)).toMatchObject({ active: 'A', phase: 'committed' });
    expect(grubDecide(env({ qx_active: 'A', qx_trial: 'B', qx_trial_boots: 'x' })).slot).toBe('A');
    expect(grubDecide(env({ qx_active: 'A', qx_trial: 'B' })).slot).toBe('A');
    expect(grubDecide(env({ qx_active: 'A', qx_trial: 'B', qx_trial_boots: '0' })).slot).toBe('B');
  });

  it('a trial that came up from the other slot is not committed', () => {
    const counted = grubDecide(armTrial(installed, 'B')).env;
    expect(needsCommit(counted, 'A')).toBe(false);
    expect(bootState(counted, 'A').phase).toBe('armed');
  });
});

const grubEditenv = ['/usr/bin/grub-editenv', '/usr/sbin/grub-editenv'].find((p) => existsSync(p));

describe.skipIf(!grubEditenv)('cross-check with grub-editenv', () => {
  const dir = mkdtempSync(join(tmpdir(), 'qx-grubenv-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const editenv = (...args: string[]) => execFileSync(grubEditenv!, args, { encoding: 'utf8' });
  const values = { qx_active: 'A', qx_trial: 'B', qx_trial_boots: '0', qx_failed: '', odd: 'back\\slash', multi: 'one\ntwo', eq: 'a=b c#d', utf: 'ünï' };

  it('grub-editenv lists a block we wrote exactly as we read it', () => {
    const path = join(dir, 'ours');
    const e = env(values);
    writeFileSync(path, serializeGrubEnv(e));
    expect(editenv(path, 'list')).toBe(listGrubEnv(e));
  });

  it('a block grub-editenv wrote parses to what it lists, and we write it back byte for byte', () => {
    const path = join(dir, 'theirs');
    editenv(path, 'create');
    expect([...parseGrubEnv(readFileSync(path))]).toEqual([]);
    expect(serializeGrubEnv(new Map())).toEqual(readFileSync(path));
    editenv(path, 'set', ...Object.entries(values).map(([k, v]) => `${k}=${v}`));
    editenv(path, 'set', 'qx_trial_boots=1', 'late=x');
    editenv(path, 'unset', 'odd');
    const block = readFileSync(path);
    const parsed = parseGrubEnv(block);
    expect(listGrubEnv(parsed)).toBe(editenv(path, 'list'));
    expect(parsed.get('multi')).toBe('one\ntwo');
    expect(serializeGrubEnv(parsed)).toEqual(block);
  });

  it('our state changes are what grub-editenv makes of the same sets', () => {
    const path = join(dir, 'steps');
    editenv(path, 'create');
    editenv(path, 'set', 'qx_active=A', 'qx_trial=', 'qx_trial_boots=0', 'qx_failed=');
    const ours = armTrial(parseGrubEnv(readFileSync(path)), 'B');
    editenv(path, 'set', 'qx_trial=B', 'qx_trial_boots=0', 'qx_failed=');
    expect(serializeGrubEnv(ours)).toEqual(readFileSync(path));
  });
});
