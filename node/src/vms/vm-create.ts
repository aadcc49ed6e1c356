import { randomUUID } from 'node:crypto';
import { access, constants } from 'node:fs/promises';
import type { Job, VmCreate } from '@quantix/lib/api';
import { ApiError } from '@quantix/lib/errors';
import type { VmRecord } from '../node-store.ts';
import { randomMac } from '../libvirt/mac.ts';
import type { VmService } from './vm-service.ts';

async function mustExist(path: string, what: string): Promise<void> {
  try {
    await access(path, constants.R_OK);
  } catch {
    throw new ApiError('PATH_NOT_FOUND', `The ${what} ${path} does not exist on this host or cannot be read.`, { path });
  }
}

export function assertNameFree(service: VmService, name: string, exceptId?: string): void {
  const lower = name.toLowerCase();
  // Other domains of this host are known from libvirt's events; should one slip through, libvirt
  // itself refuses the duplicate name at define time.
  const clash =
    service.records().some((v) => v.id !== exceptId && v.name.toLowerCase() === lower) ||
    service.states.all().some((d) => d.uuid !== exceptId && d.name.toLowerCase() === lower);
  if (clash) throw new ApiError('VM_NAME_TAKEN', `A VM or libvirt domain named '${name}' already exists on this host.`, { name });
}

/**
 * Checks what can be checked up front, records the VM as "creating", and runs the rest as a
 * job: disks, domain definition, power-on. Any failure or a cancel removes all of it again.
 */
export async function createVm(service: VmService, input: VmCreate): Promise<Job> {
  assertNameFree(service, input.name);
  if (input.boot.from === 'kernel') {
    await mustExist(input.boot.kernel, 'kernel');
    if (input.boot.initrd) await mustExist(input.boot.initrd, 'initrd');
  }
  if (input.boot.from === 'cdrom') await mustExist(input.boot.iso, 'ISO image');
  for (const disk of input.disks) if (disk.sourceImage) await mustExist(disk.sourceImage, 'source image');

  const id = randomUUID();
  const now = new Date().toISOString();
  const record: VmRecord = {
    id,
    name: input.name,
    description: input.description,
    vcpus: input.vcpus,
    memoryMiB: input.memoryMiB,
    firmware: input.firmware,
    boot: input.boot,
    disks: input.disks.map((d, i) => ({ target: `vd${String.fromCharCode(97 + i)}`, path: service.diskPath(id, i), sizeGiB: d.sizeGiB ?? 0 })),
    nics: input.nics.map((n) => ({
      type: n.type,
      source: n.type === 'bridge' ? n.bridge : n.type === 'network' ? n.network : null,
      mac: (n.mac ?? randomMac()).toLowerCase(),
    })),
    autostart: input.autostart,
    status: 'creating',
    pendingRestart: false,
    createdAt: now,
    updatedAt: now,
  };
  await service.o.store.update((doc) => {
    if (doc.vms.some((v) => v.name.toLowerCase() === input.name.toLowerCase())) throw new ApiError('VM_NAME_TAKEN');
    doc.vms.push(record);
  });
  const release = service.claim(record, 'create');
  service.o.bus.publish('vm.created', service.view(record));

  return service.o.jobs.submit('vm.create', [{ type: 'vm', id }], async (ctx) => {
    const { backend } = service.o;
    try {
      const steps = input.disks.length + 1;
      for (const [i, disk] of input.disks.entries()) {
        ctx.signal.throwIfAborted();
        ctx.progress(i / steps, `Creating disk ${i + 1} of ${input.disks.length}`);
        const path = record.disks[i]!.path;
        const made = await backend.createDisk({ path, ...disk }, (f) => ctx.progress((i + f) / steps), ctx.signal);
        record.disks[i]!.sizeGiB = made.sizeGiB;
      }
      ctx.signal.throwIfAborted();
      ctx.progress(input.disks.length / steps, input.start ? 'Defining the VM in libvirt and powering on' : 'Defining the VM in libvirt');
      await backend.define(service.domainSpec(record), { start: input.start });
      if (input.autostart) await backend.setAutostart(id, true);
      await service.saveRecord(id, (r) => {
        r.status = 'ready';
        r.disks = record.disks;
      });
      // libvirt's own event normally tells us at once; ask it only when it has not.
      const expected = (s: string) => (input.start ? s === 'running' : s === 'stopped');
      if (!(await service.states.waitFor(id, expected, 2000))) await service.states.refresh(id);
      service.publishState(service.record(id), 'creating', 'created');
      service.publishUpdated(id);
    } catch (err) {
      ctx.progress(1, 'Rolling back');
      await service.removeEverything(record).catch((e) => service.o.log(`rollback of VM '${record.name}' failed: ${e}`));
      service.o.bus.publish('vm.deleted', { id, name: record.name });
      throw err;
    } finally {
      release();
    }
  });
}
