import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CommandPowerControl } from './power-control.ts';

describe('CommandPowerControl', () => {
  it('runs the configured command of each action', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'qx-console-power-'));
    try {
      const power = new CommandPowerControl({ reboot: ['touch', join(dir, 'rebooted')], poweroff: ['/bin/sh', '-c', 'exit 7'] });
      expect(await power.run('reboot')).toMatchObject({ code: 0 });
      expect(existsSync(join(dir, 'rebooted'))).toBe(true);
      expect(await power.run('poweroff')).toMatchObject({ code: 7 });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
