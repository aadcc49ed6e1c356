import { authScreen } from '../screens/auth/index.ts';
import { clusterScreen } from '../screens/cluster/index.ts';
import { diagnosticsScreen } from '../screens/diagnostics/index.ts';
import { networkScreen } from '../screens/network/index.ts';
import { powerScreen } from '../screens/power/index.ts';
import { servicesScreen } from '../screens/services/index.ts';
import { shellScreen } from '../screens/shell/index.ts';
import { sshScreen } from '../screens/ssh/index.ts';
import { statusScreen } from '../screens/status/index.ts';
import type { Registry } from './screen.ts';

/** Every screen of the console, by id. */
export const registry: Registry = {
  status: statusScreen,
  auth: authScreen,
  network: networkScreen,
  ssh: sshScreen,
  cluster: clusterScreen,
  services: servicesScreen,
  diagnostics: diagnosticsScreen,
  power: powerScreen,
  shell: shellScreen,
};
