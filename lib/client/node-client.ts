import { Agent, request } from 'undici';
import type { Dispatcher } from 'undici';
import { errorEnvelope, type ErrorBody } from '../api/error.ts';

/** An error answer of a Quantix API, with its stable code. */
export class ApiCallError extends Error {
  constructor(
    readonly status: number,
    readonly body: ErrorBody,
  ) {
    super(`${body.code}: ${body.message}`);
    this.name = 'ApiCallError';
  }
  get code(): string {
    return this.body.code;
  }
}

export type NodeClientTarget =
  | { socketPath: string; token?: string }
  | { url: string; token?: string; /** Trust exactly this self-signed certificate (PEM). */ ca?: string; insecure?: boolean };

/** A small typed-at-the-edges client for qx-node, over its unix socket or HTTPS. */
export class NodeClient {
  private readonly dispatcher: Dispatcher;
  private readonly origin: string;
  token: string | undefined;

  constructor(target: NodeClientTarget) {
    this.token = target.token;
    if ('socketPath' in target) {
      this.origin = 'http://localhost';
      this.dispatcher = new Agent({ connect: { socketPath: target.socketPath } });
    } else {
      this.origin = target.url.replace(/\/$/, '');
      this.dispatcher = new Agent({ connect: { ca: target.ca, rejectUnauthorized: !target.insecure } });
    }
  }

  async call<T = unknown>(method: string, path: string, body?: unknown, extraHeaders: Record<string, string> = {}): Promise<{ status: number; body: T }> {
    const headers: Record<string, string> = { ...extraHeaders };
    if (this.token && !headers.authorization) headers.authorization = `Bearer ${this.token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await request(`${this.origin}${path}`, {
      method: method as Dispatcher.HttpMethod,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      dispatcher: this.dispatcher,
    });
    const text = await res.body.text();
    const parsed = text ? (JSON.parse(text) as unknown) : undefined;
    if (res.statusCode >= 400) {
      const envelope = errorEnvelope.safeParse(parsed);
      throw new ApiCallError(res.statusCode, envelope.success ? envelope.data.error : { code: 'INTERNAL', message: text.slice(0, 200) });
    }
    return { status: res.statusCode, body: parsed as T };
  }

  get<T = unknown>(path: string): Promise<T> {
    return this.call<T>('GET', path).then((r) => r.body);
  }

  post<T = unknown>(path: string, body?: unknown): Promise<T> {
    return this.call<T>('POST', path, body).then((r) => r.body);
  }

  async login(password: string): Promise<string> {
    const { token } = await this.post<{ token: string }>('/api/v1/auth/login', { password });
    this.token = token;
    return token;
  }

  close(): Promise<void> {
    return this.dispatcher.close();
  }
}
