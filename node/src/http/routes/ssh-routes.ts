import { Hono } from 'hono';
import { sshUpdate } from '@quantix/lib/api';
import type { SshService } from '../../ssh/ssh-service.ts';
import type { AppEnv } from '../types.ts';
import { jsonBody } from '../validate.ts';
import { actorOf } from './actor.ts';

/** Mounted at /api/v1/ssh, behind auth. */
export function sshRoutes(ssh: SshService) {
  return new Hono<AppEnv>()
    .get('/', (c) => c.json(ssh.state()))
    .put('/', async (c) => {
      const update = await jsonBody(c, sshUpdate);
      return c.json(await ssh.update(update, actorOf(c)));
    });
}
