import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { eventsQuery, type QxEvent } from '@quantix/lib/api';
import { ApiError, zodIssues } from '@quantix/lib/errors';
import type { EventBus } from '@quantix/lib/events';
import type { AuthService } from '../auth/auth-service.ts';
import { bearerToken, principalFor } from './auth-middleware.ts';
import type { Transport } from './types.ts';

const PATH = '/api/v1/events';

function reject(socket: Duplex, err: ApiError): void {
  const body = JSON.stringify(err.toEnvelope());
  socket.end(
    `HTTP/1.1 ${err.status} ${err.code}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

/**
 * GET /api/v1/events as a WebSocket. Auth is the usual bearer header, or ?access_token= for
 * browsers that cannot set headers. ?since=<cursor> replays what the client missed; ?types=
 * filters by event type prefix (e.g. "vm.,job.").
 */
export function attachEventStream(bus: EventBus, auth: AuthService) {
  const wss = new WebSocketServer({ noServer: true, maxPayload: 4096 });
  const heartbeat = setInterval(() => {
    for (const ws of wss.clients as Set<WebSocket & { alive?: boolean }>) {
      if (ws.alive === false) ws.terminate();
      else {
        ws.alive = false;
        ws.ping();
      }
    }
  }, 30_000);
  heartbeat.unref();

  async function onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, transport: Transport): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://local');
    if (url.pathname !== PATH) return reject(socket, new ApiError('ROUTE_NOT_FOUND'));
    const query = eventsQuery.safeParse(Object.fromEntries(url.searchParams));
    if (!query.success) return reject(socket, new ApiError('VALIDATION_FAILED', undefined, { issues: zodIssues(query.error) }));
    try {
      await principalFor(auth, transport, bearerToken(req.headers.authorization) ?? query.data.access_token);
    } catch (err) {
      return reject(socket, err instanceof ApiError ? err : new ApiError('UNAUTHENTICATED'));
    }
    const prefixes = query.data.types?.split(',').filter(Boolean) ?? [];
    const wanted = (e: QxEvent) => e.type === 'resync' || prefixes.length === 0 || prefixes.some((p) => e.type.startsWith(p));
    wss.handleUpgrade(req, socket, head, (ws: WebSocket & { alive?: boolean }) => {
      ws.alive = true;
      ws.on('pong', () => (ws.alive = true));
      let lastSent = 0;
      const send = (e: QxEvent) => {
        if (e.seq <= lastSent && e.type !== 'resync') return;
        lastSent = Math.max(lastSent, e.seq);
        if (wanted(e) && ws.readyState === ws.OPEN) ws.send(JSON.stringify(e));
      };
      if (query.data.since) {
        const replay = bus.since(query.data.since);
        if ('resync' in replay) {
          const cursor = `${bus.epoch}:${bus.lastSeq}`;
          send({ seq: bus.lastSeq, epoch: bus.epoch, cursor, time: new Date().toISOString(), type: 'resync', data: { reason: replay.resync } });
        } else {
          for (const e of replay.events) send(e);
        }
      }
      ws.on('close', bus.subscribe(send));
    });
  }

  return {
    handle: (transport: Transport) => (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      onUpgrade(req, socket, head, transport).catch(() => socket.destroy());
    },
    close: () => {
      clearInterval(heartbeat);
      for (const ws of wss.clients) ws.terminate();
      wss.close();
    },
  };
}
