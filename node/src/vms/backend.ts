import type { EventEmitter } from 'node:events';
import type { VmBoot, VmState } from '@quantix/lib/api';
import type { HypervisorCapabilities } from '../libvirt/domcaps.ts';

export interface DomainSpec {
  uuid: string;
  name: string;
  description: string;
  vcpus: number;
  memoryMiB: number;
  firmware: 'bios' | 'uefi';
  boot: VmBoot;
  disks: { path: string; target: string }[];
  nics: { type: 'user' | 'bridge' | 'network'; source: string | null; mac: string }[];
  serialLogPath: string;
}

export interface DomainStatus {
  uuid: string;
  name: string;
  state: VmState;
  reason: string;
}

export interface LiveConsole {
  vncPort: number | null;
  serialPty: string | null;
}

export interface NewDisk {
  path: string;
  sizeGiB?: number;
  sourceImage?: string;
}

/** What a libvirt event says about a domain, as far as it says anything. */
export type DomainEventMeaning = VmState | 'defined' | 'gone' | null;

export type DomainAction = 'start' | 'destroy' | 'shutdown' | 'reboot' | 'reset' | 'suspend' | 'resume';

/**
 * What the VM service needs from a hypervisor. The real one is libvirt (libvirt-backend.ts);
 * unit tests of VM logic may use a test double.
 *
 * events emits 'domain' with the domain name, and what the event implies when it implies something
 * (a VmState, 'defined', 'gone'; else null), whenever libvirt reports a change to it; and 'resync'
 * when the event stream was lost and every state must be re-read.
 */
export interface VmBackend {
  readonly accel: 'kvm' | 'tcg';
  readonly events: EventEmitter;
  listDomains(): Promise<DomainStatus[]>;
  domainStatus(uuid: string): Promise<DomainStatus | null>;
  liveConsole(uuid: string): Promise<LiveConsole>;
  /** Defines (or redefines) the domain; with start, powers it on in the same libvirt connection. */
  define(spec: DomainSpec, options?: { start?: boolean }): Promise<void>;
  /** Removes the domain definition with its NVRAM and managed-save state. */
  undefine(uuid: string): Promise<void>;
  /** Renames a powered-off domain. */
  rename(uuid: string, name: string): Promise<void>;
  act(uuid: string, action: DomainAction): Promise<void>;
  setAutostart(uuid: string, on: boolean): Promise<void>;
  createDisk(disk: NewDisk, onProgress: (fraction: number) => void, signal: AbortSignal): Promise<{ sizeGiB: number }>;
  deleteDisk(path: string): Promise<void>;
  pool(): Promise<{ name: string; path: string; capacityBytes: number; availableBytes: number }>;
  versions(): Promise<{ libvirt: string; qemu: string }>;
  capabilities(): Promise<HypervisorCapabilities>;
  close(): void;
}
