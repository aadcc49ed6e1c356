import './no-ci.ts';
import { readFile } from 'node:fs/promises';
import { Command } from 'commander';
import { resolveAnswerNetwork } from '@quantix/lib/appliance/answer-file';
import { hashPassword } from '@quantix/lib/auth';
import { isApiError } from '@quantix/lib/errors';
import { terminalProfile } from '@quantix/lib/terminal/profile';
import { runInstaller } from './app/run.tsx';
import { InstallerRuntime } from './app/runtime.ts';
import { initialState } from './app/wizard.ts';
import { findAnswer, readAnswerFile, type FoundAnswer } from './engine/answer-source.ts';
import type { EngineConfig } from './engine/config.ts';
import { chooseDisk } from './engine/disks.ts';
import { commandLine } from './engine/exec.ts';
import { planCommands, runInstall, STEP_TITLES, type PlannedCommand } from './engine/install-steps.ts';
import { autoNic } from './engine/nics.ts';
import { ObservedRunner } from './engine/observed-runner.ts';
import { listDisks, listNics } from './engine/probe.ts';
import { readRelease } from './engine/release.ts';
import { cliOptions, engineConfigFrom } from './options.ts';

const say = (line: string) => process.stdout.write(`${line}\n`);
const describeError = (err: unknown) => (isApiError(err) ? `${err.code}: ${err.message}` : err instanceof Error ? err.message : String(err));

function printPlan(plan: PlannedCommand[]): void {
  for (const p of plan) say(`[${p.step}] ${p.line}`);
}

/** --dry-run with an answer file: the plan, nothing touched. */
async function dryRunAnswer(cfg: EngineConfig, runner: ObservedRunner, found: FoundAnswer): Promise<number> {
  const disk = chooseDisk(await listDisks(cfg, runner), found.answer.disk);
  const nics = await listNics(cfg, runner, { bringUp: false });
  const network = found.answer.network ? resolveAnswerNetwork(found.answer.network, () => autoNic(nics)) : null;
  say(`# answer file: ${found.origin}`);
  say(`# disk: ${disk.path} (${disk.sizeBytes} bytes)`);
  say(`# network: ${JSON.stringify(network)}`);
  printPlan(planCommands(cfg, { disk: disk.path, network, adminHash: found.answer.admin ? '<scrypt hash>' : null, boot: found.answer.boot ?? null, finish: found.answer.finish }, disk.sizeBytes));
  return 0;
}

/** Unattended without a terminal: progress as lines. */
async function headless(cfg: EngineConfig, runner: ObservedRunner, found: FoundAnswer): Promise<number> {
  const { answer } = found;
  const disk = chooseDisk(await listDisks(cfg, runner), answer.disk);
  const nics = await listNics(cfg, runner);
  const network = answer.network ? resolveAnswerNetwork(answer.network, () => autoNic(nics)) : null;
  const adminHash = answer.admin ? (answer.admin.passwordHash ?? (await hashPassword(answer.admin.password!))) : null;
  say(`qx-installer: unattended install from ${found.origin} onto ${disk.path}`);
  const result = await runInstall({
    cfg,
    runner,
    target: { disk: disk.path, network, adminHash, boot: answer.boot ?? null, finish: answer.finish },
    onEvent: (e) => {
      if (e.type === 'start') say(`qx-installer: ${STEP_TITLES[e.step]}...`);
      if (e.type === 'done') say(`qx-installer: ${STEP_TITLES[e.step]}: done`);
    },
  });
  if (!result.ok) {
    const f = result.failure;
    console.error(`qx-installer: ${STEP_TITLES[f.step]} failed: ${f.code}: ${f.message}`);
    if (f.command) console.error(`  command: ${f.command}`);
    if (f.stderrTail) console.error(`  ${f.stderrTail.split('\n').join('\n  ')}`);
    console.error(`  ${f.cleanup}; log: ${f.logFile}`);
    return 1;
  }
  const argv = answer.finish === 'poweroff' ? cfg.poweroffCommand : cfg.rebootCommand;
  say(`qx-installer: installed; ${commandLine(argv)}`);
  await runner.run(argv, { allowFail: true });
  return 0;
}

const program = new Command('qx-installer')
  .description('Installs Quantix from the live medium onto a disk: a wizard, or unattended from an answer file')
  .option('--answer <file>', 'answer file (JSON or YAML): install without questions')
  .option('--dry-run', 'touch nothing: show (or with --answer, print) every command the install would run')
  .option('--serial', 'serial-line terminal: ASCII only, no colour')
  .option('--medium <dir>', 'the mounted live medium (default /run/quantix/medium)')
  .option('--grub-dir <dir>', 'GRUB sources: grub.cfg, early.cfg.in (default /usr/share/quantix/grub)')
  .option('--log <file>', 'install log (default /run/quantix/installer.log)')
  .option('--release-file <file>', 'release of the live system (default /etc/quantix/release)')
  .option('--cmdline-file <file>', 'kernel command line to read quantix.answer= from (default /proc/cmdline)')
  .option('--reboot-command <command>', 'reboots the machine (default /sbin/reboot)')
  .option('--poweroff-command <command>', 'powers the machine off (default /sbin/poweroff)')
  .option('--include-loop', 'also offer loop devices as targets (installing into an image file)')
  .action(async (raw: Record<string, unknown>) => {
    const opts = cliOptions.parse(Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined)));
    const cfg = engineConfigFrom(opts);
    const runner = new ObservedRunner(cfg.logFile);
    const release = await readRelease(cfg.releaseFile).catch((err: unknown) => {
      runner.log(`release: ${describeError(err)}`);
      return null;
    });
    runner.log(`qx-installer ${release ? `${release.NAME} ${release.VERSION} (${release.BUILD_ID})` : '(no release file)'} ${process.argv.slice(2).join(' ')}`);

    let found: FoundAnswer | null = null;
    let answerError: string | null = null;
    try {
      if (opts.answer) found = await readAnswerFile(opts.answer);
      else found = await findAnswer({ cmdline: await readFile(cfg.cmdlineFile, 'utf8').catch(() => ''), mediumDir: cfg.mediumDir, runner });
    } catch (err) {
      answerError = describeError(err);
      runner.log(`answer file: ${answerError}`);
    }

    const tty = process.stdin.isTTY && process.stdout.isTTY;
    if (opts.dryRun && (found || answerError)) {
      if (answerError) throw new Error(answerError);
      process.exit(await dryRunAnswer(cfg, runner, found!));
    }
    if (!tty) {
      if (answerError) throw new Error(answerError);
      if (!found) {
        console.error('qx-installer: stdin and stdout must be a terminal for the wizard; give --answer FILE to install without one.');
        process.exit(2);
      }
      process.exit(await headless(cfg, runner, found));
    }

    const profile = terminalProfile({ env: process.env, rows: process.stdout.rows, cols: process.stdout.columns, choice: opts.serial ? 'serial' : 'auto' });
    const initial = initialState({ product: release?.NAME ?? 'Quantix', version: release?.VERSION ?? '(unknown version)', dryRun: opts.dryRun ?? false });
    const runtime = new InstallerRuntime({ cfg, runner, initial });
    runner.listener = (line) => runtime.dispatch({ type: 'log', line });
    if (answerError) runtime.dispatch({ type: 'fatal', title: 'The answer file cannot be used', lines: [answerError, `Log: ${cfg.logFile}`] });
    else if (found) void runtime.startUnattended(found);
    else runtime.startInteractive();
    const wantPlan = await runInstaller(runtime, profile, process.stdin, process.stdout);
    if (wantPlan) printPlan(runtime.getState().plan);
    process.exit(0);
  });

process.on('uncaughtException', (err) => {
  process.stdout.write('\x1b[?25h\r\n');
  console.error(`qx-installer: ${err.stack ?? err.message}`);
  process.exit(1);
});

program.parseAsync().catch((err: unknown) => {
  console.error(`qx-installer: ${describeError(err)}`);
  process.exit(1);
});
