import './no-ci.ts';
import { Command, Option } from 'commander';
import { PRODUCT_VERSION } from '@quantix/lib/api/version';
import { terminalProfile } from '@quantix/lib/terminal/profile';
import { registry } from './app/registry.ts';
import { runConsole } from './app/run.tsx';
import { bundleDirOf, configFromEnv, resolveConfig, type ConsoleConfigInput } from './config.ts';
import { createEffects } from './effects/index.ts';
import { ttyName } from './tty-name.ts';

const optionKeys = [
  'nodeDataDir',
  'socket',
  'auditLog',
  'stateDir',
  'profile',
  'serial',
  'nodeCommand',
  'nodeUnit',
  'rebootCommand',
  'poweroffCommand',
  'shell',
  'allowExit',
  'apiPort',
  'authMinutes',
  'refreshSeconds',
  'vmShutdownSeconds',
  'releaseFile',
] as const;

const program = new Command('qx-console')
  .description('Quantix Direct Console UI: status and host set-up on TTY1, a serial line or over SSH')
  .version(PRODUCT_VERSION)
  .option('--node-data-dir <dir>', "qx-node's data directory (env QX_DATA_DIR, default /var/lib/quantix/node)")
  .option('--socket <path>', "qx-node's unix socket (env QX_SOCKET, default <node data dir>/qx-node.sock)")
  .option('--audit-log <path>', 'shared audit log (env QX_AUDIT_LOG, default <node data dir>/audit.log)')
  .option('--state-dir <dir>', "the console's own state, e.g. the password lockout (default <node data dir>/console)")
  .addOption(new Option('--profile <profile>', 'terminal profile').choices(['serial', 'linux', 'xterm', 'auto']))
  .option('--serial', 'same as --profile serial: ASCII only, no colour')
  .option('--node-command <command>', 'starts qx-node when there is no systemd (default: node <dir of qx-console.mjs>/qx-node.mjs)')
  .option('--node-unit <unit>', 'systemd unit of qx-node (default qx-node.service)')
  .option('--reboot-command <command>', 'reboots the host (default /sbin/reboot)')
  .option('--poweroff-command <command>', 'powers the host off (default /sbin/poweroff)')
  .option('--shell <command>', 'emergency shell (default "/bin/bash -l", falling back to /bin/sh)')
  .option('--allow-exit', 'Ctrl-C ends the console (never on TTY1)')
  .option('--api-port <port>', "qx-node's HTTPS port, for the management URL (env QX_PORT, default 8443)")
  .option('--auth-minutes <n>', 'how long the admin password counts after the last key press (default 5)')
  .option('--refresh-seconds <n>', 'how often the status screen reads qx-node (default 10)')
  .option('--vm-shutdown-seconds <n>', 'how long running VMs get to shut down before a reboot or power-off (default 120)')
  .option('--release-file <path>', 'file with the installed Quantix version (default /etc/quantix/release)')
  .action(async (opts: Record<string, unknown>) => {
    const fromCli: Record<string, unknown> = {};
    for (const key of optionKeys) if (opts[key] !== undefined) fromCli[key] = opts[key];
    const config = resolveConfig({ ...configFromEnv(process.env), ...fromCli } as ConsoleConfigInput, bundleDirOf(process.argv[1]));
    if (!process.stdin.isTTY || !process.stdout.isTTY) {
      console.error('qx-console: stdin and stdout must be a terminal (TTY1, a serial line, or ssh -t).');
      process.exit(2);
    }
    const tty = ttyName();
    const profile = terminalProfile({ env: process.env, rows: process.stdout.rows, cols: process.stdout.columns, choice: config.profile });
    const effects = await createEffects(config, `console:${tty}`);
    await runConsole({ config, effects, registry, profile, tty, stdin: process.stdin, stdout: process.stdout });
    process.exit(0);
  });

process.on('uncaughtException', (err) => {
  process.stdout.write('\x1b[?25h\r\n');
  console.error(`qx-console: ${err.stack ?? err.message}`);
  process.exit(1);
});

program.parseAsync().catch((err: unknown) => {
  console.error(`qx-console: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
