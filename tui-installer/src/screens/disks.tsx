import { Box } from 'ink';
import { pad } from '@quantix/lib/tui/format';
import { Line } from '@quantix/lib/tui/frame';
import { formatBytes, isEligible } from '../engine/disks.ts';
import type { ScreenProps } from './common.tsx';

interface Row {
  text: string;
  disk: number;
  kind: 'disk' | 'note';
}

export function DisksScreen({ state, profile, width, height }: ScreenProps) {
  const header = 'Choose the disk to install to. Everything on it is erased.';
  if (state.disks === null) return <Line width={width}>Looking for disks...</Line>;
  if (state.diskError !== null || state.disks.length === 0) {
    return (
      <Box flexDirection="column">
        <Line width={width}>{header}</Line>
        <Line width={width}>{' '}</Line>
        <Line width={width} color={profile.palette.bad}>
          {state.diskError ?? 'No disks found. Attach a disk of at least 8 GiB, then press R.'}
        </Line>
      </Box>
    );
  }
  const rows: Row[] = [];
  state.disks.forEach((d, i) => {
    const model = [d.model, d.serial, d.tran].filter((x) => x !== null).join('  ') || '-';
    rows.push({ kind: 'disk', disk: i, text: `${i < 9 ? i + 1 : ' '}  ${pad(d.name, 10)} ${formatBytes(d.sizeBytes).padStart(10)}  ${model}` });
    if (!isEligible(d)) rows.push({ kind: 'note', disk: i, text: `      cannot: ${d.refusals.join('; ')}` });
  });
  const cursor = state.diskCursor;
  const current = state.disks[cursor];
  const detail = current ? current.contents : [];
  const listHeight = Math.max(1, height - 4 - Math.min(3, detail.length));
  const cursorRow = Math.max(0, rows.findIndex((r) => r.disk === cursor));
  const top = Math.max(0, Math.min(cursorRow - Math.floor(listHeight / 2), rows.length - listHeight));
  return (
    <Box flexDirection="column">
      <Line width={width}>{header}</Line>
      <Line width={width} color={profile.palette.dim}>{`    ${pad('Disk', 10)} ${'Size'.padStart(10)}  Model / serial / bus`}</Line>
      {rows.slice(top, top + listHeight).map((r, i) => {
        const selected = r.disk === cursor;
        const eligible = isEligible(state.disks![r.disk]!);
        const text = r.kind === 'disk' ? `${selected ? '>' : ' '}${r.text}` : r.text;
        return (
          <Line key={i} width={width} bold={selected && r.kind === 'disk'} inverse={selected && r.kind === 'disk' && eligible && profile.kind !== 'serial'} color={r.kind === 'note' || !eligible ? profile.palette.warn : undefined}>
            {text}
          </Line>
        );
      })}
      <Line width={width}>{' '}</Line>
      {current && <Line width={width}>{detail.length > 0 ? `${current.name} holds: ${detail.join(', ')}` : `${current.name}: no partitions`}</Line>}
    </Box>
  );
}
