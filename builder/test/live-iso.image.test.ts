import { afterEach, describe, expect, it } from 'vitest';
import { Api, freePort, isoOf, manifest } from './image.ts';
import { Qemu, type Firmware } from './qemu.ts';

// The ISO as a user meets it: GRUB's menu on the serial line, the live entry, and the console's status screen.
describe('the install/live ISO', () => {
  let vm: Qemu | null = null;
  afterEach(async () => {
    await vm?.stop();
    vm = null;
  });

  for (const firmware of ['bios', 'uefi'] as Firmware[]) {
    it(`boots under ${firmware.toUpperCase()} to the console's status screen on the serial line`, async () => {
      const port = await freePort();
      vm = new Qemu({ firmware, iso: isoOf('host'), apiPort: port });
      await vm.start();
      const menu = await vm.waitFor(/Live system: try Quantix-OS without installing/, 120_000);
      expect(vm.text).toMatch(/Install Quantix-OS/);
      expect(vm.text).toMatch(/Rescue shell/);
      vm.send('l');
      const initramfs = await vm.waitFor(/quantix-initramfs: starting Quantix-OS/, 180_000);
      const consoleAt = await vm.waitFor(/Cluster\s+Standalone/, 300_000);
      const managementAt = await vm.waitFor(/Management\s+https:\/\/10\.0\.2\.15:8443/, 300_000);
      expect(vm.text).toContain(`Quantix ${manifest('host').version}`);
      const api = new Api(port);
      await api.waitUp(120_000);
      const ping = await api.ok<{ status: string; version: string }>('GET', '/api/v1/registration/ping');
      expect(ping).toMatchObject({ status: 'ok', version: expect.any(String) });
      console.log(
        `${firmware}: GRUB menu ${menu.toFixed(1)}s, initramfs done ${initramfs.toFixed(1)}s, ` +
          `console ${consoleAt.toFixed(1)}s, management URL ${managementAt.toFixed(1)}s after QEMU started`,
      );
    });
  }
});
