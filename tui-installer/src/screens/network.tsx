import { Box } from 'ink';
import { wrapWords } from '@quantix/lib/tui/format';
import { Line } from '@quantix/lib/tui/frame';
import { visibleFields, type FieldId } from '@quantix/lib/tui/network-form';
import { ChoiceRow, InputRow, type ScreenProps } from './common.tsx';

const LABELS: Record<FieldId, string> = {
  nic: 'Interface',
  mode: 'Mode',
  address: 'Address',
  gateway: 'Gateway',
  vlan: 'VLAN',
  dns: 'DNS',
  hostname: 'Hostname',
};

const HELP: Record<FieldId, string> = {
  nic: 'Left/Right or 1-9 choose the interface.',
  mode: 'Left/Right, D or S: DHCP or a static address.',
  address: 'The address with its prefix length, like 192.168.1.10/24.',
  gateway: 'The default gateway, like 192.168.1.1 (may stay empty).',
  vlan: 'A VLAN id from 1 to 4094, or empty for none.',
  dns: 'Up to 3 DNS servers, separated by commas or spaces.',
  hostname: 'This host\'s name, like node1 or node1.example.com.',
};

export function NetworkScreen({ state, profile, width, height }: ScreenProps) {
  const { net, netFocus } = state;
  const problems = state.showNetProblems ? state.netProblems : {};
  const nic = state.nics.find((n) => n.name === net.nic);
  const nicDetail = nic ? `${nic.mac}  ${nic.carrier ? 'link up' : 'no link'}${nic.addresses.length ? `  ${nic.addresses.join(' ')}` : ''}` : state.nics.length === 0 ? 'no network interface found' : '';
  const fields = visibleFields(net);
  const rows = fields.map((f) => {
    if (f === 'nic') return <ChoiceRow key={f} profile={profile} label={LABELS.nic} value={net.nic || '-'} focused={netFocus === f} width={width} detail={nicDetail} />;
    if (f === 'mode') return <ChoiceRow key={f} profile={profile} label={LABELS.mode} value={net.mode === 'dhcp' ? 'DHCP' : 'static'} focused={netFocus === f} width={width} />;
    return <InputRow key={f} profile={profile} label={LABELS[f]} value={net[f]} focused={netFocus === f} width={width} problem={problems[f]?.short} />;
  });
  const nicList = state.nics.map((n, i) => `${i + 1} ${n.name}${n.carrier ? ' (link)' : ''}`).join('  ');
  const rest = Math.max(0, height - fields.length - 4);
  const help = wrapWords(HELP[netFocus], width);
  const sentences = fields.flatMap((f) => (problems[f] ? wrapWords(`${profile.glyphs.fail} ${problems[f].full}`, width) : []));
  const footer = [...help, ...sentences];
  return (
    <Box flexDirection="column">
      <Line width={width}>The management network: the web UI, the API and SSH use it.</Line>
      <Line width={width}>{' '}</Line>
      {rows}
      <Line width={width}>{' '}</Line>
      <Line width={width} color={profile.palette.dim}>{`Interfaces: ${nicList || 'none'}`}</Line>
      {footer.slice(0, rest).map((l, i) => (
        <Line key={i} width={width} color={i < help.length ? undefined : profile.palette.bad}>
          {l}
        </Line>
      ))}
    </Box>
  );
}
