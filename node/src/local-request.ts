import { createReadStream } from 'node:fs';
import { request, type IncomingMessage } from 'node:http';

type LocalResponse = { status: number; body: unknown };

/** The response handler of a request whose answer is JSON (or empty): its status and parsed body. */
function jsonResponse(resolve: (r: LocalResponse) => void, reject: (err: unknown) => void): (res: IncomingMessage) => void {
  return (res) => {
    let text = '';
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => (text += chunk));
    res.on('end', () => {
      try {
        resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : undefined });
      } catch (err) {
        reject(err);
      }
    });
  };
}

/**
 * One JSON request to a running qx-node over its unix socket (trusted, no token). Kept on
 * node:http so the daemon's bundle does not carry an HTTP client library for this one use.
 */
export function localRequest(socketPath: string, method: string, path: string, body?: unknown): Promise<LocalResponse> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = request(
      { socketPath, method, path, headers: payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {} },
      jsonResponse(resolve, reject),
    );
    req.setTimeout(30_000, () => req.destroy(new Error('qx-node did not answer within 30 s')));
    req.on('error', reject);
    req.end(payload);
  });
}

/**
 * Streams a file as the body of one request to a running qx-node over its unix socket (a system image: never held
 * in memory); `onSent` hears how many bytes have gone out so far.
 */
export function localUpload(
  socketPath: string,
  path: string,
  file: string,
  size: number,
  onSent: (bytes: number) => void,
): Promise<LocalResponse> {
  return new Promise((resolve, reject) => {
    const req = request(
      { socketPath, method: 'POST', path, headers: { 'content-type': 'application/octet-stream', 'content-length': size } },
      jsonResponse(resolve, reject),
    );
    req.on('error', reject);
    let sent = 0;
    const stream = createReadStream(file, { highWaterMark: 1024 * 1024 });
    stream.on('data', (chunk) => {
      sent += chunk.length;
      onSent(sent);
    });
    stream.on('error', (err) => req.destroy(err));
    stream.pipe(req);
  });
}
