import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type PeerCertificate, type TLSSocket } from 'node:tls';
import { parse as parseYaml } from 'yaml';
import { answerFile, answerFileProblems, type AnswerFile } from '@quantix/lib/appliance/answer-file';
import { ApiError } from '@quantix/lib/errors';
import type { Runner } from './exec.ts';

/** Where `quantix.answer=` says the answer file is. */
export type AnswerSpec = { kind: 'cdrom' } | { kind: 'label'; label: string } | { kind: 'https'; url: string; fingerprint: string };

export const ANSWER_NAMES = ['answer.json', 'answer.yaml'] as const;
export const AUTO_LABEL = 'QX_ANSWER';
const MAX_ANSWER_BYTES = 1024 * 1024;

/** "AB:cd:…" or "abcd…" as 64 lower-case hex digits; null when it is not a SHA-256. */
export function normalizeFingerprint(text: string): string | null {
  const hex = text.replace(/:/g, '').toLowerCase();
  return /^[0-9a-f]{64}$/.test(hex) ? hex : null;
}

/** The `quantix.answer=` parameter of a kernel command line; null when there is none. */
export function parseAnswerParam(cmdline: string): AnswerSpec | null {
  const words = cmdline.trim().split(/\s+/);
  const word = words.filter((w) => w.startsWith('quantix.answer=')).pop();
  if (word === undefined) return null;
  const value = word.slice('quantix.answer='.length);
  if (value === 'cdrom') return { kind: 'cdrom' };
  if (value.startsWith('label:')) {
    const label = value.slice('label:'.length);
    if (!/^[A-Za-z0-9_.-]{1,36}$/.test(label)) throw new ApiError('INSTALL_ANSWER_INVALID', `quantix.answer=label:${label}: not a file system label`);
    return { kind: 'label', label };
  }
  if (value.startsWith('https://')) {
    const hash = value.indexOf('#');
    const fragment = hash >= 0 ? value.slice(hash + 1) : '';
    const m = /^sha256=(.+)$/.exec(fragment);
    const fingerprint = m ? normalizeFingerprint(m[1]!) : null;
    if (fingerprint === null) {
      throw new ApiError('INSTALL_ANSWER_INVALID', 'quantix.answer=https://… needs #sha256=<the SHA-256 fingerprint of the server certificate> at its end');
    }
    const url = value.slice(0, hash);
    try {
      new URL(url);
    } catch {
      throw new ApiError('INSTALL_ANSWER_INVALID', `quantix.answer=${url}: not a URL`);
    }
    return { kind: 'https', url, fingerprint };
  }
  throw new ApiError('INSTALL_ANSWER_INVALID', `quantix.answer=${value}: use cdrom, label:<LABEL> or https://…#sha256=<fingerprint>`);
}

/** An answer file's text (JSON is YAML too) checked against the schema. */
export function parseAnswerText(text: string, origin: string): AnswerFile {
  let data: unknown;
  try {
    data = parseYaml(text, { maxAliasCount: 0 });
  } catch (err) {
    throw new ApiError('INSTALL_ANSWER_INVALID', `${origin} is neither JSON nor YAML: ${(err as Error).message.split('\n')[0]}`);
  }
  const r = answerFile.safeParse(data);
  if (!r.success) {
    const problems = answerFileProblems(r.error);
    throw new ApiError('INSTALL_ANSWER_INVALID', `${origin}: ${problems.join('; ')}`, { problems });
  }
  return r.data;
}

/** answer.json or answer.yaml in `dir`: its text and path, or null when neither is there. */
async function readFromDir(dir: string): Promise<{ text: string; path: string } | null> {
  for (const name of ANSWER_NAMES) {
    const path = join(dir, name);
    if (existsSync(path)) return { text: await readFile(path, 'utf8'), path };
  }
  return null;
}

/** The file system labelled `label`, mounted read-only for the time it takes to read the answer file. */
async function readFromLabel(label: string, runner: Runner): Promise<{ text: string; path: string } | null> {
  const found = await runner.run(['blkid', '-L', label], { allowFail: true });
  const dev = found.stdout.trim().split('\n')[0] ?? '';
  if (found.code !== 0 || dev === '') return null;
  const dir = await mkdtemp(join(tmpdir(), 'qx-answer-'));
  try {
    await runner.run(['mount', '-o', 'ro', dev, dir]);
    try {
      const got = await readFromDir(dir);
      return got && { text: got.text, path: `${dev}:/${got.path.slice(dir.length + 1)}` };
    } finally {
      await runner.run(['umount', dir], { allowFail: true });
    }
  } finally {
    await rm(dir, { recursive: false, force: true }).catch(() => undefined);
  }
}

export interface FetchOptions {
  timeoutMs?: number;
  /** Connection attempts (the network may still be coming up); a fingerprint mismatch is never retried. */
  attempts?: number;
  retryDelayMs?: number;
}

/** The SHA-256 fingerprint of the peer's certificate, as 64 hex digits. */
export function peerFingerprint(cert: PeerCertificate): string {
  return createHash('sha256').update(cert.raw).digest('hex');
}

/**
 * GET over TLS where trust is the certificate's SHA-256 fingerprint, not a CA: the TLS connection
 * is made first, its certificate compared, and only then is the request sent on it.
 */
export async function fetchPinned(url: string, fingerprint: string, o: FetchOptions = {}): Promise<string> {
  const attempts = o.attempts ?? 1;
  let last: unknown;
  for (let i = 0; i < attempts; i++) {
    try {
      return await fetchOnce(url, fingerprint, o.timeoutMs ?? 15_000);
    } catch (err) {
      last = err;
      if (err instanceof ApiError && err.code === 'INSTALL_ANSWER_FINGERPRINT_MISMATCH') throw err;
      if (i + 1 < attempts) await new Promise((r) => setTimeout(r, o.retryDelayMs ?? 3000));
    }
  }
  throw last;
}

function fetchOnce(url: string, fingerprint: string, timeoutMs: number): Promise<string> {
  const u = new URL(url);
  const expected = normalizeFingerprint(fingerprint);
  if (expected === null) return Promise.reject(new ApiError('INSTALL_ANSWER_INVALID', 'the fingerprint is not a SHA-256 (64 hex digits)'));
  const port = u.port ? Number(u.port) : 443;
  return new Promise((resolve, reject) => {
    let settled = false;
    const done = (err: unknown, body?: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (err) reject(err);
      else resolve(body!);
    };
    const unavailable = (why: string) => new ApiError('INSTALL_ANSWER_UNAVAILABLE', `${url}: ${why}`);
    const servername = /^[\d.]+$|:/.test(u.hostname) ? undefined : u.hostname;
    const socket: TLSSocket = connect({ host: u.hostname.replace(/^\[|\]$/g, ''), port, servername, rejectUnauthorized: false });
    const timer = setTimeout(() => {
      socket.destroy();
      done(unavailable(`no answer within ${Math.round(timeoutMs / 1000)} s`));
    }, timeoutMs);
    socket.once('error', (err) => done(unavailable(err.message)));
    socket.once('secureConnect', () => {
      const cert = socket.getPeerCertificate(false);
      const actual = cert && cert.raw ? peerFingerprint(cert) : null;
      if (actual !== expected) {
        socket.destroy();
        done(
          new ApiError('INSTALL_ANSWER_FINGERPRINT_MISMATCH', `${u.host} presented a certificate with SHA-256 ${actual ?? '(none)'}; expected ${expected}`, {
            expected,
            actual,
          }),
        );
        return;
      }
      const req = request(url, { method: 'GET', createConnection: () => socket, headers: { accept: 'application/json, application/yaml, text/plain' } }, (res) => {
        if (res.statusCode !== 200) {
          res.resume();
          done(unavailable(`HTTP ${res.statusCode}`));
          socket.destroy();
          return;
        }
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          body += chunk;
          if (body.length > MAX_ANSWER_BYTES) {
            socket.destroy();
            done(unavailable(`the answer file is larger than ${MAX_ANSWER_BYTES} bytes`));
          }
        });
        res.on('end', () => {
          done(null, body);
          socket.end();
        });
        res.on('error', (err) => done(unavailable(err.message)));
      });
      req.on('error', (err) => done(unavailable(err.message)));
      req.end();
    });
  });
}

export interface FoundAnswer {
  answer: AnswerFile;
  /** Where it came from, for the screen and the log. */
  origin: string;
}

export interface AnswerLookup {
  cmdline: string;
  mediumDir: string;
  runner: Runner;
  fetch?: FetchOptions;
}

/**
 * The answer file for this boot: where `quantix.answer=` says (an error when it is not there), or
 * without that parameter the medium's answer.json/answer.yaml, then a file system labelled QX_ANSWER.
 * Null: no answer file, ask the operator.
 */
export async function findAnswer(l: AnswerLookup): Promise<FoundAnswer | null> {
  const spec = parseAnswerParam(l.cmdline);
  const got = await readSpec(spec, l);
  if (got === null) return null;
  l.runner.log(`answer file: ${got.path}`);
  return { answer: parseAnswerText(got.text, got.path), origin: got.path };
}

async function readSpec(spec: AnswerSpec | null, l: AnswerLookup): Promise<{ text: string; path: string } | null> {
  if (spec === null) return (await readFromDir(l.mediumDir)) ?? (await readFromLabel(AUTO_LABEL, l.runner));
  const missing = (where: string) => new ApiError('INSTALL_ANSWER_UNAVAILABLE', `quantix.answer: no ${ANSWER_NAMES.join(' or ')} ${where}`);
  switch (spec.kind) {
    case 'cdrom': {
      const got = await readFromDir(l.mediumDir);
      if (!got) throw missing(`on the medium (${l.mediumDir})`);
      return got;
    }
    case 'label': {
      const got = await readFromLabel(spec.label, l.runner);
      if (!got) throw missing(`on a file system labelled ${spec.label}`);
      return got;
    }
    case 'https':
      return { text: await fetchPinned(spec.url, spec.fingerprint, { attempts: 5, ...l.fetch }), path: spec.url };
  }
}

/** `--answer FILE`. */
export async function readAnswerFile(path: string): Promise<FoundAnswer> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new ApiError('INSTALL_ANSWER_UNAVAILABLE', `cannot read ${path}: ${(err as Error).message}`);
  }
  return { answer: parseAnswerText(text, path), origin: path };
}
