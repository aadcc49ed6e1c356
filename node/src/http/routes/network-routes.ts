import { Hono } from 'hono';
import { networkApply } from '@quantix/lib/api';
import type { NetworkService } from '../../network/network-service.ts';
import type { AppEnv } from '../types.ts';
import { jsonBody } from '../validate.ts';
import { actorOf } from './actor.ts';

/** The management network (mounted at /api/v1/host/network, behind auth): what the console's F2 screen drives. */
export function networkRoutes(net: NetworkService) {
  return new Hono<AppEnv>()
    .get('/', async (c) => c.json(await net.state()))
    .post('/apply', async (c) => c.json(await net.apply(await jsonBody(c, networkApply), actorOf(c)), 202))
    .post('/confirm', async (c) => c.json(await net.confirm(actorOf(c))))
    .post('/test', async (c) => c.json(await net.test()));
}
