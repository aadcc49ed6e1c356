import { Hono } from 'hono';
import { shutdownOptions, vmCreate, vmDeleteQuery, vmIdParam, vmPatch, vmPowerAction, vmReplace } from '@quantix/lib/api';
import { createVm } from '../../vms/vm-create.ts';
import { deleteVm } from '../../vms/vm-delete.ts';
import { powerVm } from '../../vms/vm-power.ts';
import type { VmService } from '../../vms/vm-service.ts';
import { updateVm } from '../../vms/vm-update.ts';
import type { AppEnv } from '../types.ts';
import { jsonBody, pathParams, queryParams } from '../validate.ts';

export function vmRoutes(vms: VmService) {
  const app = new Hono<AppEnv>()
    .get('/', (c) => c.json({ items: vms.list() }))
    .post('/', async (c) => c.json(await createVm(vms, await jsonBody(c, vmCreate)), 202))
    .get('/:id', (c) => c.json(vms.get(pathParams(c, vmIdParam).id)))
    .put('/:id', async (c) => {
      const { id } = pathParams(c, vmIdParam);
      return c.json(await updateVm(vms, id, await jsonBody(c, vmReplace)));
    })
    .patch('/:id', async (c) => {
      const { id } = pathParams(c, vmIdParam);
      return c.json(await updateVm(vms, id, await jsonBody(c, vmPatch)));
    })
    .delete('/:id', async (c) => {
      const { id } = pathParams(c, vmIdParam);
      const { force } = queryParams(c, vmDeleteQuery);
      return c.json(await deleteVm(vms, id, force === 'true'), 202);
    });
  for (const action of vmPowerAction.options) {
    app.post(`/:id/${action}`, async (c) => {
      const { id } = pathParams(c, vmIdParam);
      const options = action === 'shutdown' ? await jsonBody(c, shutdownOptions) : shutdownOptions.parse({});
      return c.json(await powerVm(vms, id, action, options), 202);
    });
  }
  return app;
}
