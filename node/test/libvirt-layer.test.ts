/**
 * The libvirt layer (node/src/libvirt) on its own against the host's libvirtd, below the API.
 *
 * Needs root, libvirtd (scripts/host-setup.sh) and the test guest (scripts/build-test-guest.sh →
 * var/cache/test-guest/{vmlinux,initramfs.gz}); waits up to 15 minutes for both. Creates only a storage pool and a
 * domain named qx-itest-*, in a temp dir, and removes them in finally blocks. Prints timings; exits 1 on failure.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { detectAccel } from '../src/libvirt/accel.ts';
import { buildDomainXml, diskTarget, parseDomainXml } from '../src/libvirt/domain-xml.ts';
import { DomainEventStream, type DomainEvent } from '../src/libvirt/events.ts';
import { randomMac } from '../src/libvirt/mac.ts';
import { ensurePool, poolInfo, supportsDirectIo } from '../src/libvirt/pool.ts';
import { getDomainState, listDomains } from '../src/libvirt/state.ts';
import { getVersions } from '../src/libvirt/versions.ts';
import { Virsh, isVirshError } from '../src/libvirt/virsh.ts';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const GUEST_DIR = join(ROOT, 'var/cache/test-guest');
const KERNEL = join(GUEST_DIR, 'vmlinux');
const INITRD = join(GUEST_DIR, 'initramfs.gz');
const MARKER = 'QX-TEST-GUEST-READY';
const PREREQ_WAIT_MS = 15 * 60_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const ms = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;
const timings: Record<string, string> = {};
function note(label: string, value: number | string): void {
  timings[label] = typeof value === 'number' ? `${value.toFixed(1)} ms` : value;
  console.log(`  ${label}: ${timings[label]}`);
}
async function timed<T>(label: string, f: () => Promise<T>): Promise<T> {
  const t0 = process.hrtime.bigint();
  const r = await f();
  note(label, ms(t0));
  return r;
}
async function waitFor<T>(what: string, timeoutMs: number, f: () => Promise<T | undefined | false> | T | undefined | false): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await f();
    if (r !== undefined && r !== false) return r;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(100);
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

async function waitForPrerequisites(virsh: Virsh): Promise<void> {
  const t0 = Date.now();
  let said = '';
  for (;;) {
    const libvirt = await virsh.run(['version'], { timeoutMs: 10_000 }).then(
      () => true,
      () => false,
    );
    const guest = existsSync(KERNEL) && existsSync(INITRD);
    if (libvirt && guest) return;
    const missing = [libvirt ? '' : 'libvirtd (scripts/host-setup.sh)', guest ? '' : `test guest in ${GUEST_DIR}`].filter(Boolean).join(' and ');
    if (missing !== said) console.log(`waiting for ${missing} …`);
    said = missing;
    if (Date.now() - t0 > PREREQ_WAIT_MS) throw new Error(`gave up after 15 minutes waiting for ${missing}`);
    await sleep(5000);
  }
}

async function main(): Promise<void> {
  const virsh = new Virsh();
  await waitForPrerequisites(virsh);
  const tag = randomBytes(3).toString('hex');
  const dir = await mkdtemp(join(tmpdir(), `qx-itest-libvirt-${tag}-`));
  const poolName = `qx-itest-pool-${tag}`;
  const domName = `qx-itest-libvirt-${tag}`;
  const serialLog = join(dir, 'serial.log');
  const events: DomainEvent[] = [];
  const stream = new DomainEventStream();
  let defined = false;
  let poolDefined = false;
  console.log(`libvirt itest: pool ${poolName}, domain ${domName}, dir ${dir}`);

  try {
    // --- plain virsh calls, batches, quoting -------------------------------------------------------------------
    console.log('virsh:');
    const single: number[] = [];
    for (let i = 0; i < 10; i++) {
      const t0 = process.hrtime.bigint();
      await virsh.run(['version']);
      single.push(ms(t0));
    }
    note('virsh version, median of 10', median(single));
    const N = 10;
    const cmds = Array.from({ length: N }, () => ['list', '--all', '--uuid']);
    await timed(`${N} concurrent separate virsh list calls`, () => Promise.all(cmds.map((c) => virsh.run(c))));
    const t0 = process.hrtime.bigint();
    for (const c of cmds) await virsh.run(c);
    note(`${N} sequential virsh list calls`, ms(t0));
    await timed(`${N} list commands in one runBatch`, () => virsh.runBatch(cmds));
    const hostile = `a b'c"d;e\\f#g\n$(x) \`y\` ñ`;
    const [echoed = ''] = await virsh.runBatch([['echo', '--', hostile]]);
    assert.equal(echoed.replace(/\n$/, ''), hostile, 'batch quoting round-trips through virsh');
    const settled = await virsh.runBatchSettled([['domstate', '--domain', `${domName}-missing`], ['version']]);
    assert.equal(settled[0]?.ok, false);
    assert.equal(!settled[0]?.ok && settled[0]?.error.kind, 'not-found');
    assert.equal(settled[1]?.ok, true);

    const versions = await getVersions(virsh);
    console.log(`  versions: libvirt ${versions.libvirtVersion}, daemon ${versions.libvirtDaemonVersion}, QEMU ${versions.qemuVersion}`);
    assert.match(versions.libvirtVersion, /^\d+\.\d+\.\d+$/);
    const accel = await detectAccel({ virsh });
    console.log(`  accel: ${accel.accel} (${accel.reason})`);
    await timed('listDomains (one process)', () => listDomains(virsh));

    // --- storage ---------------------------------------------------------------------------------------------
    console.log('storage:');
    const poolDir = join(dir, 'pool');
    const pool = await timed('ensurePool (define, build, start, autostart)', () => ensurePool(virsh, { name: poolName, path: poolDir }));
    poolDefined = true;
    await timed('ensurePool again (idempotent)', () => ensurePool(virsh, { name: poolName, path: poolDir }));
    const info = await poolInfo(virsh, poolName);
    assert.equal(info.state, 'running');
    assert.equal(info.autostart, true);
    assert.ok((info.capacityBytes ?? 0) > 0 && (info.availableBytes ?? 0) > 0);
    const directIo = await supportsDirectIo(poolDir);
    console.log(`  O_DIRECT in pool dir: ${directIo}`);

    const blank = await timed('createVolume blank 2 GiB', () => pool.createVolume({ name: `${domName}-0`, sizeGiB: 2 }));
    assert.equal(blank.sizeGiB, 2);
    const source = join(dir, 'source.raw');
    await writeFile(source, randomBytes(8 * 1024 * 1024));
    const progress: number[] = [];
    const copy = await timed('createVolume from 8 MiB raw image, grown to 1 GiB', () =>
      pool.createVolume({ name: `${domName}-1`, sourceImage: source, sizeGiB: 1 }, { onProgress: (p) => progress.push(p) }),
    );
    assert.equal(copy.sizeGiB, 1);
    assert.equal(progress.at(-1), 100, `progress reported: ${progress.join(',')}`);
    await assert.rejects(pool.createVolume({ name: `${domName}-0`, sizeGiB: 1 }), /already exists/);
    assert.equal(await pool.volumeSizeGiB(blank.path), 2);
    const vols = await virsh.run(['vol-list', '--pool', poolName]);
    assert.match(vols, new RegExp(`${domName}-0\\.qcow2`), 'pool-refresh made libvirt see the volume');

    // --- domain ----------------------------------------------------------------------------------------------
    console.log('domain:');
    stream.on('event', (e) => events.push(e));
    const connected = new Promise<void>((r) => stream.once('connected', () => r()));
    const tStream = process.hrtime.bigint();
    stream.start();
    await connected;
    note('event stream connected', ms(tStream));

    const uuid = randomUUID();
    const xml = buildDomainXml({
      uuid,
      name: domName,
      description: `libvirt itest <${tag}> & "quotes"`,
      vcpus: 1,
      memoryMiB: 192,
      accel: accel.accel,
      firmware: 'bios',
      boot: { from: 'kernel', kernel: KERNEL, initrd: INITRD, cmdline: 'console=ttyS0 quiet' },
      disks: [blank, copy].map((v, i) => ({ path: v.path, target: diskTarget(i) })),
      nics: [{ type: 'user', source: null, mac: randomMac() }],
      serialLogPath: serialLog,
      channelDir: dir,
      diskCache: directIo ? 'none' : 'writeback',
    });
    const xmlPath = join(dir, 'domain.xml');
    await writeFile(xmlPath, xml, { mode: 0o600 });
    await timed('define', () => virsh.run(['define', '--file', xmlPath]));
    defined = true;
    const tStart = process.hrtime.bigint();
    await timed('start', () => virsh.run(['start', '--domain', domName]));
    const started = await waitFor('lifecycle Started event', 10_000, () =>
      events.find((e) => e.domain === domName && e.lifecycle?.type === 'Started'),
    );
    note('start → Started event', ms(tStart));
    assert.equal(started.lifecycle?.detail, 'Booted');

    const live = parseDomainXml(await virsh.run(['dumpxml', '--domain', domName]));
    assert.equal(live.uuid, uuid);
    assert.equal(live.managed, true);
    assert.equal(live.description, `libvirt itest <${tag}> & "quotes"`);
    assert.deepEqual(
      live.disks.map((d) => [d.target, d.path]),
      [
        ['vda', blank.path],
        ['vdb', copy.path],
      ],
    );
    assert.ok(live.vnc && live.vnc.port >= 5900, `VNC port ${live.vnc?.port}`);
    assert.match(live.serialPty ?? '', /^\/dev\/pts\/\d+$/);
    console.log(`  live: id ${live.id}, VNC 127.0.0.1:${live.vnc?.port}, serial ${live.serialPty}`);
    const listed = (await listDomains(virsh)).find((d) => d.uuid === uuid);
    assert.equal(listed?.vmState, 'running');
    assert.deepEqual(await getDomainState(virsh, domName), { state: 'running', reason: 'booted' });

    await waitFor(`${MARKER} in the serial log`, 90_000, async () =>
      (await readFile(serialLog, 'utf8').catch(() => '')).includes(MARKER),
    );
    note('start → guest READY marker', ms(tStart));

    const tShutdown = process.hrtime.bigint();
    await virsh.run(['shutdown', '--domain', domName, '--mode', 'acpi']);
    const stopped = await waitFor('lifecycle Stopped event', 30_000, () =>
      events.find((e) => e.domain === domName && e.lifecycle?.type === 'Stopped'),
    );
    note('ACPI shutdown → Stopped event', ms(tShutdown));
    assert.equal(stopped.lifecycle?.detail, 'Shutdown');
    assert.ok(
      events.some((e) => e.domain === domName && e.lifecycle?.type === 'Shutdown' && /guest request/.test(e.lifecycle.detail)),
      'saw "Shutdown Finished after guest request"',
    );
    assert.deepEqual(await getDomainState(virsh, domName), { state: 'shut off', reason: 'shutdown' });
    const off = parseDomainXml(await virsh.run(['dumpxml', '--domain', domName]));
    assert.equal(off.vnc?.port, -1);
    assert.equal(off.serialPty, null);

    await timed('undefine', () => virsh.run(['undefine', '--domain', domName, '--nvram']));
    defined = false;
    await waitFor('lifecycle Undefined event', 5000, () =>
      events.find((e) => e.domain === domName && e.lifecycle?.type === 'Undefined'),
    );
    console.log(
      `  events: ${events
        .filter((e) => e.domain === domName)
        .map((e) => (e.lifecycle ? `${e.lifecycle.type} ${e.lifecycle.detail}` : e.event))
        .join(' | ')}`,
    );

    assert.equal(await pool.deleteVolume(blank.path), true);
    assert.equal(await pool.deleteVolume(copy.path), true);
    assert.equal(await pool.deleteVolume(copy.path), false);
    console.log('libvirt itest: PASS');
  } finally {
    if (defined) {
      await virsh.run(['destroy', '--domain', domName]).catch(() => {});
      await virsh.run(['undefine', '--domain', domName, '--nvram']).catch((e: unknown) => {
        if (!(isVirshError(e) && e.kind === 'not-found')) console.error(`cleanup: undefine ${domName}:`, e);
      });
    }
    if (poolDefined) {
      await virsh.run(['pool-destroy', '--pool', poolName]).catch(() => {});
      await virsh.run(['pool-undefine', '--pool', poolName]).catch((e: unknown) => console.error(`cleanup: pool ${poolName}:`, e));
    }
    await stream.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

describe('the libvirt layer against the real libvirtd', () => {
  it('defines, boots, watches and shuts down a guest, then cleans up', { timeout: 300_000 }, async () => {
    await main();
  });
});
