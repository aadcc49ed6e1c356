/**
 * The one way qx-node talks to libvirt: the `virsh` CLI, run with an argv array (never a shell), `-c URI`, `-q`,
 * a timeout and LC_ALL=C so error texts are the English ones we classify.
 *
 * Batches: virsh parses a single command-string argument in its own little language (`cmd1 args ; cmd2 args`), which
 * runs several commands over ONE connection in one process. virsh keeps going after a failed command and its exit
 * status only reflects the last one, so runBatch frames each command's output itself:
 *   - stdout: after each command an `echo <random marker>` (under -q echo prints no newline, so we split on the marker
 *     string, not on lines);
 *   - stderr: after each command a `cd` — in non-interactive mode that always fails, client side, with the fixed line
 *     `error: cd: command valid only in interactive mode`, which frames stderr without a round trip to libvirtd.
 * A command whose stderr section holds an `error:` line failed.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { ApiError, toApiError as libToApiError } from '@quantix/lib/errors';

export type VirshErrorKind = 'not-found' | 'unreachable' | 'invalid-operation' | 'timeout' | 'other';

export class VirshError extends Error {
  readonly args: string[];
  readonly exitCode: number | null;
  readonly stderr: string;
  readonly kind: VirshErrorKind;

  constructor(init: { args: string[]; exitCode: number | null; stderr: string; kind?: VirshErrorKind; message?: string }) {
    const kind = init.kind ?? classifyVirshError(init.stderr);
    super(init.message ?? firstErrorLine(init.stderr) ?? `virsh ${init.args[0] ?? ''} failed (${kind})`);
    this.name = 'VirshError';
    this.args = init.args;
    this.exitCode = init.exitCode;
    this.stderr = init.stderr;
    this.kind = kind;
  }
}

export function isVirshError(e: unknown): e is VirshError {
  return e instanceof VirshError;
}

const UNREACHABLE = [
  /failed to connect to the hypervisor/i,
  /failed to connect socket/i,
  /unable to connect to server/i,
  /no connection driver available/i,
  /end of file while reading data/i,
  /cannot recv data/i,
  /cannot write data/i,
  /client socket is closed/i,
  /connection reset by peer/i,
  /virsh binary not found/i,
];
const NOT_FOUND = [
  /failed to get domain/i,
  /domain not found/i,
  /failed to get pool/i,
  /storage pool not found/i,
  /failed to get vol\b/i,
  /storage volume not found/i,
  /failed to get network/i,
  /network not found/i,
];
const INVALID_OPERATION = [
  /requested operation is not valid/i,
  /domain is not running/i,
  /domain is already active/i,
  /domain is already running/i,
  /domain is not paused/i,
];

/** Which kind of failure a virsh stderr describes (pure; texts are libvirt 9's, LC_ALL=C). */
export function classifyVirshError(stderr: string): VirshErrorKind {
  if (UNREACHABLE.some((re) => re.test(stderr))) return 'unreachable';
  if (NOT_FOUND.some((re) => re.test(stderr))) return 'not-found';
  if (INVALID_OPERATION.some((re) => re.test(stderr))) return 'invalid-operation';
  return 'other';
}

function firstErrorLine(stderr: string): string | undefined {
  const lines = stderr.split('\n').map((l) => l.trim()).filter(Boolean);
  // "error: failed to get pool 'x'" is followed by the more useful libvirt reason; prefer the last error line.
  const errors = lines.filter((l) => l.startsWith('error:'));
  const pick = errors.length > 0 ? errors[errors.length - 1] : lines[0];
  return pick?.replace(/^error:\s*/, '');
}

const SAFE_TOKEN = /^[A-Za-z0-9_@%+=:,./-]+$/;

/**
 * Quote one argument for virsh's command-string parser. Inside single quotes virsh takes everything literally
 * (newlines too); a literal ' is written as '\'' just as in sh. Quoting does NOT stop a token starting with "--" from
 * being read as an option: put "--" before such positional arguments, or use the named option (--domain NAME).
 */
export function quoteVirshArg(arg: string): string {
  if (arg.includes('\0')) throw new Error('virsh arguments cannot contain NUL');
  if (arg !== '' && SAFE_TOKEN.test(arg) && !arg.startsWith('#')) return arg;
  return `'${arg.split("'").join("'\\''")}'`;
}

export function virshCommandString(commands: string[][]): string {
  return commands.map((c) => c.map(quoteVirshArg).join(' ')).join(' ; ');
}

/** The fixed stderr line virsh prints for `cd` outside interactive mode: our stderr frame. */
export const STDERR_FRAME = 'error: cd: command valid only in interactive mode';

export function buildBatchScript(commands: string[][], marker: string): string {
  return virshCommandString(commands.flatMap((c) => [c, ['echo', marker], ['cd']]));
}

export type BatchResult = { ok: true; stdout: string } | { ok: false; error: VirshError };

/**
 * Split the framed output of a batch into one result per command (pure). Returns null when the framing is not what
 * was expected (e.g. virsh rejected the whole string before running anything).
 */
export function splitBatchOutput(
  commands: string[][],
  marker: string,
  stdout: string,
  stderr: string,
): BatchResult[] | null {
  const outParts = stdout.split(marker);
  const errParts = stderr.split(`${STDERR_FRAME}\n`);
  if (outParts.length !== commands.length + 1 || errParts.length !== commands.length + 1) return null;
  return commands.map((args, i): BatchResult => {
    const err = errParts[i] ?? '';
    if (/^error:/m.test(err)) {
      return { ok: false, error: new VirshError({ args, exitCode: 1, stderr: err }) };
    }
    return { ok: true, stdout: outParts[i] ?? '' };
  });
}

export interface VirshOptions {
  uri?: string;
  timeoutMs?: number;
  binary?: string;
  maxBuffer?: number;
}

export interface RunOptions {
  timeoutMs?: number;
  /** Written to virsh's stdin. Note: Node's stdin is a socketpair, so `virsh define /dev/stdin` does NOT work. */
  input?: string;
  /** Pass -q (default true): drops "Domain 'x' started"-style chatter and blank lines. */
  quiet?: boolean;
}

interface ExecResult {
  stdout: string;
  stderr: string;
  error: (Error & { code?: string | number | null; killed?: boolean; signal?: string | null }) | null;
}

export class Virsh {
  readonly uri: string;
  readonly timeoutMs: number;
  readonly binary: string;
  readonly maxBuffer: number;

  constructor({ uri = 'qemu:///system', timeoutMs = 30_000, binary = 'virsh', maxBuffer = 32 * 1024 * 1024 }: VirshOptions = {}) {
    this.uri = uri;
    this.timeoutMs = timeoutMs;
    this.binary = binary;
    this.maxBuffer = maxBuffer;
  }

  /** Run one virsh command (argv mode: no parsing of the arguments by virsh) and return its stdout. */
  async run(args: string[], opts: RunOptions = {}): Promise<string> {
    if (args.length === 0) throw new Error('virsh: no command');
    // With exactly one argument virsh switches to command-string mode and would parse it: quote it.
    const argv = args.length === 1 ? [quoteVirshArg(args[0] ?? '')] : args;
    const r = await this.exec(argv, opts);
    if (r.error) throw this.toError(args, r);
    return r.stdout;
  }

  /**
   * Run several commands in one virsh process (one connection). Returns each command's stdout, in order; throws the
   * VirshError of the first command that failed (the later ones still ran: virsh does not stop on errors).
   */
  async runBatch(commands: string[][], opts: { timeoutMs?: number } = {}): Promise<string[]> {
    const results = await this.runBatchSettled(commands, opts);
    return results.map((r) => {
      if (!r.ok) throw r.error;
      return r.stdout;
    });
  }

  /** Like runBatch, but reports every command's own success or failure. */
  async runBatchSettled(commands: string[][], opts: { timeoutMs?: number } = {}): Promise<BatchResult[]> {
    if (commands.length === 0) return [];
    if (commands.some((c) => c.length === 0)) throw new Error('virsh: empty command in batch');
    const marker = `QXB${randomBytes(9).toString('hex')}`;
    const script = buildBatchScript(commands, marker);
    if (Buffer.byteLength(script) > 120_000) throw new Error('virsh batch too long for one argument; split it');
    const r = await this.exec([script], { timeoutMs: opts.timeoutMs });
    const flat = commands.flatMap((c) => [...c, ';']).slice(0, -1);
    if (r.error && (r.error.killed || typeof r.error.code === 'string')) throw this.toError(flat, r);
    const split = splitBatchOutput(commands, marker, r.stdout, r.stderr);
    if (split) return split;
    // Framing broken: the connection failed or virsh rejected the string before running anything.
    throw this.toError(flat, { ...r, error: r.error ?? Object.assign(new Error('virsh batch framing mismatch'), { code: 1 }) });
  }

  private exec(argv: string[], opts: RunOptions): Promise<ExecResult> {
    const quiet = opts.quiet ?? true;
    const full = ['-c', this.uri, ...(quiet ? ['-q'] : []), ...argv];
    return new Promise((resolve) => {
      const child = execFile(
        this.binary,
        full,
        {
          timeout: opts.timeoutMs ?? this.timeoutMs,
          maxBuffer: this.maxBuffer,
          killSignal: 'SIGKILL',
          encoding: 'utf8',
          env: { ...process.env, LC_ALL: 'C', LANG: 'C', LANGUAGE: 'C' },
        },
        (error, stdout, stderr) => resolve({ stdout, stderr, error }),
      );
      child.stdin?.on('error', () => {});
      child.stdin?.end(opts.input ?? '');
    });
  }

  private toError(args: string[], r: ExecResult): VirshError {
    const e = r.error;
    if (e?.killed) {
      return new VirshError({
        args,
        exitCode: null,
        stderr: r.stderr,
        kind: 'timeout',
        message: `virsh ${args[0] ?? ''} did not finish in time`,
      });
    }
    if (e?.code === 'ENOENT') {
      return new VirshError({ args, exitCode: null, stderr: `virsh binary not found: ${this.binary}`, kind: 'unreachable' });
    }
    if (e && /maxBuffer/i.test(e.message)) {
      return new VirshError({ args, exitCode: null, stderr: r.stderr, kind: 'other', message: 'virsh output too large' });
    }
    return new VirshError({ args, exitCode: typeof e?.code === 'number' ? e.code : null, stderr: r.stderr });
  }
}

/** Commands whose arguments may carry secrets: only the command name (and domain) are reported. */
const SECRET_COMMANDS = new Set([
  'secret-set-value',
  'set-user-password',
  'qemu-agent-command',
  'qemu-monitor-command',
  'domxml-from-native',
  'send-key',
]);
const SECRET_OPTIONS = new Set(['--password', '--passwd', '--base64', '--secret']);

/** virsh arguments fit to show to an API client: secret-bearing values replaced by "***". */
export function redactArgs(args: string[]): string[] {
  const out: string[] = [];
  let commandName: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i] ?? '';
    if (a === ';') {
      commandName = undefined;
      out.push(a);
      continue;
    }
    if (commandName === undefined) {
      commandName = a;
      out.push(a);
      if (SECRET_COMMANDS.has(a)) {
        // keep the domain (first positional or --domain value), drop the rest up to the next command
        const next = args[i + 1];
        if (next === '--domain' && args[i + 2] !== undefined) out.push(next, args[i + 2] ?? '');
        else if (next !== undefined && next !== ';' && !next.startsWith('-')) out.push(next);
        out.push('***');
        while (i + 1 < args.length && args[i + 1] !== ';') i++;
      }
      continue;
    }
    out.push(a);
    if (SECRET_OPTIONS.has(a) && i + 1 < args.length) {
      out.push('***');
      i++;
    }
  }
  return out;
}

export function redactStderr(stderr: string): string {
  return stderr
    .replace(/(passw(?:or)?d\w*\s*=\s*)(['"])[^'"]*\2/gi, '$1$2***$2')
    .replace(/("password"\s*:\s*)"(?:[^"\\]|\\.)*"/gi, '$1"***"')
    .slice(0, 4000);
}

/** A VirshError as an API error: unreachable → HYPERVISOR_UNAVAILABLE, all else → HYPERVISOR_ERROR with details. */
export function toApiError(e: unknown): ApiError {
  if (!(e instanceof VirshError)) return libToApiError(e);
  if (e.kind === 'unreachable') return new ApiError('HYPERVISOR_UNAVAILABLE');
  const stderr = redactStderr(e.stderr.trim());
  const reason = e.kind === 'timeout' ? 'libvirt did not answer in time.' : (firstErrorLine(stderr) ?? '');
  return new ApiError('HYPERVISOR_ERROR', reason ? `libvirt: ${reason}` : undefined, {
    command: ['virsh', ...redactArgs(e.args)].join(' '),
    stderr,
  });
}
