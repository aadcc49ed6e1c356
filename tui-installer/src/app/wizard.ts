import type { ManagementNetwork } from '@quantix/lib/api/network';
import type { FinishAction } from '@quantix/lib/appliance/answer-file';
import { passwordProblems } from '@quantix/lib/auth';
import type { Key } from '@quantix/lib/terminal/keymap';
import { acceptsChar, blankForm, formFromConfig, parseForm, visibleFields, type FieldId, type FormProblems, type NetworkForm } from '@quantix/lib/tui/network-form';
import { isEligible, type DiskInfo } from '../engine/disks.ts';
import { STEP_IDS, type InstallEvent, type InstallFailure, type PlannedCommand, type StepId } from '../engine/install-steps.ts';
import { autoNic, type Nic } from '../engine/nics.ts';

/** The wizard as pure state: screens, what the operator typed, install progress. Keys go through `update`. */

export type Phase = 'welcome' | 'disks' | 'network' | 'password' | 'summary' | 'confirm' | 'installing' | 'done' | 'failed' | 'plan' | 'fatal';

export type StepStatus = 'pending' | 'running' | 'done' | 'failed';

export interface WizardState {
  phase: Phase;
  product: string;
  version: string;
  /** Set in unattended mode: where the answer file came from. */
  answerOrigin: string | null;
  dryRun: boolean;
  disks: DiskInfo[] | null;
  diskError: string | null;
  diskCursor: number;
  disk: DiskInfo | null;
  nics: Nic[];
  net: NetworkForm;
  netFocus: FieldId;
  netProblems: FormProblems;
  showNetProblems: boolean;
  password: [string, string];
  pwFocus: 0 | 1;
  showPwProblems: boolean;
  confirmText: string;
  confirmWrong: boolean;
  steps: Record<StepId, { status: StepStatus; fraction: number }>;
  logTail: string[];
  failure: InstallFailure | null;
  finish: FinishAction | null;
  /** Unattended: the power action has been started. */
  finishing: FinishAction | null;
  plan: PlannedCommand[];
  planTop: number;
  fatal: { title: string; lines: string[] } | null;
}

export type Action =
  | { type: 'key'; key: Key }
  | { type: 'disks'; disks: DiskInfo[] }
  | { type: 'disksFailed'; message: string }
  | { type: 'nics'; nics: Nic[] }
  | { type: 'install'; event: InstallEvent }
  | { type: 'log'; line: string }
  | { type: 'plan'; plan: PlannedCommand[] }
  | { type: 'unattended'; origin: string; disk: DiskInfo; network: ManagementNetwork | null; finish: FinishAction }
  | { type: 'finishing'; action: FinishAction }
  | { type: 'fatal'; title: string; lines: string[] };

/** What the runtime does for a key or an event. */
export type Effect = 'install' | 'plan' | 'rescan' | 'reboot' | 'poweroff' | 'quit';

export const LOG_TAIL_LINES = 40;
export const PLAN_PAGE = 10;

export function initialState(o: { product: string; version: string; dryRun: boolean }): WizardState {
  return {
    phase: 'welcome',
    product: o.product,
    version: o.version,
    answerOrigin: null,
    dryRun: o.dryRun,
    disks: null,
    diskError: null,
    diskCursor: 0,
    disk: null,
    nics: [],
    net: { ...blankForm, hostname: 'quantix' },
    netFocus: 'nic',
    netProblems: {},
    showNetProblems: false,
    password: ['', ''],
    pwFocus: 0,
    showPwProblems: false,
    confirmText: '',
    confirmWrong: false,
    steps: Object.fromEntries(STEP_IDS.map((s) => [s, { status: 'pending', fraction: 0 }])) as WizardState['steps'],
    logTail: [],
    failure: null,
    finish: null,
    finishing: null,
    plan: [],
    planTop: 0,
    fatal: null,
  };
}

// ------------------------------------------------------------------------------------------------ validation

export function passwordIssues(pw: [string, string]): string[] {
  const problems = passwordProblems(pw[0]);
  if (pw[0] !== pw[1]) problems.push('type the same password twice');
  return problems;
}

// ------------------------------------------------------------------------------------------------ update

type Result = [WizardState, Effect | null];
const stay = (s: WizardState): Result => [s, null];
const isChar = (k: Key, ...chars: string[]) => k.name === 'char' && chars.includes((k.char ?? '').toLowerCase());

export function update(s: WizardState, a: Action): Result {
  switch (a.type) {
    case 'disks': {
      return stay({ ...s, disks: a.disks, diskError: null, diskCursor: Math.max(0, a.disks.findIndex(isEligible)) });
    }
    case 'disksFailed':
      return stay({ ...s, disks: [], diskError: a.message });
    case 'nics': {
      const nic = s.net.nic !== '' && a.nics.some((n) => n.name === s.net.nic) ? s.net.nic : (autoNic(a.nics) ?? '');
      const net = { ...s.net, nic };
      return stay({ ...s, nics: a.nics, net, netProblems: parseForm(net).problems });
    }
    case 'log':
      return stay({ ...s, logTail: [...s.logTail, ...a.line.split('\n')].slice(-LOG_TAIL_LINES) });
    case 'install':
      return stay(installEvent(s, a.event));
    case 'plan':
      return stay({ ...s, phase: 'plan', plan: a.plan, planTop: 0 });
    case 'unattended':
      return stay({ ...s, phase: 'installing', answerOrigin: a.origin, disk: a.disk, net: a.network ? formFromConfig(a.network) : s.net, finish: a.finish });
    case 'finishing':
      return stay({ ...s, finishing: a.action });
    case 'fatal':
      return stay({ ...s, phase: 'fatal', fatal: { title: a.title, lines: a.lines } });
    case 'key':
      return onKey(s, a.key);
  }
}

function installEvent(s: WizardState, e: InstallEvent): WizardState {
  const steps = { ...s.steps };
  switch (e.type) {
    case 'start':
      steps[e.step] = { status: 'running', fraction: 0 };
      return { ...s, steps };
    case 'progress':
      steps[e.step] = { status: 'running', fraction: e.fraction };
      return { ...s, steps };
    case 'done':
      steps[e.step] = { status: 'done', fraction: 1 };
      return { ...s, steps, phase: STEP_IDS.every((id) => steps[id].status === 'done') ? 'done' : s.phase };
    case 'failed':
      steps[e.failure.step] = { status: 'failed', fraction: steps[e.failure.step].fraction };
      return { ...s, steps, phase: 'failed', failure: e.failure };
  }
}

function onKey(s: WizardState, k: Key): Result {
  switch (s.phase) {
    case 'welcome':
      if (k.name === 'enter' || isChar(k, 'n')) return [{ ...s, phase: 'disks' }, s.disks === null ? 'rescan' : null];
      if (isChar(k, 'q')) return [s, 'quit'];
      return stay(s);
    case 'disks':
      return diskKey(s, k);
    case 'network':
      return netKey(s, k);
    case 'password':
      return passwordKey(s, k);
    case 'summary':
      if (k.name === 'escape') return stay({ ...s, phase: 'password' });
      if (k.name === 'enter' || isChar(k, 'c')) return stay({ ...s, phase: 'confirm', confirmText: '', confirmWrong: false });
      if (isChar(k, '1')) return stay({ ...s, phase: 'disks' });
      if (isChar(k, '2')) return stay({ ...s, phase: 'network' });
      if (isChar(k, '3')) return stay({ ...s, phase: 'password' });
      return stay(s);
    case 'confirm':
      return confirmKey(s, k);
    case 'installing':
      return stay(s);
    case 'done':
      if (s.answerOrigin !== null) return stay(s);
      if (isChar(k, 'r')) return [s, 'reboot'];
      if (isChar(k, 'p')) return [s, 'poweroff'];
      return stay(s);
    case 'failed':
    case 'fatal':
      if (isChar(k, 'r')) return [s, 'reboot'];
      if (isChar(k, 'p')) return [s, 'poweroff'];
      if (isChar(k, 'q')) return [s, 'quit'];
      return stay(s);
    case 'plan': {
      const max = Math.max(0, s.plan.length - 1);
      if (k.name === 'down' || isChar(k, 'j')) return stay({ ...s, planTop: Math.min(max, s.planTop + 1) });
      if (k.name === 'up' || isChar(k, 'k')) return stay({ ...s, planTop: Math.max(0, s.planTop - 1) });
      if (k.name === 'pagedown' || k.name === 'char' && k.char === ' ') return stay({ ...s, planTop: Math.min(max, s.planTop + PLAN_PAGE) });
      if (k.name === 'pageup') return stay({ ...s, planTop: Math.max(0, s.planTop - PLAN_PAGE) });
      if (k.name === 'escape') return stay({ ...s, phase: 'summary' });
      if (isChar(k, 'q')) return [s, 'quit'];
      return stay(s);
    }
  }
}

function diskKey(s: WizardState, k: Key): Result {
  const disks = s.disks ?? [];
  if (k.name === 'escape') return stay({ ...s, phase: 'welcome' });
  if (isChar(k, 'r')) return [{ ...s, disks: null }, 'rescan'];
  if (k.name === 'up') return stay({ ...s, diskCursor: Math.max(0, s.diskCursor - 1) });
  if (k.name === 'down') return stay({ ...s, diskCursor: Math.min(Math.max(0, disks.length - 1), s.diskCursor + 1) });
  if (k.name === 'char' && /^[1-9]$/.test(k.char ?? '')) {
    const i = Number(k.char) - 1;
    return i < disks.length ? choose(s, i) : stay(s);
  }
  if (k.name === 'enter' || isChar(k, 'n')) return choose(s, s.diskCursor);
  return stay(s);
}

function choose(s: WizardState, i: number): Result {
  const disk = s.disks?.[i];
  if (!disk || !isEligible(disk)) return stay({ ...s, diskCursor: i });
  return stay({ ...s, diskCursor: i, disk, phase: 'network' });
}

function netKey(s: WizardState, k: Key): Result {
  const fields = visibleFields(s.net);
  const at = Math.max(0, fields.indexOf(s.netFocus));
  const focus = (delta: number) => stay({ ...s, netFocus: fields[(at + delta + fields.length) % fields.length]! });
  const edit = (net: NetworkForm) => stay({ ...s, net, netProblems: parseForm(net).problems });
  if (k.name === 'escape') return stay({ ...s, phase: 'disks' });
  if (k.name === 'tab' || k.name === 'down') return focus(1);
  if (k.name === 'backtab' || k.name === 'up') return focus(-1);
  if (k.name === 'enter') {
    const { config, problems } = parseForm(s.net);
    if (config === null) return stay({ ...s, netProblems: problems, showNetProblems: true });
    return stay({ ...s, netProblems: {}, showNetProblems: false, phase: 'password' });
  }
  const f = s.netFocus;
  if (f === 'nic') {
    if (s.nics.length === 0) return stay(s);
    const i = s.nics.findIndex((n) => n.name === s.net.nic);
    const step = k.name === 'left' ? -1 : k.name === 'right' || (k.name === 'char' && k.char === ' ') ? 1 : 0;
    if (step !== 0) return edit({ ...s.net, nic: s.nics[(i + step + s.nics.length) % s.nics.length]!.name });
    if (k.name === 'char' && /^[1-9]$/.test(k.char ?? '')) {
      const nic = s.nics[Number(k.char) - 1];
      return nic ? edit({ ...s.net, nic: nic.name }) : stay(s);
    }
    return stay(s);
  }
  if (f === 'mode') {
    if (k.name === 'left' || k.name === 'right' || (k.name === 'char' && k.char === ' ')) return edit({ ...s.net, mode: s.net.mode === 'dhcp' ? 'static' : 'dhcp' });
    if (isChar(k, 'd')) return edit({ ...s.net, mode: 'dhcp' });
    if (isChar(k, 's')) return edit({ ...s.net, mode: 'static' });
    return stay(s);
  }
  const value = s.net[f];
  if (k.name === 'backspace') return edit({ ...s.net, [f]: value.slice(0, -1) });
  if (k.name === 'ctrl' && k.char === 'u') return edit({ ...s.net, [f]: '' });
  if (k.name === 'char' && k.char !== undefined && acceptsChar(f, k.char, value)) return edit({ ...s.net, [f]: value + k.char });
  return stay(s);
}

function passwordKey(s: WizardState, k: Key): Result {
  const pw: [string, string] = [...s.password];
  if (k.name === 'escape') return stay({ ...s, phase: 'network' });
  if (k.name === 'tab' || k.name === 'down' || k.name === 'backtab' || k.name === 'up') return stay({ ...s, pwFocus: s.pwFocus === 0 ? 1 : 0 });
  if (k.name === 'enter') {
    if (s.pwFocus === 0 && passwordProblems(pw[0]).length === 0 && pw[1] === '') return stay({ ...s, pwFocus: 1 });
    if (passwordIssues(pw).length > 0) return stay({ ...s, showPwProblems: true });
    return stay({ ...s, showPwProblems: false, phase: 'summary' });
  }
  if (k.name === 'backspace') pw[s.pwFocus] = pw[s.pwFocus].slice(0, -1);
  else if (k.name === 'ctrl' && k.char === 'u') pw[s.pwFocus] = '';
  else if (k.name === 'char' && k.char !== undefined && pw[s.pwFocus].length < 1024) pw[s.pwFocus] += k.char;
  else return stay(s);
  return stay({ ...s, password: pw });
}

/** The name the operator types to confirm: "vda" for /dev/vda. */
export const confirmName = (d: DiskInfo) => d.name;

function confirmKey(s: WizardState, k: Key): Result {
  if (k.name === 'escape') return stay({ ...s, phase: 'summary' });
  if (k.name === 'backspace') return stay({ ...s, confirmText: s.confirmText.slice(0, -1), confirmWrong: false });
  if (k.name === 'enter') {
    if (s.disk !== null && s.confirmText === confirmName(s.disk)) return [{ ...s, phase: s.dryRun ? s.phase : 'installing' }, s.dryRun ? 'plan' : 'install'];
    return stay({ ...s, confirmWrong: true });
  }
  if (k.name === 'char' && /^[A-Za-z0-9_.-]$/.test(k.char ?? '') && s.confirmText.length < 32) return stay({ ...s, confirmText: s.confirmText + k.char, confirmWrong: false });
  return stay(s);
}
