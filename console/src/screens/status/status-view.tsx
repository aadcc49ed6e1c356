import { Box, Text } from 'ink';
import type { ViewProps } from '../../app/screen.ts';
import { formatBytes, formatUptime } from '../../ui/format.ts';
import { Banner, Field, Meter } from '../../ui/widgets.tsx';
import { hostnameOf, managementAddress, memoryOf, type StatusState } from './status-state.ts';

const BAR = 24;

export function StatusView({ state: s, profile, width, now }: ViewProps<StatusState>) {
  // Uptime advances with the clock between two reads.
  const since = s.updatedAt !== null ? Math.max(0, (now - s.updatedAt) / 1000) : 0;
  const mgmt = managementAddress(s);
  const mem = memoryOf(s);
  const cpu = s.local?.cpu;
  const dash = profile.unicode ? '—' : '-';
  const down = s.node === 'down';
  const unknown = s.node === 'unknown';
  const pending = unknown ? 'reading...' : down ? 'unknown (qx-node is not running)' : (s.nodeError?.message ?? 'unknown');
  const h = s.host;
  return (
    <Box flexDirection="column" width={width}>
      <Field label="Hostname" width={width}>
        {hostnameOf(s) || 'reading...'}
      </Field>
      <Field label="Cluster" width={width}>
        Standalone
      </Field>
      <Field label="Management" width={width}>
        {mgmt ? `${mgmt.url}  (${mgmt.nic} ${mgmt.ip})` : s.local ? 'no IPv4 address on any NIC' : 'reading...'}
      </Field>
      <Field label="CPU" width={width}>
        <Meter
          profile={profile}
          fraction={cpu?.usage ?? null}
          barWidth={BAR}
          detail={cpu ? `${cpu.threads} threads, load ${cpu.load1.toFixed(2)}` : ''}
        />
      </Field>
      <Field label="Memory" width={width}>
        <Meter profile={profile} fraction={mem ? mem.used / mem.total : null} barWidth={BAR} detail={mem ? `${formatBytes(mem.used)} of ${formatBytes(mem.total)}` : ''} />
      </Field>
      <Field label="VMs" width={width}>
        {h ? `${h.vms.running} running / ${h.vms.total} total` : pending}
      </Field>
      <Field label="Storage" width={width}>
        {h
          ? `${h.storagePool.name}: ${formatBytes(h.storagePool.availableBytes)} free of ${formatBytes(h.storagePool.capacityBytes)}`
          : pending}
      </Field>
      {h ? (
        <Field label="Hypervisor" width={width}>
          {`${h.hypervisor.accel.toUpperCase()}${h.hypervisor.accel === 'tcg' ? ' (software emulation)' : ''}, libvirt ${h.hypervisor.libvirtVersion}, QEMU ${h.hypervisor.qemuVersion}`}
        </Field>
      ) : null}
      <Field label="Uptime" width={width}>
        {s.local ? formatUptime(s.local.uptimeSeconds + since) : h ? formatUptime(h.uptimeSeconds + since) : 'reading...'}
      </Field>
      {s.boot?.slot ? (
        <Field label="Boot slot" width={width}>
          {`${s.boot.slot}${s.boot.version ? `  (Quantix ${s.boot.version})` : ''}`}
        </Field>
      ) : null}
      <Text> </Text>
      {down ? (
        <Banner profile={profile} width={width} tone="bad">
          {`qx-node is not running ${dash} press F6/M to start it`}
        </Banner>
      ) : s.nodeError ? (
        <Banner profile={profile} width={width} tone="warn">
          {`qx-node: ${s.nodeError.message}`}
        </Banner>
      ) : null}
    </Box>
  );
}
