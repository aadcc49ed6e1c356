import { z } from 'zod';
import { apiToken, apiTokenCreate, apiTokenCreated, apiTokenList, loginRequest, loginResponse, passwordChange } from './auth.ts';
import { errorEnvelope } from './error.ts';
import { event } from './event.ts';
import { host } from './host.ts';
import { job, jobList } from './job.ts';
import { registrationDiscovery, registrationPing, registrationToken } from './registration.ts';
import { managementNetwork, networkApply, networkState, networkTestResult } from './network.ts';
import { sshState, sshUpdate } from './ssh.ts';
import { systemReboot, systemRebootAccepted, systemState } from './system.ts';
import { routes } from './routes.ts';
import { shutdownOptions, vm, vmCreate, vmList, vmPatch, vmReplace } from './vm.ts';

/** Schemas that get a name in components/schemas; requests are described as clients send them. */
const requestComponents = { VmCreate: vmCreate, VmReplace: vmReplace, VmPatch: vmPatch, ShutdownOptions: shutdownOptions, LoginRequest: loginRequest, ApiTokenCreate: apiTokenCreate, PasswordChange: passwordChange, SshUpdate: sshUpdate, NetworkApply: networkApply, SystemReboot: systemReboot };
const responseComponents = {
  Vm: vm,
  VmList: vmList,
  Job: job,
  JobList: jobList,
  Host: host,
  Event: event,
  ErrorEnvelope: errorEnvelope,
  RegistrationPing: registrationPing,
  LoginResponse: loginResponse,
  ApiToken: apiToken,
  ApiTokenCreated: apiTokenCreated,
  ApiTokenList: apiTokenList,
  RegistrationToken: registrationToken,
  RegistrationDiscovery: registrationDiscovery,
  SshState: sshState,
  NetworkState: networkState,
  NetworkTestResult: networkTestResult,
  ManagementNetwork: managementNetwork,
  SystemState: systemState,
  SystemRebootAccepted: systemRebootAccepted,
};

type JsonSchema = Record<string, unknown>;

function componentsFor(named: Record<string, z.ZodType>, io: 'input' | 'output'): Record<string, JsonSchema> {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(named)) registry.add(schema, { id });
  const out = z.toJSONSchema(registry, { io, uri: (id) => `#/components/schemas/${id}`, unrepresentable: 'any' });
  const schemas: Record<string, JsonSchema> = {};
  for (const [id, schema] of Object.entries(out.schemas)) {
    const { $schema: _drop, $id: _id, ...rest } = schema as JsonSchema;
    schemas[id] = rest;
  }
  return schemas;
}

function refOrInline(schema: z.ZodType, named: Record<string, z.ZodType>, io: 'input' | 'output'): JsonSchema {
  const name = Object.entries(named).find(([, s]) => s === schema)?.[0];
  if (name) return { $ref: `#/components/schemas/${name}` };
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema;
  return rest;
}

function parametersOf(where: 'path' | 'query', schema: z.ZodObject | undefined): JsonSchema[] {
  if (!schema) return [];
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as {
    properties?: Record<string, JsonSchema>;
    required?: string[];
  };
  return Object.entries(json.properties ?? {}).map(([name, prop]) => ({
    name,
    in: where,
    required: where === 'path' || (json.required ?? []).includes(name),
    schema: prop,
  }));
}

export function buildOpenApi(version: string): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const route of routes) {
    const responses: Record<string, JsonSchema> = {};
    for (const [status, res] of Object.entries(route.responses)) {
      responses[status] = res.schema
        ? { description: res.description, content: { 'application/json': { schema: refOrInline(res.schema, responseComponents, 'output') } } }
        : { description: res.description };
    }
    if (route.auth) responses['401'] ??= { description: 'Not logged in', content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorEnvelope' } } } };
    if (route.body || route.rawBody) responses['400'] ??= { description: 'Invalid request', content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorEnvelope' } } } };
    const operation: JsonSchema = {
      operationId: route.operationId,
      summary: route.summary,
      tags: [route.tag],
      parameters: [...parametersOf('path', route.params), ...parametersOf('query', route.query)],
      responses,
      security: route.auth ? [{ bearer: [] }] : [],
    };
    if (route.body) {
      operation.requestBody = {
        required: route.method !== 'post' || !route.path.endsWith('/shutdown'),
        content: { 'application/json': { schema: refOrInline(route.body, requestComponents, 'input') } },
      };
    }
    if (route.rawBody) {
      operation.requestBody = {
        required: true,
        description: route.rawBody.description,
        content: { [route.rawBody.mediaType]: { schema: { type: 'string', format: 'binary' } } },
      };
    }
    (paths[route.path] ??= {})[route.method] = operation;
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Quantix node API (qx-node)',
      version,
      description: 'REST + WebSocket API of a Quantix host. Errors are {error:{code,message,details}}; long work returns 202 with a job.',
    },
    servers: [{ url: 'https://127.0.0.1:8443' }],
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      schemas: { ...componentsFor(responseComponents, 'output'), ...componentsFor(requestComponents, 'input') },
    },
    paths,
  };
}
