import { request } from 'node:http';

/**
 * One JSON request to a running qx-node over its unix socket (trusted, no token). Kept on
 * node:http so the daemon's bundle does not carry an HTTP client library for this one use.
 */
export function localRequest(socketPath: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = request(
      { socketPath, method, path, headers: payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {} },
      (res) => {
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
      },
    );
    req.setTimeout(30_000, () => req.destroy(new Error('qx-node did not answer within 30 s')));
    req.on('error', reject);
    req.end(payload);
  });
}
