import { resolveAnswerNetwork } from '@quantix/lib/appliance/answer-file';
import { hashPassword } from '@quantix/lib/auth';
import { isCtrlC, KeyDecoder } from '@quantix/lib/terminal/keymap';
import { parseForm } from '@quantix/lib/tui/network-form';
import type { FoundAnswer } from '../engine/answer-source.ts';
import type { EngineConfig } from '../engine/config.ts';
import { chooseDisk } from '../engine/disks.ts';
import type { Runner } from '../engine/exec.ts';
import { finishArgv, planCommands, runInstall, type InstallTarget } from '../engine/install-steps.ts';
import { autoNic } from '../engine/nics.ts';
import { listDisks, listNics } from '../engine/probe.ts';
import { update, type Action, type Effect, type WizardState } from './wizard.ts';

export interface RuntimeOptions {
  cfg: EngineConfig;
  runner: Runner;
  initial: WizardState;
  /** How long an unattended install shows "done" before the power action. */
  finishDelayMs?: number;
}

/** Holds the wizard state, turns input into keys and performs the effects the wizard asks for. */
export class InstallerRuntime {
  private state: WizardState;
  private readonly listeners = new Set<() => void>();
  private readonly decoder: KeyDecoder;
  private quit: (printPlan: boolean) => void = () => undefined;
  /** Resolves when the installer should end; true when the dry run's plan should be printed. */
  readonly exited: Promise<boolean>;

  constructor(private readonly o: RuntimeOptions) {
    this.state = o.initial;
    this.exited = new Promise((resolve) => (this.quit = resolve));
    this.decoder = new KeyDecoder((key) => {
      if (isCtrlC(key)) {
        if (this.state.phase !== 'installing') this.quit(false);
        return;
      }
      this.dispatch({ type: 'key', key });
    });
  }

  getState = (): WizardState => this.state;

  subscribe = (fn: () => void): (() => void) => {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  };

  input = (chunk: string | Buffer): void => this.decoder.push(chunk);

  dispatch = (action: Action): void => {
    const [next, effect] = update(this.state, action);
    this.state = next;
    for (const fn of this.listeners) fn();
    if (effect) void this.perform(effect);
  };

  /** The interactive wizard: read disks and NICs in the background. */
  startInteractive(): void {
    void this.perform('rescan');
    listNics(this.o.cfg, this.o.runner, { bringUp: !this.state.dryRun })
      .then((nics) => this.dispatch({ type: 'nics', nics }))
      .catch((err: Error) => this.o.runner.log(`reading NICs failed: ${err.message}`));
  }

  /** Unattended: the answer file answers every question; the install starts at once. */
  async startUnattended(found: FoundAnswer): Promise<void> {
    const { answer } = found;
    let target: InstallTarget;
    try {
      const disk = chooseDisk(await listDisks(this.o.cfg, this.o.runner), answer.disk);
      const nics = await listNics(this.o.cfg, this.o.runner);
      const resolved = answer.network ? resolveAnswerNetwork(answer.network, () => autoNic(nics)) : null;
      const adminHash = answer.admin ? (answer.admin.passwordHash ?? (await hashPassword(answer.admin.password!))) : null;
      this.dispatch({ type: 'nics', nics });
      this.dispatch({ type: 'unattended', origin: found.origin, disk, network: resolved, finish: answer.finish });
      target = { disk: disk.path, network: resolved, adminHash, boot: answer.boot ?? null, finish: answer.finish };
    } catch (err) {
      this.o.runner.log(`unattended install cannot start: ${(err as Error).message}`);
      this.dispatch({ type: 'fatal', title: 'The answer file cannot be used', lines: [`From: ${found.origin}`, (err as Error).message] });
      return;
    }
    const result = await runInstall({ cfg: this.o.cfg, runner: this.o.runner, target, onEvent: (event) => this.dispatch({ type: 'install', event }) });
    if (!result.ok) return;
    await new Promise((r) => setTimeout(r, this.o.finishDelayMs ?? 5000));
    await this.perform(answer.finish);
  }

  private async perform(effect: Effect): Promise<void> {
    const { cfg, runner } = this.o;
    switch (effect) {
      case 'rescan':
        try {
          this.dispatch({ type: 'disks', disks: await listDisks(cfg, runner) });
        } catch (err) {
          this.dispatch({ type: 'disksFailed', message: `Reading the disks failed: ${(err as Error).message}` });
        }
        return;
      case 'plan':
      case 'install': {
        const s = this.state;
        const network = parseForm(s.net).config;
        if (s.disk === null || network === null) return;
        const target: InstallTarget = { disk: s.disk.path, network, adminHash: '', finish: 'reboot' };
        if (effect === 'plan') {
          this.dispatch({ type: 'plan', plan: planCommands(cfg, target, s.disk.sizeBytes) });
          return;
        }
        target.adminHash = await hashPassword(s.password[0]);
        await runInstall({ cfg, runner, target, onEvent: (event) => this.dispatch({ type: 'install', event }) });
        return;
      }
      case 'reboot':
      case 'poweroff': {
        this.dispatch({ type: 'finishing', action: effect });
        const r = await runner.run(['sync'], { allowFail: true }).then(() => runner.run(finishArgv(cfg, effect), { allowFail: true }));
        if (r.code !== 0) this.dispatch({ type: 'fatal', title: `${effect === 'reboot' ? 'Reboot' : 'Power-off'} failed`, lines: [`${finishArgv(cfg, effect).join(' ')} exited with ${r.code}`, r.stderr.trim()] });
        return;
      }
      case 'quit':
        this.quit(this.state.phase === 'plan');
        return;
    }
  }
}
