import type { Job, ManagementNetwork, NetworkState, NetworkTestResult } from '@quantix/lib/api';
import type { Key } from '@quantix/lib/terminal/keymap';
import {
  acceptsChar,
  blankForm,
  formFromConfig,
  isTextField,
  parseForm,
  visibleFields,
  type FieldId,
  type FormProblems,
  type NetworkForm,
} from '@quantix/lib/tui/network-form';
import type { KeyResult } from '../../app/screen.ts';
import type { ErrorInfo } from '../../errors.ts';

/** How long the operator has to keep a new configuration before it rolls back by itself. */
export const ROLLBACK_SECONDS = 60;

/** A change applied through this screen (or found pending when it opened). */
export interface PendingChange {
  jobId: string | null;
  config: ManagementNetwork;
  previous: ManagementNetwork | null;
  /** Epoch ms; null until qx-node has said. */
  rollbackAt: number | null;
  /** When the test result came: the countdown starts from the later of this and the clock tick drawn. */
  seenAt: number | null;
  test: NetworkTestResult | null;
  progress: number;
  message: string;
  /** The operator pressed N: the job was asked to cancel. */
  cancelAsked: boolean;
}

export interface Outcome {
  kept: boolean;
  title: string;
  detail: string;
}

export type NetworkPhase =
  | 'reading'
  | 'view'
  | 'edit'
  | 'review'
  | 'applying'
  | 'pending'
  | 'confirming'
  | 'rolling-back'
  | 'done'
  | 'testing'
  | 'tested';

export interface NetworkScreenState {
  phase: NetworkPhase;
  net: NetworkState | null;
  /** The host's name as the host says, for a first configuration. */
  hostname: string | null;
  readError: ErrorInfo | null;
  /** A request that failed: apply refused, keep or roll back not possible, test failed. */
  error: ErrorInfo | null;
  form: NetworkForm;
  focus: FieldId;
  problems: FormProblems;
  /** Problems are shown once the operator tried to go on. */
  showProblems: boolean;
  change: PendingChange | null;
  outcome: Outcome | null;
  test: NetworkTestResult | null;
  /** First NIC row shown, and how many rows fit. */
  nicTop: number;
  nicRows: number;
}

export type NetworkAction =
  | { type: 'loaded'; net: NetworkState; hostname: string | null; at: number }
  | { type: 'loadFailed'; error: ErrorInfo }
  | { type: 'scroll'; delta: number }
  | { type: 'edit' }
  | { type: 'focus'; delta: 1 | -1 }
  | { type: 'choose'; delta: 1 | -1 }
  | { type: 'char'; char: string }
  | { type: 'erase' }
  | { type: 'clearField' }
  | { type: 'review' }
  | { type: 'cancel' }
  | { type: 'apply' }
  | { type: 'applyStarted'; job: Job }
  | { type: 'applyRefused'; error: ErrorInfo }
  | { type: 'progress'; job: Job }
  | { type: 'tested'; rollbackAt: number; test: NetworkTestResult; at: number }
  | { type: 'keep' }
  | { type: 'rollBack' }
  | { type: 'deadline' }
  | { type: 'kept'; net: NetworkState }
  | { type: 'finished'; job: Job }
  | { type: 'vanished' }
  | { type: 'requestFailed'; error: ErrorInfo }
  | { type: 'test' }
  | { type: 'testDone'; result: NetworkTestResult }
  | { type: 'testFailed'; error: ErrorInfo }
  | { type: 'dismiss' }
  /** A key swallowed while a change is waiting (Esc and Q do not leave the countdown). */
  | { type: 'hold' };

/** Lines of the view phase that are not NIC rows (see the view). */
export const VIEW_FIXED_LINES = 11;

export function initialNetwork(bodyHeight = 16): NetworkScreenState {
  return {
    phase: 'reading',
    net: null,
    hostname: null,
    readError: null,
    error: null,
    form: blankForm,
    focus: 'nic',
    problems: {},
    showProblems: false,
    change: null,
    outcome: null,
    test: null,
    nicTop: 0,
    nicRows: Math.max(1, bodyHeight - VIEW_FIXED_LINES),
  };
}

/** The phases in which a change is on its way or waiting: the screen stays, and so does the authentication. */
export const CHANGE_PHASES: readonly NetworkPhase[] = ['applying', 'pending', 'confirming', 'rolling-back'];

// ------------------------------------------------------------------------------------------ the form

function formFrom(net: NetworkState | null, hostname: string | null): NetworkForm {
  if (net?.config) return formFromConfig(net.config);
  // A first configuration: the NIC that has an address now, DHCP, the host's current name.
  const nics = net?.nics ?? [];
  const nic = nics.find((n) => n.addresses.length > 0 && n.carrier) ?? nics.find((n) => n.addresses.length > 0) ?? nics[0];
  const address = nic?.addresses.find((a) => /^\d+\.\d+\.\d+\.\d+\/\d+$/.test(a)) ?? '';
  return { ...blankForm, nic: nic?.name ?? '', address, hostname: hostname ?? '' };
}

function withForm(s: NetworkScreenState, form: NetworkForm): NetworkScreenState {
  return { ...s, form, problems: parseForm(form).problems, error: null };
}

function moveFocus(s: NetworkScreenState, delta: 1 | -1): FieldId {
  const fields = visibleFields(s.form);
  const i = Math.max(0, fields.indexOf(s.focus));
  return fields[(i + delta + fields.length) % fields.length]!;
}

function choose(s: NetworkScreenState, delta: 1 | -1): NetworkScreenState {
  if (s.focus === 'mode') {
    const form: NetworkForm = { ...s.form, mode: s.form.mode === 'dhcp' ? 'static' : 'dhcp' };
    return withForm(s, form);
  }
  if (s.focus === 'nic') {
    const names = (s.net?.nics ?? []).map((n) => n.name);
    if (names.length === 0) return s;
    const i = names.indexOf(s.form.nic);
    const next = names[(i + delta + names.length) % names.length]!;
    return withForm(s, { ...s.form, nic: i < 0 && delta < 0 ? names[names.length - 1]! : next });
  }
  return s;
}

// ------------------------------------------------------------------------------------------ outcomes

function outcomeOf(job: Job, change: PendingChange | null): Outcome {
  if (job.state === 'succeeded') return { kept: true, title: 'Kept: the new configuration is saved.', detail: '' };
  if (job.state === 'cancelled') {
    return {
      kept: false,
      title: 'Rolled back: the previous configuration is back.',
      detail: change?.cancelAsked ? 'Rolled back at once, as asked.' : 'The change was cancelled (through the API).',
    };
  }
  const details = job.error?.details as { reason?: unknown } | undefined;
  const reason = typeof details?.reason === 'string' ? details.reason : null;
  if (job.error?.code === 'NETWORK_ROLLED_BACK' && reason === 'not-confirmed') {
    return { kept: false, title: 'Rolled back: the previous configuration is back.', detail: 'The new configuration was not kept before the deadline.' };
  }
  return { kept: false, title: 'Rolled back: the previous configuration is back.', detail: job.error?.message ?? job.message };
}

// ------------------------------------------------------------------------------------------ reducer

export function reduceNetwork(s: NetworkScreenState, a: NetworkAction): NetworkScreenState {
  switch (a.type) {
    case 'loaded': {
      const next: NetworkScreenState = { ...s, net: a.net, hostname: a.hostname ?? s.hostname, readError: null };
      next.nicTop = Math.min(s.nicTop, Math.max(0, a.net.nics.length - s.nicRows));
      const p = a.net.pending;
      if (p && (s.phase === 'reading' || s.phase === 'view')) {
        // A change is already waiting (from the API, or from before the console restarted): follow it.
        const change: PendingChange = {
          jobId: p.jobId,
          config: p.config,
          previous: p.previous,
          rollbackAt: Date.parse(p.rollbackAt),
          seenAt: a.at,
          test: p.test,
          progress: 0,
          message: p.test ? '' : 'Applying and testing',
          cancelAsked: false,
        };
        return { ...next, phase: p.test ? 'pending' : 'applying', change, outcome: null, error: null };
      }
      return s.phase === 'reading' ? { ...next, phase: 'view' } : next;
    }
    case 'loadFailed':
      return { ...s, readError: a.error, phase: s.phase === 'reading' ? 'view' : s.phase };
    case 'scroll': {
      if (s.phase !== 'view') return s;
      const max = Math.max(0, (s.net?.nics.length ?? 0) - s.nicRows);
      const top = Math.min(max, Math.max(0, s.nicTop + a.delta));
      return top === s.nicTop ? s : { ...s, nicTop: top };
    }
    case 'edit': {
      if (s.phase !== 'view' || !s.net) return s;
      const form = formFrom(s.net, s.hostname);
      return { ...s, phase: 'edit', form, focus: 'nic', problems: parseForm(form).problems, showProblems: false, error: null };
    }
    case 'focus':
      return s.phase === 'edit' ? { ...s, focus: moveFocus(s, a.delta) } : s;
    case 'choose':
      return s.phase === 'edit' ? choose(s, a.delta) : s;
    case 'char': {
      if (s.phase !== 'edit') return s;
      if (!isTextField(s.focus)) return a.char === ' ' ? choose(s, 1) : s;
      const value = s.form[s.focus];
      if (!acceptsChar(s.focus, a.char, value)) return s;
      return withForm(s, { ...s.form, [s.focus]: value + a.char });
    }
    case 'erase':
      if (s.phase !== 'edit' || !isTextField(s.focus)) return s;
      return withForm(s, { ...s.form, [s.focus]: s.form[s.focus].slice(0, -1) });
    case 'clearField':
      if (s.phase !== 'edit' || !isTextField(s.focus)) return s;
      return withForm(s, { ...s.form, [s.focus]: '' });
    case 'review': {
      if (s.phase !== 'edit') return s;
      const { config, problems } = parseForm(s.form);
      if (!config) {
        const first = visibleFields(s.form).find((f) => problems[f]) ?? s.focus;
        return { ...s, problems, showProblems: true, focus: first };
      }
      return { ...s, phase: 'review', problems, error: null };
    }
    case 'cancel':
      if (s.phase === 'review') return { ...s, phase: 'edit' };
      if (s.phase === 'edit') return { ...s, phase: 'view', error: null };
      return s;
    case 'apply': {
      if (s.phase !== 'review') return s;
      const config = parseForm(s.form).config;
      if (!config) return { ...s, phase: 'edit', showProblems: true };
      const change: PendingChange = {
        jobId: null,
        config,
        previous: s.net?.config ?? null,
        rollbackAt: null,
        seenAt: null,
        test: null,
        progress: 0,
        message: 'Sending the configuration to qx-node',
        cancelAsked: false,
      };
      return { ...s, phase: 'applying', change, outcome: null, error: null };
    }
    case 'applyStarted':
      if (s.phase !== 'applying' || !s.change) return s;
      return { ...s, change: { ...s.change, jobId: a.job.id, progress: a.job.progress, message: a.job.message } };
    case 'applyRefused':
      return s.phase === 'applying' ? { ...s, phase: 'edit', change: null, error: a.error } : s;
    case 'progress':
      if (!s.change || s.change.jobId !== a.job.id || !CHANGE_PHASES.includes(s.phase)) return s;
      return { ...s, readError: null, change: { ...s.change, progress: a.job.progress, message: a.job.message } };
    case 'tested':
      if (s.phase !== 'applying' || !s.change) return s;
      return { ...s, phase: 'pending', change: { ...s.change, rollbackAt: a.rollbackAt, seenAt: a.at, test: a.test } };
    case 'keep':
      return s.phase === 'pending' ? { ...s, phase: 'confirming', error: null } : s;
    case 'rollBack':
      // Also while applying: cancelling the job puts the previous configuration back at once.
      return (s.phase === 'pending' || (s.phase === 'applying' && s.change?.jobId)) && s.change ? { ...s, phase: 'rolling-back', change: { ...s.change, cancelAsked: true }, error: null } : s;
    case 'deadline':
      return s.phase === 'pending' ? { ...s, phase: 'rolling-back' } : s;
    case 'kept':
      if (s.phase !== 'confirming' && !(s.phase === 'done' && s.outcome?.kept)) return s;
      return { ...s, phase: 'done', net: a.net, outcome: { kept: true, title: 'Kept: the new configuration is saved.', detail: '' }, error: null };
    case 'finished':
      if (!s.change || s.change.jobId !== a.job.id || !CHANGE_PHASES.includes(s.phase)) return s;
      return { ...s, phase: 'done', outcome: outcomeOf(a.job, s.change), error: null };
    case 'vanished':
      if (!CHANGE_PHASES.includes(s.phase)) return s;
      return {
        ...s,
        phase: 'done',
        outcome: { kept: false, title: 'The change is gone from qx-node.', detail: 'qx-node restarted while it waited; a restart rolls a change that was not kept back.' },
      };
    case 'requestFailed':
      if (s.phase === 'confirming') return { ...s, phase: 'pending', error: a.error };
      if (s.phase === 'rolling-back' && s.change?.cancelAsked) return { ...s, phase: 'pending', change: { ...s.change, cancelAsked: false }, error: a.error };
      return s;
    case 'test':
      return s.phase === 'view' || s.phase === 'tested' ? { ...s, phase: 'testing', test: null, error: null } : s;
    case 'testDone':
      return s.phase === 'testing' ? { ...s, phase: 'tested', test: a.result } : s;
    case 'testFailed':
      return s.phase === 'testing' ? { ...s, phase: 'tested', error: a.error } : s;
    case 'dismiss':
      if (s.phase !== 'done' && s.phase !== 'tested') return s;
      return { ...s, phase: 'view', change: null, outcome: null, test: null, error: null };
    case 'hold':
      return s;
  }
}

// ------------------------------------------------------------------------------------------ keys

export function networkKey(s: NetworkScreenState, key: Key): KeyResult<NetworkAction> {
  const c = key.name === 'char' && !key.alt ? (key.char ?? '') : '';
  const lower = c.toLowerCase();
  switch (s.phase) {
    case 'view':
      if (lower === 'e') return { type: 'edit' };
      if (lower === 't') return { type: 'test' };
      if (key.name === 'up') return { type: 'scroll', delta: -1 };
      if (key.name === 'down') return { type: 'scroll', delta: 1 };
      if (key.name === 'pageup') return { type: 'scroll', delta: -s.nicRows };
      if (key.name === 'pagedown') return { type: 'scroll', delta: s.nicRows };
      return null;
    case 'edit':
      if (key.name === 'escape') return { type: 'cancel' };
      if (key.name === 'enter') return { type: 'review' };
      if (key.name === 'up' || key.name === 'backtab') return { type: 'focus', delta: -1 };
      if (key.name === 'down' || key.name === 'tab') return { type: 'focus', delta: 1 };
      if (key.name === 'left') return { type: 'choose', delta: -1 };
      if (key.name === 'right') return { type: 'choose', delta: 1 };
      if (key.name === 'backspace' || key.name === 'delete') return { type: 'erase' };
      if (key.name === 'ctrl' && key.char === 'u') return { type: 'clearField' };
      if (c) return { type: 'char', char: c };
      return null;
    case 'review':
      if (lower === 'y') return { type: 'apply' };
      if (lower === 'n' || key.name === 'escape') return { type: 'cancel' };
      return null;
    case 'pending':
      if (lower === 'y') return { type: 'keep' };
      if (lower === 'n') return { type: 'rollBack' };
      return key.name === 'escape' || lower === 'q' ? { type: 'hold' } : null;
    case 'applying':
      if (lower === 'n' && s.change?.jobId) return { type: 'rollBack' };
      return key.name === 'escape' || lower === 'q' ? { type: 'hold' } : null;
    case 'confirming':
    case 'rolling-back':
      return key.name === 'escape' || lower === 'q' ? { type: 'hold' } : null;
    case 'done':
    case 'tested':
      if (key.name === 'enter') return { type: 'dismiss' };
      if (lower === 't' && s.phase === 'tested') return { type: 'test' };
      return null;
    case 'reading':
    case 'testing':
      return null;
  }
}

export function networkHints(s: NetworkScreenState): { keys: string; label: string }[] {
  switch (s.phase) {
    case 'view': {
      const hints = [
        { keys: 'E', label: 'Edit' },
        { keys: 'T', label: 'Test management network' },
      ];
      if ((s.net?.nics.length ?? 0) > s.nicRows) hints.push({ keys: 'Up/Down', label: 'Scroll NICs' });
      return hints;
    }
    case 'edit':
      return [
        { keys: 'Up/Down', label: 'Field' },
        { keys: 'Left/Right', label: 'Choose' },
        { keys: 'Enter', label: 'Review' },
      ];
    case 'review':
      return [
        { keys: 'Y', label: 'Apply' },
        { keys: 'N/Esc', label: 'Back to the form' },
      ];
    case 'pending':
      return [
        { keys: 'Y', label: 'Keep' },
        { keys: 'N', label: 'Roll back now' },
      ];
    case 'applying':
      return s.change?.jobId ? [{ keys: 'N', label: 'Cancel (roll back now)' }] : [];
    case 'done':
      return [{ keys: 'Enter', label: 'OK' }];
    case 'tested':
      return [
        { keys: 'T', label: 'Test again' },
        { keys: 'Enter', label: 'OK' },
      ];
    default:
      return [];
  }
}

/** "eno1.10 static 10.1.2.9/24 via 10.1.2.1": one line about a configuration. */
export function describeConfig(c: ManagementNetwork): string {
  const where = c.vlan === null ? c.nic : `${c.nic} VLAN ${c.vlan}`;
  const how = c.mode === 'dhcp' ? 'DHCP' : `static ${c.address}${c.gateway ? ` via ${c.gateway}` : ', no gateway'}`;
  return `${where}, ${how}`;
}
