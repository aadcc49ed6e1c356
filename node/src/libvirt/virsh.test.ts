import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '@quantix/lib/errors';
import {
  STDERR_FRAME,
  Virsh,
  VirshError,
  buildBatchScript,
  classifyVirshError,
  quoteVirshArg,
  redactArgs,
  splitBatchOutput,
  toApiError,
  virshCommandString,
  type VirshErrorKind,
} from './virsh.ts';

const fixture = (name: string) => readFile(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

interface RecordedError {
  args: string[];
  exitCode: number;
  stderr: string;
}

describe('classifyVirshError (recorded libvirt 9.0 stderr)', () => {
  // Keyed by the command recorded in fixtures/virsh-errors.json.
  const expected: Record<string, VirshErrorKind> = {
    'dumpxml --domain qx-itest-nonexist': 'not-found',
    'domstate --domain 00000000-0000-0000-0000-000000000000 --reason': 'not-found',
    'pool-info --pool qx-itest-nonexist': 'not-found',
    'vol-info --vol /nonexist/x.qcow2': 'not-found',
    'vol-delete --vol /tmp/qx-nothing.qcow2': 'not-found',
    'destroy --domain qx-itest-fx-d': 'invalid-operation',
    'shutdown --domain qx-itest-fx-d': 'invalid-operation',
    'suspend --domain qx-itest-fx-d': 'invalid-operation',
    'resume --domain qx-itest-fx-a': 'invalid-operation',
    'start --domain qx-itest-fx-a': 'invalid-operation',
    'domdisplay --domain qx-itest-fx-d': 'invalid-operation',
    'define --file /tmp/qxlv/a.xml': 'other',
    'define --file /dev/stdin': 'other',
    'list --bogus': 'other',
    frobnicate: 'other',
    list: 'unreachable',
  };

  it('maps every recorded error to its kind', async () => {
    const recorded = JSON.parse(await fixture('virsh-errors.json')) as RecordedError[];
    expect(recorded.length).toBe(17);
    for (const r of recorded) {
      expect(r.exitCode).toBe(1);
      const key = r.args.slice(3).join(' ');
      const kind = expected[key];
      expect(kind, `no expectation for ${key}`).toBeDefined();
      expect(classifyVirshError(r.stderr), `${key}: ${r.stderr}`).toBe(kind);
    }
  });

  it('treats a dropped connection as unreachable', () => {
    expect(classifyVirshError('error: End of file while reading data: Input/output error')).toBe('unreachable');
    expect(classifyVirshError("error: Disconnected from qemu:///system due to end of file\nerror: internal error: client socket is closed\n")).toBe(
      'unreachable',
    );
  });

  it('uses the last error line (the libvirt reason) as the message', async () => {
    const recorded = JSON.parse(await fixture('virsh-errors.json')) as RecordedError[];
    const pool = recorded.find((r) => r.args.includes('pool-info'));
    const e = new VirshError({ args: ['pool-info'], exitCode: 1, stderr: pool?.stderr ?? '' });
    expect(e.message).toBe("Storage pool not found: no storage pool with matching name 'qx-itest-nonexist'");
    expect(e.kind).toBe('not-found');
  });
});

describe('quoteVirshArg / virshCommandString', () => {
  it('leaves plain tokens alone', () => {
    expect(quoteVirshArg('domstate')).toBe('domstate');
    expect(quoteVirshArg('--domain')).toBe('--domain');
    expect(quoteVirshArg('/var/lib/x.qcow2')).toBe('/var/lib/x.qcow2');
    expect(quoteVirshArg('qemu:///system')).toBe('qemu:///system');
  });

  it('single-quotes everything else, writing a quote as \'\\\'\'', () => {
    expect(quoteVirshArg('')).toBe("''");
    expect(quoteVirshArg('a b')).toBe("'a b'");
    expect(quoteVirshArg('a;b')).toBe("'a;b'");
    expect(quoteVirshArg('#x')).toBe("'#x'");
    expect(quoteVirshArg("it's")).toBe("'it'\\''s'");
    expect(quoteVirshArg('a\nb')).toBe("'a\nb'");
  });

  it('matches what real virsh echoed back for a hostile argument', () => {
    // Recorded: virsh "echo 'a b'\''c\"d;e\\f#g' …" printed  a b'c"d;e\f#g
    expect(quoteVirshArg('a b\'c"d;e\\f#g')).toBe("'a b'\\''c\"d;e\\f#g'");
  });

  it('refuses NUL', () => {
    expect(() => quoteVirshArg('a\0b')).toThrow(/NUL/);
  });

  it('joins commands with " ; "', () => {
    expect(virshCommandString([['list', '--all'], ['echo', 'x y']])).toBe("list --all ; echo 'x y'");
  });
});

describe('batch framing', () => {
  it('builds echo-marker and cd frames after each command', () => {
    expect(buildBatchScript([['version'], ['list', '--all']], 'M1')).toBe('version ; echo M1 ; cd ; list --all ; echo M1 ; cd');
  });

  it('splits a recorded batch run into per-command results', async () => {
    const raw = JSON.parse(await fixture('batch-raw.json')) as {
      commands: string[][];
      marker: string;
      script: string;
      stdout: string;
      stderr: string;
    };
    expect(buildBatchScript(raw.commands, raw.marker)).toBe(raw.script);
    const results = splitBatchOutput(raw.commands, raw.marker, raw.stdout, raw.stderr);
    expect(results).not.toBeNull();
    const [state, missing, names, stats] = results ?? [];
    expect(state).toEqual({ ok: true, stdout: 'running (booted)\n' });
    expect(missing?.ok).toBe(false);
    if (missing && !missing.ok) {
      expect(missing.error.kind).toBe('not-found');
      expect(missing.error.args).toEqual(['domstate', '--domain', 'qx-itest-nonexist']);
      expect(missing.error.stderr).toBe("error: failed to get domain 'qx-itest-nonexist'\n");
    }
    expect(names?.ok && names.stdout.trim().split('\n')).toHaveLength(5);
    expect(stats?.ok && stats.stdout).toMatch(/^Domain: 'qx-itest-fx-uefi'\n {2}state\.state=1/);
  });

  it('reports broken framing (virsh rejected the whole string) as null', () => {
    const stderr = "error: command 'list' doesn't support option --bogus\n";
    expect(splitBatchOutput([['list', '--bogus'], ['version']], 'M', '', stderr)).toBeNull();
  });

  it('uses the exact stderr line virsh prints for cd', () => {
    expect(STDERR_FRAME).toBe('error: cd: command valid only in interactive mode');
  });
});

describe('redaction and API errors', () => {
  it('hides secret-bearing commands and option values', () => {
    expect(redactArgs(['set-user-password', '--domain', 'vm1', '--user', 'root', '--password', 'hunter2'])).toEqual([
      'set-user-password',
      '--domain',
      'vm1',
      '***',
    ]);
    expect(redactArgs(['qemu-agent-command', 'vm1', '{"execute":"guest-set-user-password"}'])).toEqual([
      'qemu-agent-command',
      'vm1',
      '***',
    ]);
    expect(redactArgs(['secret-set-value', '--secret', 'abc', '--base64', 'c2VjcmV0'])).toEqual(['secret-set-value', '***']);
    expect(redactArgs(['domstate', '--domain', 'vm1', ';', 'qemu-agent-command', 'vm1', 'x'])).toEqual([
      'domstate',
      '--domain',
      'vm1',
      ';',
      'qemu-agent-command',
      'vm1',
      '***',
    ]);
    expect(redactArgs(['start', '--domain', 'vm1'])).toEqual(['start', '--domain', 'vm1']);
  });

  it('maps unreachable to HYPERVISOR_UNAVAILABLE without details', () => {
    const e = new VirshError({
      args: ['list'],
      exitCode: 1,
      stderr: "error: failed to connect to the hypervisor\nerror: Failed to connect socket to '/run/libvirt/libvirt-sock': No such file or directory\n",
    });
    const api = toApiError(e);
    expect(api.code).toBe('HYPERVISOR_UNAVAILABLE');
    expect(api.status).toBe(503);
    expect(api.details).toBeUndefined();
  });

  it('maps other kinds to HYPERVISOR_ERROR with the command and stderr, secrets removed', () => {
    const e = new VirshError({
      args: ['start', '--domain', 'vm1'],
      exitCode: 1,
      stderr: 'error: Domain is already active\n',
    });
    const api = toApiError(e);
    expect(api.code).toBe('HYPERVISOR_ERROR');
    expect(api.status).toBe(502);
    expect(api.message).toBe('libvirt: Domain is already active');
    expect(api.details).toEqual({ command: 'virsh start --domain vm1', stderr: 'error: Domain is already active' });

    const leaky = toApiError(
      new VirshError({
        args: ['set-user-password', 'vm1', 'root', 'hunter2'],
        exitCode: 1,
        stderr: "error: XML error: <graphics type='vnc' passwd='s3cret'/> invalid\n",
      }),
    );
    expect(JSON.stringify(leaky.toEnvelope())).not.toMatch(/hunter2|s3cret/);
  });

  it('passes ApiErrors through and hides unknown errors', () => {
    const own = new ApiError('VM_NOT_FOUND');
    expect(toApiError(own)).toBe(own);
    const hidden = toApiError(new Error('secret internals'));
    expect(hidden.code).toBe('INTERNAL');
    expect(hidden.message).not.toMatch(/secret/);
  });
});

describe('Virsh process handling (fake virsh binary)', () => {
  let dir: string;
  let fake: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'qx-fake-virsh-'));
    fake = join(dir, 'virsh');
    // Records its argv and environment, then behaves according to the command.
    await writeFile(
      fake,
      [
        '#!/bin/sh',
        `printf '%s\\n' "$@" > "${dir}/argv"`,
        `printf '%s' "$LC_ALL" > "${dir}/lc_all"`,
        'for last; do :; done',
        'case "$last" in',
        '  sleep) sleep 5 ;;',
        '  fail) echo "error: failed to get domain \'x\'" >&2; exit 1 ;;',
        '  *) cat; echo "ok:$last" ;;',
        'esac',
        '',
      ].join('\n'),
    );
    await chmod(fake, 0o755);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('passes -c URI -q and the arguments as argv, with LC_ALL=C, and returns stdout', async () => {
    const v = new Virsh({ binary: fake, uri: 'qemu+unix:///system?socket=/x y' });
    const out = await v.run(['domstate', '--domain', "name with 'quotes' ; rm -rf /", 'go'], { input: 'IN\n' });
    expect(out).toBe('IN\nok:go\n');
    expect((await readFile(join(dir, 'argv'), 'utf8')).split('\n').slice(0, -1)).toEqual([
      '-c',
      'qemu+unix:///system?socket=/x y',
      '-q',
      'domstate',
      '--domain',
      "name with 'quotes' ; rm -rf /",
      'go',
    ]);
    expect(await readFile(join(dir, 'lc_all'), 'utf8')).toBe('C');
  });

  it('quotes a lone argument, which virsh would parse as a command string', async () => {
    await new Virsh({ binary: fake }).run(['a b']);
    expect((await readFile(join(dir, 'argv'), 'utf8')).trim().split('\n').pop()).toBe("'a b'");
  });

  it('throws a classified VirshError on failure', async () => {
    const err = await new Virsh({ binary: fake }).run(['x', 'fail']).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VirshError);
    expect(err).toMatchObject({ kind: 'not-found', exitCode: 1, args: ['x', 'fail'] });
  });

  it('kills a command that overruns its timeout', async () => {
    const t0 = Date.now();
    const err = await new Virsh({ binary: fake, timeoutMs: 5000 }).run(['x', 'sleep'], { timeoutMs: 150 }).catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'timeout', exitCode: null });
    expect(Date.now() - t0).toBeLessThan(3000);
  });

  it('reports a missing binary as unreachable', async () => {
    const err = await new Virsh({ binary: join(dir, 'nope') }).run(['list', '--all']).catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'unreachable' });
  });
});
