import { Box } from 'ink';
import { wrapWords } from '@quantix/lib/tui/format';
import { Line } from '@quantix/lib/tui/frame';
import { parseForm } from '@quantix/lib/tui/network-form';
import { confirmName } from '../app/wizard.ts';
import { formatBytes } from '../engine/disks.ts';
import { partitionPlan } from '../engine/partition-plan.ts';
import { Lines, type ScreenProps } from './common.tsx';

export function networkLine(state: ScreenProps['state']): string {
  const n = parseForm(state.net).config;
  if (n === null) return '(not valid)';
  const addr = n.mode === 'dhcp' ? 'DHCP' : `static ${n.address}${n.gateway ? ` via ${n.gateway}` : ''}`;
  return `${n.nic}, ${addr}${n.dns.length ? `, DNS ${n.dns.join(' ')}` : ''}${n.vlan !== null ? `, VLAN ${n.vlan}` : ''}`;
}

export function SummaryScreen({ state, profile, width, height }: ScreenProps) {
  const d = state.disk;
  const layout = d ? partitionPlan(d.sizeBytes).map((p) => `${p.name} ${formatBytes(p.sizeMiB * 1024 * 1024)}`).join(', ') : '';
  const lines = [
    `1 Disk      ${d ? `${d.path}  ${formatBytes(d.sizeBytes)}  ${d.model ?? ''}`.trimEnd() : '-'}`,
    `2 Network   ${networkLine(state)}`,
    `  Hostname  ${state.net.hostname}`,
    `3 Password  set (${state.password[0].length} characters)`,
    '',
    ...wrapWords(`Layout: ${layout}`, width),
    '',
    ...wrapWords(`Everything on ${d ? confirmName(d) : 'the disk'} is erased. Press Enter to confirm, or 1-3 to change something.`, width),
  ];
  return (
    <Box flexDirection="column">
      <Line width={width} bold color={profile.palette.accent}>Ready to install</Line>
      <Line width={width}>{' '}</Line>
      <Lines lines={lines} width={width} height={height - 2} />
    </Box>
  );
}
