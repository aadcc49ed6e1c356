import { Hono } from 'hono';
import { PRODUCT_VERSION, type RegistrationPing } from '@quantix/lib/api';
import type { RegistrationService } from '../../registration/registration-service.ts';
import type { AppEnv } from '../types.ts';
import { actorOf } from './actor.ts';

export function publicRegistrationRoutes(registration: RegistrationService) {
  return new Hono<AppEnv>()
    .get('/ping', (c) =>
      c.json({ status: 'ok', product: 'Quantix', version: PRODUCT_VERSION, time: new Date().toISOString() } satisfies RegistrationPing),
    )
    .get('/discovery', async (c) => {
      const token = /^Registration\s+(\S+)$/i.exec(c.req.header('authorization') ?? '')?.[1];
      return c.json(await registration.discovery(token));
    });
}

export function registrationRoutes(registration: RegistrationService) {
  return new Hono<AppEnv>()
    .get('/token', async (c) => c.json(await registration.current(actorOf(c))))
    .post('/token', async (c) => c.json(await registration.regenerate(actorOf(c)), 201));
}
