import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { afterAll, describe, expect, it } from 'vitest';
import { Api, freePort, imageDir, manifest, scratch } from './image.ts';
import { Qemu } from './qemu.ts';

// The vDC appliance as a VMware/VirtualBox user gets it: an OVA whose disk is what the installer wrote.
describe('the vDC OVA', () => {
  const m = manifest('vdc');
  const ova = join(imageDir('vdc'), m.artifacts.find((a) => a.file.endsWith('.ova'))!.file);
  const dir = scratch('ova');
  let vm: Qemu | null = null;
  afterAll(async () => {
    await vm?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('is an OVF descriptor first, a SHA-256 manifest and a streamOptimized VMDK', () => {
    const names = execFileSync('tar', ['-tf', ova]).toString().trim().split('\n');
    expect(names).toHaveLength(3);
    expect(names[0]).toMatch(/\.ovf$/);
    execFileSync('tar', ['-xf', ova, '-C', dir]);
    const mf = readFileSync(join(dir, names.find((n) => n.endsWith('.mf'))!), 'utf8');
    for (const line of mf.trim().split('\n')) {
      const [, file, sum] = /^SHA256\((.+)\)= ([0-9a-f]{64})$/.exec(line)!;
      expect(createHash('sha256').update(readFileSync(join(dir, file!))).digest('hex')).toBe(sum);
    }
    const vmdk = names.find((n) => n.endsWith('.vmdk'))!;
    const info = JSON.parse(execFileSync('qemu-img', ['info', '--output=json', join(dir, vmdk)]).toString());
    expect(info.format).toBe('vmdk');
    expect(info['format-specific'].data['create-type']).toBe('streamOptimized');
    const ovf = new XMLParser({ ignoreAttributes: false }).parse(readFileSync(join(dir, names[0]!), 'utf8'));
    expect(ovf.Envelope.References.File['@_ovf:href']).toBe(vmdk);
    expect(ovf.Envelope.DiskSection.Disk['@_ovf:format']).toMatch(/streamOptimized$/);
    expect(ovf.Envelope.VirtualSystem.ProductSection.Version).toBe(m.version);
  });

  it('boots from its disk to the console and the API, waiting for its first admin password', async () => {
    const vmdk = readdirSync(dir).find((n) => n.endsWith('.vmdk'))!;
    const disk = join(dir, 'run.qcow2');
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', '-F', 'vmdk', '-b', join(dir, vmdk), disk]);
    const port = await freePort();
    vm = new Qemu({ firmware: 'bios', disk, apiPort: port });
    await vm.start();
    await vm.waitFor(/starting Quantix-vDC/, 300_000);
    await vm.waitFor(/Cluster\s+Standalone/, 300_000);
    const api = new Api(port);
    await api.waitUp(300_000);
    const login = await api.call<{ error: { code: string } }>('POST', '/api/v1/auth/login', { password: 'anything-at-all' });
    expect(login.status).toBeGreaterThanOrEqual(400);
    expect(login.body.error.code).toBe('ADMIN_PASSWORD_NOT_SET');
  });
});
