import type { Job, VmBoot } from '@quantix/lib/api';
import { LowdbStore, type Store } from '@quantix/lib/store';

export interface SessionRecord {
  id: string;
  tokenHash: string;
  createdAt: string;
  expiresAt: string;
}

export interface ApiTokenRecord extends SessionRecord {
  name: string;
  lastUsedAt: string | null;
}

/** Desired configuration of a VM; libvirt owns its runtime state. */
export interface VmRecord {
  id: string;
  name: string;
  description: string;
  vcpus: number;
  memoryMiB: number;
  firmware: 'bios' | 'uefi';
  boot: VmBoot;
  disks: { target: string; path: string; sizeGiB: number }[];
  nics: { type: 'user' | 'bridge' | 'network'; source: string | null; mac: string }[];
  autostart: boolean;
  /** creating/deleting while a job works on it; a restart finds and finishes or rolls back these. */
  status: 'creating' | 'ready' | 'deleting';
  pendingRestart: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface NodeDoc {
  admin: { passwordHash: string | null };
  sessions: SessionRecord[];
  apiTokens: ApiTokenRecord[];
  vms: VmRecord[];
  jobs: Job[];
  /** The host's registration token, shown on the console for a vDC admin; short-lived. */
  registration: { token: string | null; expiresAt: string | null };
  /** A stable id for this host, made on first start. */
  hostId: string | null;
}

export type NodeStore = Store<NodeDoc>;

export function emptyNodeDoc(): NodeDoc {
  return { admin: { passwordHash: null }, sessions: [], apiTokens: [], vms: [], jobs: [], registration: { token: null, expiresAt: null }, hostId: null };
}

export function openNodeStore(path: string): Promise<NodeStore> {
  return LowdbStore.open<NodeDoc>(path, emptyNodeDoc());
}
