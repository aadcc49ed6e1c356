import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type Firmware = 'bios' | 'uefi';

export interface QemuOptions {
  firmware: Firmware;
  /** The install/live medium, attached as a CD-ROM. */
  iso?: string;
  /** More read-only CD-ROMs (an answer medium). */
  extraIsos?: string[];
  /** The target disk (qcow2), virtio. */
  disk?: string;
  memoryMiB?: number;
  /** Host port on 127.0.0.1 forwarded to the guest's 8443 (qx-node's API). */
  apiPort?: number;
  log?: (line: string) => void;
}

const OVMF_CODE = '/usr/share/OVMF/OVMF_CODE_4M.fd';
const OVMF_VARS = '/usr/share/OVMF/OVMF_VARS_4M.fd';

/** Everything printed on a VT100 line with escape sequences and control characters removed. */
export function plainText(raw: string): string {
  return raw
    .replace(/\x1b\[[0-9;?]*[ -/]*[@-~]/g, ' ')
    .replace(/\x1b[()][0-9A-Za-z]/g, '')
    .replace(/\x1b[=>78DEHMcNO]/g, '')
    .replace(/[\x00-\x08\x0b-\x1f\x7f]/g, '');
}

/**
 * A QEMU machine under software emulation (or KVM when QX_IMAGE_ACCEL=kvm), its serial line on a unix socket that
 * this class reads and writes, and qx-node's port forwarded to loopback.
 */
export class Qemu {
  private proc: ChildProcess | null = null;
  private serial: Socket | null = null;
  private readonly dir = mkdtempSync(join(tmpdir(), 'qx-qemu-'));
  private raw = '';
  private exitCode: number | null = null;
  private stopping = false;
  /** How many times the guest reset (rebooted) and QEMU was started again. */
  resets = 0;
  private exited: Promise<number>;
  private resolveExit!: (code: number) => void;
  startedAt = Date.now();

  constructor(private readonly o: QemuOptions) {
    this.exited = new Promise((r) => (this.resolveExit = r));
  }

  get output(): string {
    return this.raw;
  }
  get text(): string {
    return plainText(this.raw);
  }

  argv(): string[] {
    const sock = join(this.dir, 'serial.sock');
    const accel = process.env.QX_IMAGE_ACCEL === 'kvm' ? 'kvm' : 'tcg';
    const a = ['-accel', accel, '-machine', 'q35', '-cpu', 'max', '-smp', '2', '-m', String(this.o.memoryMiB ?? 2048)];
    a.push('-display', 'none', '-monitor', 'none', '-nodefaults', '-vga', 'std');
    // The watchdog a server has: the guest's systemd pets it, QEMU resets the machine when that stops.
    a.push('-device', 'i6300esb', '-action', 'watchdog=reset', '-no-reboot');
    a.push('-chardev', `socket,id=s0,path=${sock},server=on,wait=on`, '-serial', 'chardev:s0');
    if (this.o.firmware === 'uefi') {
      const vars = join(this.dir, 'OVMF_VARS.fd');
      if (!existsSync(vars)) copyFileSync(OVMF_VARS, vars);
      a.push('-drive', `if=pflash,format=raw,readonly=on,file=${OVMF_CODE}`, '-drive', `if=pflash,format=raw,file=${vars}`);
    }
    if (this.o.disk) a.push('-drive', `file=${this.o.disk},format=qcow2,if=virtio,cache=unsafe`);
    for (const [i, iso] of [this.o.iso, ...(this.o.extraIsos ?? [])].entries()) {
      if (iso) a.push('-drive', `file=${iso},format=raw,if=none,media=cdrom,readonly=on,id=cd${i}`, '-device', `ide-cd,drive=cd${i},bus=ide.${i}`);
    }
    const fwd = this.o.apiPort ? `,hostfwd=tcp:127.0.0.1:${this.o.apiPort}-:8443` : '';
    a.push('-netdev', `user,id=n0,restrict=on${fwd}`, '-device', 'virtio-net-pci,netdev=n0');
    a.push('-boot', this.o.iso ? 'order=d' : 'order=c');
    return a;
  }

  async start(): Promise<void> {
    this.startedAt = Date.now();
    await this.powerOn();
  }

  /**
   * One QEMU process. The machine runs with -no-reboot: a reset (the guest reboots, or the watchdog fires) ends the
   * process and a new one starts on the same disks, UEFI variables and serial log, as a power cycle. QEMU's in-place
   * reset under TCG here sometimes never came back (no firmware output for 10 minutes); a fresh process always does.
   */
  private async powerOn(): Promise<void> {
    const argv = this.argv();
    const sock = join(this.dir, 'serial.sock');
    rmSync(sock, { force: true });
    const bootFrom = this.raw.length;
    this.o.log?.(`qemu-system-x86_64 ${argv.join(' ')}`);
    const proc = spawn('qemu-system-x86_64', argv, { stdio: ['ignore', 'ignore', 'pipe'] });
    this.proc = proc;
    let stderr = '';
    let exited = false;
    proc.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    proc.on('exit', (code, signal) => {
      exited = true;
      void (async () => {
        // The last serial bytes may still be on their way: read until QEMU's end of the socket closes.
        const serial = this.serial;
        if (serial && !serial.destroyed) await Promise.race([new Promise((r) => serial.once('close', r)), new Promise((r) => setTimeout(r, 2000))]);
        const poweredOff = /reboot: Power down/.test(plainText(this.raw.slice(bootFrom)));
        if (!this.stopping && code === 0 && !poweredOff) {
          this.resets++;
          this.o.log?.(`qemu: the guest reset (${this.resets}); starting the machine again`);
          this.serial?.destroy();
          await this.powerOn().catch((err: unknown) => {
            this.o.log?.(`qemu: could not start again: ${String(err)}`);
            this.exitCode = 1;
            this.resolveExit(1);
          });
          return;
        }
        this.exitCode = code ?? (signal ? 128 : 1);
        if (stderr.trim()) this.o.log?.(`qemu stderr: ${stderr.trim()}`);
        this.resolveExit(this.exitCode);
      })();
    });
    const deadline = Date.now() + 20_000;
    while (!existsSync(sock)) {
      if (exited) throw new Error(`qemu exited with ${proc.exitCode}: ${stderr}`);
      if (Date.now() > deadline) throw new Error('qemu did not create its serial socket');
      await new Promise((r) => setTimeout(r, 50));
    }
    this.serial = await new Promise<Socket>((resolve, reject) => {
      const s = connect(sock, () => resolve(s));
      s.once('error', reject);
    });
    this.serial.on('data', (d: Buffer) => {
      this.raw += d.toString('latin1');
    });
    this.serial.on('error', () => {});
  }

  /** Waits until the serial output (escape sequences removed) after `from` matches; returns seconds since start. */
  async waitFor(pattern: RegExp, timeoutMs: number, from = 0): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (pattern.test(plainText(this.raw.slice(from)))) return (Date.now() - this.startedAt) / 1000;
      if (this.exitCode !== null) throw new Error(`qemu exited (${this.exitCode}) before ${pattern}; serial tail:\n${this.tail()}`);
      if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000}s waiting for ${pattern}; serial tail:\n${this.tail()}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  /** The offset to pass to waitFor() to match only what comes after now. */
  elapsed(): number {
    return (Date.now() - this.startedAt) / 1000;
  }

  mark(): number {
    return this.raw.length;
  }

  send(keys: string): void {
    this.serial?.write(keys);
  }

  tail(lines = 40): string {
    return plainText(this.raw).split('\n').slice(-lines).join('\n');
  }

  /** Resolves with QEMU's exit code (the guest powered off). */
  async waitExit(timeoutMs: number): Promise<number> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`qemu still running after ${timeoutMs / 1000}s; serial tail:\n${this.tail()}`)), timeoutMs);
    });
    try {
      return await Promise.race([this.exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  async stop(): Promise<void> {
    this.stopping = true;
    // Everything the machine printed, for reading after a failure (the errors carry only the tail).
    const logDir = join(import.meta.dirname, '../../var/log/qemu');
    mkdirSync(logDir, { recursive: true });
    writeFileSync(join(logDir, `${new Date(this.startedAt).toISOString().replace(/[:.]/g, '-')}-${this.o.firmware}.serial.txt`), this.text);
    if (this.proc && this.exitCode === null) {
      this.proc.kill('SIGTERM');
      await Promise.race([this.exited, new Promise((r) => setTimeout(r, 5000))]);
      if (this.exitCode === null) this.proc.kill('SIGKILL');
    }
    this.serial?.destroy();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
