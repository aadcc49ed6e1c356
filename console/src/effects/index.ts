import { join } from 'node:path';
import type { ConsoleConfig } from '../config.ts';
import { FileAuditTrail, type AuditTrail } from './audit.ts';
import { StoreFileAuthenticator, type Authenticator } from './authenticator.ts';
import { ProcLocalStatus, type LocalStatus } from './local-status.ts';
import { FileLogReader, type LogReader } from './log-reader.ts';
import { SocketNodeApi, type NodeApi } from './node-api.ts';
import { CommandPowerControl, type PowerControl } from './power-control.ts';
import { ProcessServiceControl, SystemdServiceControl, systemdIsInit, type ServiceControl } from './service-control.ts';
import { SpawnShellLauncher, type ShellLauncher } from './shell-launcher.ts';

/** Every side effect a screen may cause, behind a small interface each. */
export interface Effects {
  node: NodeApi;
  local: LocalStatus;
  auth: Authenticator;
  audit: AuditTrail;
  services: ServiceControl;
  power: PowerControl;
  shell: ShellLauncher;
  logs: LogReader;
}

/** The environment qx-node gets when the console starts it: the console's, pointed at the same files. */
export function nodeEnv(config: ConsoleConfig, env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return { ...env, QX_DATA_DIR: config.nodeDataDir, QX_SOCKET: config.socket, QX_AUDIT_LOG: config.auditLog, QX_LOG_FILE: config.nodeLogFile };
}

export async function createEffects(config: ConsoleConfig, actor: string): Promise<Effects> {
  const services: ServiceControl = (await systemdIsInit())
    ? new SystemdServiceControl(config.nodeUnit, config.socket)
    : new ProcessServiceControl({
        pidFile: config.nodePidFile,
        socketPath: config.socket,
        command: config.nodeCommand,
        env: nodeEnv(config),
        outputFile: join(config.stateDir, 'qx-node.out.log'),
      });
  return {
    node: new SocketNodeApi(config.socket),
    local: new ProcLocalStatus({ release: config.releaseFile }),
    auth: new StoreFileAuthenticator({ storeFile: config.nodeStoreFile, stateFile: join(config.stateDir, 'auth-state.json') }),
    audit: new FileAuditTrail(config.auditLog, actor),
    services,
    power: new CommandPowerControl({ reboot: config.rebootCommand, poweroff: config.poweroffCommand }),
    shell: new SpawnShellLauncher(config.shell),
    logs: new FileLogReader(),
  };
}
