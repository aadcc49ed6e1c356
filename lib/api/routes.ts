import { z } from 'zod';
import { apiTokenCreate, apiTokenCreated, apiTokenList, loginRequest, loginResponse, passwordChange, tokenIdParam } from './auth.ts';
import { errorEnvelope } from './error.ts';
import { eventsQuery } from './event.ts';
import { host } from './host.ts';
import { job, jobIdParam, jobList } from './job.ts';
import { registrationPing } from './registration.ts';
import { shutdownOptions, vm, vmCreate, vmDeleteQuery, vmIdParam, vmList, vmPatch, vmPowerAction, vmReplace } from './vm.ts';

export interface RouteDef {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** OpenAPI style: /api/v1/vms/{id} */
  path: string;
  operationId: string;
  summary: string;
  tag: string;
  auth: boolean;
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  responses: Record<number, { description: string; schema?: z.ZodType }>;
}

const accepted = { 202: { description: 'Accepted: follow the job', schema: job } };

const powerRoutes: RouteDef[] = vmPowerAction.options.map((action) => ({
  method: 'post',
  path: `/api/v1/vms/{id}/${action}`,
  operationId: `vm${action[0]!.toUpperCase()}${action.slice(1)}`,
  summary: {
    start: 'Power the VM on',
    stop: 'Power the VM off at once (pull the plug)',
    shutdown: 'Ask the guest to shut down (ACPI, or the guest agent when it answers)',
    reboot: 'Ask the guest to reboot',
    reset: 'Reset the VM at once (press the reset button)',
    pause: 'Freeze the VM in memory',
    resume: 'Unfreeze a paused VM',
  }[action],
  tag: 'vms',
  auth: true,
  params: vmIdParam,
  ...(action === 'shutdown' ? { body: shutdownOptions } : {}),
  responses: { ...accepted, 409: { description: 'Not possible in the current power state', schema: errorEnvelope } },
}));

export const routes: RouteDef[] = [
  {
    method: 'get',
    path: '/api/v1/registration/ping',
    operationId: 'registrationPing',
    summary: 'Is this a Quantix node, and which version (no auth)',
    tag: 'registration',
    auth: false,
    responses: { 200: { description: 'The node answers', schema: registrationPing } },
  },
  {
    method: 'post',
    path: '/api/v1/auth/login',
    operationId: 'login',
    summary: 'Exchange the admin password for a bearer token that expires',
    tag: 'auth',
    auth: false,
    body: loginRequest,
    responses: {
      200: { description: 'Logged in', schema: loginResponse },
      401: { description: 'Wrong password', schema: errorEnvelope },
      429: { description: 'Locked out after repeated failures', schema: errorEnvelope },
    },
  },
  {
    method: 'post',
    path: '/api/v1/auth/logout',
    operationId: 'logout',
    summary: 'Revoke the bearer token of this request',
    tag: 'auth',
    auth: true,
    responses: { 204: { description: 'Logged out' } },
  },
  {
    method: 'post',
    path: '/api/v1/auth/password',
    operationId: 'changePassword',
    summary: 'Change the admin password; ends every login session',
    tag: 'auth',
    auth: true,
    body: passwordChange,
    responses: { 204: { description: 'Changed' }, 401: { description: 'Current password wrong', schema: errorEnvelope } },
  },
  {
    method: 'get',
    path: '/api/v1/auth/tokens',
    operationId: 'listApiTokens',
    summary: 'List API tokens for scripts',
    tag: 'auth',
    auth: true,
    responses: { 200: { description: 'Tokens, without their secrets', schema: apiTokenList } },
  },
  {
    method: 'post',
    path: '/api/v1/auth/tokens',
    operationId: 'createApiToken',
    summary: 'Create an API token; its secret is shown once',
    tag: 'auth',
    auth: true,
    body: apiTokenCreate,
    responses: { 201: { description: 'Created', schema: apiTokenCreated } },
  },
  {
    method: 'delete',
    path: '/api/v1/auth/tokens/{id}',
    operationId: 'deleteApiToken',
    summary: 'Revoke an API token',
    tag: 'auth',
    auth: true,
    params: tokenIdParam,
    responses: { 204: { description: 'Revoked' } },
  },
  {
    method: 'get',
    path: '/api/v1/host',
    operationId: 'getHost',
    summary: 'Hardware, hypervisor and storage of this host',
    tag: 'host',
    auth: true,
    responses: { 200: { description: 'The host', schema: host } },
  },
  {
    method: 'get',
    path: '/api/v1/vms',
    operationId: 'listVms',
    summary: 'All VMs on this host with their power state',
    tag: 'vms',
    auth: true,
    responses: { 200: { description: 'VMs', schema: vmList } },
  },
  {
    method: 'post',
    path: '/api/v1/vms',
    operationId: 'createVm',
    summary: 'Create a VM (disks, domain) and by default power it on',
    tag: 'vms',
    auth: true,
    body: vmCreate,
    responses: { ...accepted, 400: { description: 'Invalid', schema: errorEnvelope }, 409: { description: 'Name taken', schema: errorEnvelope } },
  },
  {
    method: 'get',
    path: '/api/v1/vms/{id}',
    operationId: 'getVm',
    summary: 'One VM',
    tag: 'vms',
    auth: true,
    params: vmIdParam,
    responses: { 200: { description: 'The VM', schema: vm }, 404: { description: 'No such VM', schema: errorEnvelope } },
  },
  {
    method: 'put',
    path: '/api/v1/vms/{id}',
    operationId: 'replaceVm',
    summary: 'Replace the editable configuration; a running VM sees it at next power-on',
    tag: 'vms',
    auth: true,
    params: vmIdParam,
    body: vmReplace,
    responses: { 200: { description: 'The VM', schema: vm } },
  },
  {
    method: 'patch',
    path: '/api/v1/vms/{id}',
    operationId: 'patchVm',
    summary: 'Change some of the configuration; a running VM sees it at next power-on',
    tag: 'vms',
    auth: true,
    params: vmIdParam,
    body: vmPatch,
    responses: { 200: { description: 'The VM', schema: vm } },
  },
  {
    method: 'delete',
    path: '/api/v1/vms/{id}',
    operationId: 'deleteVm',
    summary: 'Delete a VM and its disks (force=true powers a running VM off first)',
    tag: 'vms',
    auth: true,
    params: vmIdParam,
    query: vmDeleteQuery,
    responses: { ...accepted, 409: { description: 'VM is running', schema: errorEnvelope } },
  },
  ...powerRoutes,
  {
    method: 'get',
    path: '/api/v1/jobs',
    operationId: 'listJobs',
    summary: 'Recent jobs, newest first',
    tag: 'jobs',
    auth: true,
    responses: { 200: { description: 'Jobs', schema: jobList } },
  },
  {
    method: 'get',
    path: '/api/v1/jobs/{id}',
    operationId: 'getJob',
    summary: 'One job with its progress',
    tag: 'jobs',
    auth: true,
    params: jobIdParam,
    responses: { 200: { description: 'The job', schema: job }, 404: { description: 'No such job', schema: errorEnvelope } },
  },
  {
    method: 'post',
    path: '/api/v1/jobs/{id}/cancel',
    operationId: 'cancelJob',
    summary: 'Cancel a queued or running job; what it did so far is rolled back',
    tag: 'jobs',
    auth: true,
    params: jobIdParam,
    responses: { 202: { description: 'Cancellation requested', schema: job } },
  },
  {
    method: 'get',
    path: '/api/v1/events',
    operationId: 'events',
    summary: 'WebSocket: VM state changes and job progress, resumable with ?since=<cursor>',
    tag: 'events',
    auth: true,
    query: eventsQuery,
    responses: { 101: { description: 'Switching to WebSocket; each message is one Event as JSON' } },
  },
];
