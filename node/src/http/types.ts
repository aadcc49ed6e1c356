import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Principal } from '../auth/auth-service.ts';

export type Transport = 'tcp' | 'unix';

export interface AppEnv {
  Bindings: { incoming: IncomingMessage; outgoing: ServerResponse; transport: Transport };
  Variables: { principal: Principal };
}
