import type { ReactNode } from 'react';
import { Box, Text } from 'ink';
import type { ManagementNetwork, NetworkState, NetworkTestResult } from '@quantix/lib/api';
import { bar, type TerminalProfile } from '@quantix/lib/terminal/profile';
import { fit, pad, wrapWords } from '@quantix/lib/tui/format';
import { FIELDS, type FieldId } from '@quantix/lib/tui/network-form';
import type { ViewProps } from '../../app/screen.ts';
import type { ErrorInfo } from '../../errors.ts';
import { formatClock, formatCountdown } from '../../ui/format.ts';
import { Banner, Heading } from '../../ui/widgets.tsx';
import { describeConfig, ROLLBACK_SECONDS, type NetworkScreenState, type PendingChange } from './network-state.ts';

type Nic = NetworkState['nics'][number];
type Check = NetworkTestResult['checks'][number];

const LABEL = 10;
const BOX = 30;
const GAP = 2;

// ------------------------------------------------------------------------------------------ pieces

function Lines({ lines, bold, color }: { lines: string[]; bold?: boolean; color?: string | undefined }) {
  return (
    <>
      {lines.map((l, i) => (
        <Text key={i} bold={bold ?? false} color={color} wrap="truncate-end">
          {l === '' ? ' ' : l}
        </Text>
      ))}
    </>
  );
}

function ErrorLines({ profile, width, error, lines = 2 }: { profile: TerminalProfile; width: number; error: ErrorInfo; lines?: number }) {
  return (
    <>
      <Banner profile={profile} width={width} tone="bad">
        {`Error ${error.code}`}
      </Banner>
      <Lines lines={wrapWords(error.message, width).slice(0, lines)} />
    </>
  );
}

function speedText(mbps: number | null): string {
  if (mbps === null || mbps <= 0) return '';
  return mbps >= 1000 ? ` ${mbps % 1000 === 0 ? mbps / 1000 : (mbps / 1000).toFixed(1)}G` : ` ${mbps}M`;
}

/** "up 10G", "no carrier", "down". */
export function linkText(n: Nic): string {
  if (!n.up) return 'down';
  if (!n.carrier) return 'no carrier';
  return `up${speedText(n.speedMbps)}`;
}

function dnsText(c: ManagementNetwork): string {
  return c.dns.length ? c.dns.join(', ') : c.mode === 'dhcp' ? 'from DHCP' : 'none';
}

const checkLabel: Record<Check['name'], string> = { gateway: 'Gateway ping', dns: 'DNS lookup', vdc: 'vDC reachable' };
const skipped: Record<Check['name'], string> = {
  gateway: 'not tested',
  dns: 'not tested: no DNS server is configured',
  vdc: 'not tested: this host is not in a vDC',
};

/** One line or two per check: mark, what, what qx-node found. Missing checks say why. */
export function checkLines(test: NetworkTestResult, profile: TerminalProfile, width: number, maxLines: number): { mark: string; ok: boolean | null; text: string }[] {
  const names: Check['name'][] = ['gateway', 'dns', 'vdc'];
  const room = width - 6 - 15;
  const rows: { mark: string; ok: boolean | null; text: string }[] = [];
  const extra = Math.max(0, maxLines - names.length);
  let spare = extra;
  for (const name of names) {
    const c = test.checks.find((x) => x.name === name);
    const mark = c ? (c.ok ? profile.glyphs.ok : profile.glyphs.fail) : '-';
    const detail = c ? c.detail : skipped[name];
    const wrapped = wrapWords(detail, room);
    const take = wrapped.length > 1 && spare > 0 ? 2 : 1;
    if (take === 2) spare--;
    const shown = wrapped.slice(0, take);
    if (wrapped.length > take) shown[take - 1] = fit(`${shown[take - 1]} ${wrapped.slice(take).join(' ')}`, room, profile.glyphs.ellipsis);
    shown.forEach((line, i) =>
      rows.push({ mark: i === 0 ? mark : '', ok: c ? c.ok : null, text: `${pad(i === 0 ? mark : '', 6)}${pad(i === 0 ? checkLabel[name] : '', 15)}${line}` }),
    );
  }
  return rows;
}

function Checks({ test, profile, width, maxLines }: { test: NetworkTestResult; profile: TerminalProfile; width: number; maxLines: number }) {
  return (
    <>
      {checkLines(test, profile, width, maxLines).map((r, i) => (
        <Text key={i} wrap="truncate-end" color={r.ok === false ? profile.palette.bad : undefined}>
          {r.text}
        </Text>
      ))}
    </>
  );
}

function testSummary(test: NetworkTestResult): string {
  const failed = test.checks.filter((c) => !c.ok).map((c) => checkLabel[c.name]);
  if (test.checks.length === 0) return 'nothing could be tested';
  return failed.length === 0 ? 'every check passed' : `FAILED: ${failed.join(', ')}`;
}

// ------------------------------------------------------------------------------------------ view phase

function ConfigSummary({ config, width }: { config: ManagementNetwork | null; width: number }) {
  if (!config) {
    return (
      <Lines
        lines={[
          ...wrapWords('Not configured from Quantix yet: the NICs below show what is live. E sets it up; what is live now comes back if a change is not kept.', width - 2).map(
            (l) => `  ${l}`,
          ),
          '',
          '',
        ].slice(0, 4)}
      />
    );
  }
  const half = Math.floor(width / 2);
  const cell = (label: string, value: string, w: number) => `${pad(label, LABEL)}${fit(value, w - LABEL - 1)}`;
  const row = (l1: string, v1: string, l2: string, v2: string) => `  ${pad(cell(l1, v1, half - 2), half - 2)}${l2 ? cell(l2, v2, width - half) : ''}`;
  const staticMode = config.mode === 'static';
  return (
    <Lines
      lines={[
        row('NIC', config.nic, 'VLAN', config.vlan === null ? 'none' : String(config.vlan)),
        row('Mode', staticMode ? 'static' : 'DHCP', 'DNS', dnsText(config)),
        row('Address', staticMode ? (config.address ?? '') : 'from DHCP', 'Hostname', config.hostname),
        row('Gateway', staticMode ? (config.gateway ?? 'none') : 'from DHCP', '', ''),
      ]}
    />
  );
}

function NicTable({ s, profile, width }: { s: NetworkScreenState; profile: TerminalProfile; width: number }) {
  const nics = s.net?.nics ?? [];
  const inUse = s.net?.config?.nic ?? null;
  const shown = nics.slice(s.nicTop, s.nicTop + s.nicRows);
  const more = nics.length > s.nicRows ? `  (${s.nicTop + 1}-${s.nicTop + shown.length} of ${nics.length})` : '';
  const addrWidth = width - 2 - 16 - 19 - 12;
  const row = (mark: string, name: string, mac: string, link: string, addrs: string) =>
    `${pad(mark, 2)}${pad(name, 16)}${pad(mac, 19)}${pad(link, 12)}${fit(addrs, addrWidth, profile.glyphs.ellipsis)}`;
  return (
    <>
      <Heading profile={profile}>{`Network interfaces${more}`}</Heading>
      <Text wrap="truncate-end" color={profile.palette.dim}>
        {row('', 'NIC', 'MAC', 'LINK', 'ADDRESSES')}
      </Text>
      {nics.length === 0 ? <Text wrap="truncate-end">{s.net ? '  none found' : s.phase === 'reading' ? '  reading...' : ''}</Text> : null}
      <Lines
        lines={shown.map((n) => row(n.name === inUse ? profile.glyphs.bullet : '', n.name, n.mac, linkText(n), n.addresses.length ? n.addresses.join(' ') : '-'))}
      />
    </>
  );
}

function ViewPhase({ s, profile, width }: { s: NetworkScreenState; profile: TerminalProfile; width: number }) {
  return (
    <>
      <Heading profile={profile}>{s.net?.config ? `Management network (${profile.glyphs.bullet} the NIC in use)` : 'Management network'}</Heading>
      {s.net || s.phase !== 'reading' ? <ConfigSummary config={s.net?.config ?? null} width={width} /> : <Lines lines={['  reading...', '', '', '']} />}
      <Text> </Text>
      <NicTable s={s} profile={profile} width={width} />
      <Text> </Text>
      {s.readError ? <ErrorLines profile={profile} width={width} error={s.readError} lines={1} /> : null}
    </>
  );
}

// ------------------------------------------------------------------------------------------ edit phase

const fieldLabel: Record<FieldId, string> = {
  nic: 'NIC',
  mode: 'Mode',
  address: 'Address',
  gateway: 'Gateway',
  vlan: 'VLAN',
  dns: 'DNS',
  hostname: 'Hostname',
};

const fieldHelp: Record<FieldId, string> = {
  nic: "The NIC this host is managed through. Left/Right chooses among the host's NICs.",
  mode: 'DHCP asks the network for address, gateway and DNS; static uses the fields below. Left/Right or Space switches.',
  address: "This host's IPv4 address with its prefix length, like 192.168.1.10/24.",
  gateway: 'The default gateway, like 192.168.1.1; empty for none.',
  vlan: 'A VLAN ID (1-4094) the management traffic is tagged with; empty for none.',
  dns: 'Up to 3 DNS servers, separated by commas; empty: none (with DHCP: the ones DHCP gives).',
  hostname: "This host's name, like node1 or node1.example.com.",
};

const fieldNote: Record<FieldId, string> = {
  nic: '',
  mode: 'DHCP or static',
  address: 'like 192.168.1.10/24',
  gateway: 'empty: no default route',
  vlan: 'empty: no VLAN',
  dns: 'comma separated, up to 3',
  hostname: '',
};

function FormRow({ s, field, profile, width }: { s: NetworkScreenState; field: FieldId; profile: TerminalProfile; width: number }) {
  const focused = s.focus === field;
  const f = s.form;
  const fromDhcp = f.mode === 'dhcp' && (field === 'address' || field === 'gateway');
  const problem = s.showProblems && !fromDhcp ? s.problems[field] : undefined;
  const noteWidth = Math.max(0, width - 2 - LABEL - BOX - GAP);
  const inner = BOX - 2;
  let box: ReactNode;
  if (field === 'nic' || field === 'mode') {
    const value = field === 'nic' ? f.nic || 'none' : f.mode === 'dhcp' ? 'DHCP' : 'static';
    const text = `< ${value} >`;
    box = (
      <>
        <Text inverse={focused}>{text}</Text>
        {' '.repeat(Math.max(0, BOX - text.length))}
      </>
    );
  } else if (fromDhcp) {
    box = <Text color={profile.palette.dim}>{pad('  (from DHCP)', BOX)}</Text>;
  } else if (focused) {
    // The end of a long value stays in sight while typing; the cursor is a reversed space.
    const value = f[field];
    const shown = value.length > inner - 1 ? `<${value.slice(-(inner - 2))}` : value;
    box = (
      <>
        {`[${shown}`}
        <Text inverse> </Text>
        {`${' '.repeat(Math.max(0, inner - shown.length - 1))}]`}
      </>
    );
  } else {
    box = `[${pad(fit(f[field], inner, profile.glyphs.ellipsis), inner)}]`;
  }
  let note = fromDhcp ? '' : fieldNote[field];
  if (field === 'nic') {
    const nic = s.net?.nics.find((n) => n.name === f.nic);
    note = nic ? `${nic.mac} ${linkText(nic)}` : 'no such NIC';
  }
  return (
    <Text wrap="truncate-end">
      <Text bold={focused}>{`${focused ? '>' : ' '} ${pad(fieldLabel[field], LABEL)}`}</Text>
      {box}
      {' '.repeat(GAP)}
      {problem ? (
        <Text bold color={profile.palette.bad}>
          {fit(`! ${problem.short}`, noteWidth, profile.glyphs.ellipsis)}
        </Text>
      ) : (
        <Text color={profile.palette.dim}>{fit(note, noteWidth, profile.glyphs.ellipsis)}</Text>
      )}
    </Text>
  );
}

function EditPhase({ s, profile, width }: { s: NetworkScreenState; profile: TerminalProfile; width: number }) {
  const problem = s.showProblems ? s.problems[s.focus] : undefined;
  const count = s.showProblems ? FIELDS.filter((f) => s.problems[f] && !(s.form.mode === 'dhcp' && (f === 'address' || f === 'gateway'))).length : 0;
  const help = problem ? problem.full : fieldHelp[s.focus];
  return (
    <>
      <Heading profile={profile}>Edit the management network (nothing changes until you apply)</Heading>
      <Text> </Text>
      {FIELDS.map((f) => (
        <FormRow key={f} s={s} field={f} profile={profile} width={width} />
      ))}
      <Text> </Text>
      <Lines lines={wrapWords(help, width).slice(0, 2)} bold={Boolean(problem)} color={problem ? profile.palette.bad : undefined} />
      {wrapWords(help, width).length < 2 ? <Text> </Text> : null}
      <Text wrap="truncate-end">{count > 0 ? `${count} field${count === 1 ? ' needs' : 's need'} a correction before the change can be applied.` : ' '}</Text>
      {s.error ? <ErrorLines profile={profile} width={width} error={s.error} /> : null}
    </>
  );
}

// ------------------------------------------------------------------------------------------ review, apply, wait

function ReviewPhase({ s, profile, width }: { s: NetworkScreenState; profile: TerminalProfile; width: number }) {
  const f = s.form;
  const staticMode = f.mode === 'static';
  const dns = f.dns.split(/[\s,]+/).filter(Boolean);
  const prev = s.net?.config;
  const rows: [string, string][] = [
    ['NIC', f.vlan.trim() ? `${f.nic}, VLAN ${f.vlan.trim()} (interface ${f.nic}.${f.vlan.trim()})` : f.nic],
    ['Mode', staticMode ? `static ${f.address.trim()}, ${f.gateway.trim() ? `gateway ${f.gateway.trim()}` : 'no gateway'}` : 'DHCP'],
    ['DNS', dns.length ? dns.join(', ') : staticMode ? 'none' : 'from DHCP'],
    ['Hostname', f.hostname.trim()],
    ['Now', prev ? describeConfig(prev) : 'not configured from Quantix (what is live now)'],
  ];
  return (
    <>
      <Heading profile={profile}>Apply this management network configuration?</Heading>
      <Text> </Text>
      <Lines lines={rows.map(([l, v]) => `  ${pad(l, LABEL)}${fit(v, width - 2 - LABEL, profile.glyphs.ellipsis)}`)} />
      <Text> </Text>
      <Lines
        lines={wrapWords(
          `qx-node applies it, then tests the connection (gateway ping, DNS lookup, vDC). Unless you keep it within ${ROLLBACK_SECONDS} seconds, the previous configuration comes back by itself. A session over the network may drop while the address changes.`,
          width,
        ).slice(0, 4)}
      />
      <Text> </Text>
      <Text bold wrap="truncate-end">
        Y: apply now. N or Esc: back to the form.
      </Text>
    </>
  );
}

function ChangeHeader({ change, width, profile }: { change: PendingChange; width: number; profile: TerminalProfile }) {
  const c = change.config;
  return (
    <Lines
      lines={[
        `${pad('New', LABEL)}${fit(describeConfig(c), width - LABEL, profile.glyphs.ellipsis)}`,
        `${pad('', LABEL)}${fit(`DNS ${dnsText(c)}; hostname ${c.hostname}`, width - LABEL, profile.glyphs.ellipsis)}`,
        `${pad('Previous', LABEL)}${fit(change.previous ? describeConfig(change.previous) : 'what was live before (not configured from Quantix)', width - LABEL, profile.glyphs.ellipsis)}`,
      ]}
    />
  );
}

function ApplyingPhase({ s, profile, width }: { s: NetworkScreenState; profile: TerminalProfile; width: number }) {
  const change = s.change!;
  return (
    <>
      <ChangeHeader change={change} width={width} profile={profile} />
      <Text> </Text>
      <Text wrap="truncate-end">
        {`[${bar(profile, change.progress, 20)}] ${String(Math.round(change.progress * 100)).padStart(3)}%  `}
        {fit(change.message || 'Applying', width - 29, profile.glyphs.ellipsis)}
      </Text>
      <Text> </Text>
      <Lines
        lines={wrapWords(
          `Applying, then testing the connection. If anything fails, the previous configuration comes back by itself.${change.jobId ? ' N cancels and puts it back now.' : ''}`,
          width,
        )}
      />
      <Text> </Text>
      {s.readError ? <ErrorLines profile={profile} width={width} error={s.readError} lines={1} /> : null}
    </>
  );
}

function PendingPhase({ s, profile, width, now }: { s: NetworkScreenState; profile: TerminalProfile; width: number; now: number }) {
  const change = s.change!;
  const test = change.test;
  const left = change.rollbackAt === null ? 0 : change.rollbackAt - Math.max(now, change.seenAt ?? 0);
  const total = ROLLBACK_SECONDS * 1000;
  const error = s.error ?? s.readError;
  let countdown: string;
  let action: string;
  if (s.phase === 'rolling-back') {
    countdown = change.cancelAsked ? 'Rolling back to the previous configuration now...' : 'Not kept in time: rolling back to the previous configuration...';
    action = ' ';
  } else if (s.phase === 'confirming') {
    countdown = `Keeping the new configuration... (${formatCountdown(Math.max(0, left))} were left)`;
    action = ' ';
  } else {
    countdown =
      left > 0
        ? `Rolls back in ${formatCountdown(left)} [${bar(profile, Math.min(1, left / total), 20)}] unless you keep it`
        : 'Time is up: rolling back...';
    action = 'Y  Keep this configuration    N  Roll back now    (or wait: it rolls back)';
  }
  return (
    <>
      <ChangeHeader change={change} width={width} profile={profile} />
      <Text> </Text>
      <Text bold wrap="truncate-end">
        {test ? `Connection test: ${testSummary(test)}` : 'Connection test: not finished'}
      </Text>
      {test ? <Checks test={test} profile={profile} width={width} maxLines={6} /> : null}
      <Text> </Text>
      <Banner profile={profile} width={width} tone={test?.ok ? 'warn' : 'bad'}>
        {countdown}
      </Banner>
      <Text bold wrap="truncate-end">
        {action}
      </Text>
      {error ? <ErrorLines profile={profile} width={width} error={error} lines={1} /> : null}
    </>
  );
}

function DonePhase({ s, profile, width }: { s: NetworkScreenState; profile: TerminalProfile; width: number }) {
  const o = s.outcome!;
  const change = s.change;
  const inEffect = o.kept ? change?.config : change?.previous;
  const effectText = inEffect ? describeConfig(inEffect) : change && !o.kept ? 'what was live before (not configured from Quantix)' : null;
  return (
    <>
      <Banner profile={profile} width={width} tone={o.kept ? 'good' : 'warn'}>
        {o.title}
      </Banner>
      <Text> </Text>
      {o.detail ? <Lines lines={wrapWords(o.detail, width).slice(0, 3)} /> : null}
      {effectText ? <Text wrap="truncate-end">{`${pad('In effect', LABEL)}${fit(effectText, width - LABEL, profile.glyphs.ellipsis)}`}</Text> : null}
      <Text> </Text>
      {change?.test ? (
        <>
          <Text wrap="truncate-end">{`The connection test of the new configuration: ${testSummary(change.test)}`}</Text>
          <Checks test={change.test} profile={profile} width={width} maxLines={6} />
          <Text> </Text>
        </>
      ) : null}
      <Text wrap="truncate-end">Enter: back to the management network.</Text>
    </>
  );
}

function TestPhase({ s, profile, width }: { s: NetworkScreenState; profile: TerminalProfile; width: number }) {
  return (
    <>
      <Heading profile={profile}>Test management network (the configuration that is live now)</Heading>
      <Text> </Text>
      {s.phase === 'testing' ? (
        <Text wrap="truncate-end">Testing: gateway ping, DNS lookup, vDC (a few seconds)...</Text>
      ) : s.test ? (
        <>
          <Checks test={s.test} profile={profile} width={width} maxLines={6} />
          <Text> </Text>
          <Text bold wrap="truncate-end">{`Tested at ${formatClock(Date.parse(s.test.testedAt)).slice(11)}: ${testSummary(s.test)}.`}</Text>
        </>
      ) : null}
      {s.error ? (
        <>
          <Text> </Text>
          <ErrorLines profile={profile} width={width} error={s.error} />
        </>
      ) : null}
    </>
  );
}

// ------------------------------------------------------------------------------------------ the screen

export function NetworkView({ state: s, profile, width, height, now }: ViewProps<NetworkScreenState>) {
  let body;
  switch (s.phase) {
    case 'reading':
    case 'view':
      body = <ViewPhase s={s} profile={profile} width={width} />;
      break;
    case 'edit':
      body = <EditPhase s={s} profile={profile} width={width} />;
      break;
    case 'review':
      body = <ReviewPhase s={s} profile={profile} width={width} />;
      break;
    case 'applying':
      body = s.change ? <ApplyingPhase s={s} profile={profile} width={width} /> : null;
      break;
    case 'pending':
    case 'confirming':
    case 'rolling-back':
      body = s.change ? <PendingPhase s={s} profile={profile} width={width} now={now} /> : null;
      break;
    case 'done':
      body = s.outcome ? <DonePhase s={s} profile={profile} width={width} /> : null;
      break;
    case 'testing':
    case 'tested':
      body = <TestPhase s={s} profile={profile} width={width} />;
      break;
  }
  return (
    <Box flexDirection="column" width={width} height={height} overflow="hidden">
      {body}
    </Box>
  );
}

