/**
 * Sending fuzz cases over real HTTPS. Most go through one keep-alive agent; HEAD requests go
 * over a socket of their own and are read byte by byte, because Node's client discards
 * whatever body follows a HEAD response and the check is precisely that there is none;
 * "aborted" cases announce a body and hang up half way. Every request has a deadline: a
 * request that does not finish in time counts as a failure, not as a hung test.
 */
import * as https from 'https';
import * as tls from 'tls';
import type { IncomingHttpHeaders } from 'http';

export type Surface = 'arm' | 'entra' | 'msi' | 'agents' | 'metadata' | 'admin';

export interface FuzzCase {
  surface: Surface;
  /** What was done to the request (e.g. body:deep-array, path:bad-percent, method:OPTIONS): failures are grouped by it. */
  kind: string;
  /** The operation or endpoint the request was derived from. */
  origin: string;
  method: string;
  /** Path and query, exactly as sent. */
  path: string;
  headers: Record<string, string>;
  body?: string | Buffer;
  /** How it is sent: the shared agent (default), a socket read raw, or a body cut off half way. */
  transport?: 'agent' | 'raw' | 'abort';
}

export interface Outcome {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  ms: number;
  /** Set when there is no HTTP answer: the deadline passed, or the connection failed. */
  failure?: string;
}

export interface Target {
  host: string;
  port: number;
  ca: string;
  agent: https.Agent;
  timeoutMs: number;
}

export function send(target: Target, c: FuzzCase): Promise<Outcome> {
  if (c.transport === 'raw' || c.method === 'HEAD') return sendRaw(target, c);
  if (c.transport === 'abort') return sendAborted(target, c);
  return sendWithAgent(target, c);
}

const noAnswer = (started: number, failure: string): Outcome => ({ status: 0, headers: {}, body: Buffer.alloc(0), ms: Date.now() - started, failure });

function sendWithAgent(target: Target, c: FuzzCase): Promise<Outcome> {
  const started = Date.now();
  return new Promise((resolve) => {
    let settled = false;
    const done = (o: Outcome) => {
      if (!settled) {
        settled = true;
        resolve(o);
      }
    };
    const headers: Record<string, string | number> = { ...c.headers };
    if (c.body !== undefined) headers['Content-Length'] = Buffer.byteLength(c.body);
    let req: ReturnType<typeof https.request>;
    try {
      req = https.request({ host: target.host, port: target.port, method: c.method, path: c.path, headers, agent: target.agent, ca: target.ca, servername: 'localhost' }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => done({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), ms: Date.now() - started }));
        res.on('error', (err) => done(noAnswer(started, `response error: ${err.message}`)));
      });
    } catch (err) {
      // Node refused to send it (an invalid character in the path or a header): the generator's fault.
      done(noAnswer(started, `unsendable: ${(err as Error).message}`));
      return;
    }
    req.setTimeout(target.timeoutMs, () => {
      done(noAnswer(started, `no answer within ${target.timeoutMs} ms`));
      req.destroy();
    });
    req.on('error', (err) => done(noAnswer(started, `connection error: ${err.message}`)));
    req.end(c.body);
  });
}

function headerBlock(target: Target, c: FuzzCase, contentLength?: number): string {
  const lines = [`${c.method} ${c.path} HTTP/1.1`];
  const names = new Set(Object.keys(c.headers).map((h) => h.toLowerCase()));
  if (!names.has('host')) lines.push(`Host: localhost:${target.port}`);
  for (const [k, v] of Object.entries(c.headers)) lines.push(`${k}: ${v}`);
  if (contentLength !== undefined) lines.push(`Content-Length: ${contentLength}`);
  lines.push('Connection: close', '', '');
  return lines.join('\r\n');
}

function connect(target: Target): tls.TLSSocket {
  return tls.connect({ host: target.host, port: target.port, ca: target.ca, servername: 'localhost' });
}

/** One request on its own connection; the answer is everything the server writes until it closes. */
function sendRaw(target: Target, c: FuzzCase): Promise<Outcome> {
  const started = Date.now();
  return new Promise((resolve) => {
    const socket = connect(target);
    const chunks: Buffer[] = [];
    let settled = false;
    const finish = (failure?: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      const raw = Buffer.concat(chunks);
      const parsed = parseRawResponse(raw, c.method === 'HEAD');
      if (failure && !parsed) return resolve(noAnswer(started, failure));
      if (!parsed) return resolve(noAnswer(started, `not an HTTP response: ${JSON.stringify(raw.subarray(0, 120).toString('latin1'))}`));
      resolve({ ...parsed, ms: Date.now() - started });
    };
    const timer = setTimeout(() => finish(`no answer within ${target.timeoutMs} ms`), target.timeoutMs);
    socket.once('secureConnect', () => {
      const body = c.body === undefined ? undefined : Buffer.from(c.body);
      socket.write(headerBlock(target, c, body?.length));
      if (body) socket.write(body);
    });
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('end', () => finish());
    socket.on('close', () => finish());
    socket.on('error', (err) => finish(`connection error: ${err.message}`));
  });
}

/**
 * Status, headers and what follows them. For HEAD the "body" is every byte after the header
 * block, which must be none; otherwise the body is de-chunked when it is chunked.
 */
export function parseRawResponse(raw: Buffer, head: boolean): Omit<Outcome, 'ms'> | undefined {
  const end = raw.indexOf('\r\n\r\n');
  if (end < 0) return undefined;
  const [statusLine, ...lines] = raw.subarray(0, end).toString('latin1').split('\r\n');
  const m = /^HTTP\/1\.[01] (\d{3})/.exec(statusLine);
  if (!m) return undefined;
  const headers: IncomingHttpHeaders = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  let body = raw.subarray(end + 4);
  if (!head && /chunked/i.test(String(headers['transfer-encoding'] ?? ''))) body = dechunk(body);
  return { status: Number(m[1]), headers, body };
}

function dechunk(data: Buffer): Buffer {
  const out: Buffer[] = [];
  let at = 0;
  while (at < data.length) {
    const lineEnd = data.indexOf('\r\n', at);
    if (lineEnd < 0) break;
    const size = parseInt(data.subarray(at, lineEnd).toString('latin1'), 16);
    if (!(size > 0)) break;
    out.push(data.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
  return Buffer.concat(out);
}

/**
 * Announces a body, sends part of it and hangs up: the server must not fail on it. There is
 * no answer to check; what the server logs is checked afterwards.
 */
function sendAborted(target: Target, c: FuzzCase): Promise<Outcome> {
  const started = Date.now();
  return new Promise((resolve) => {
    const socket = connect(target);
    const body = Buffer.from(c.body ?? '{"location":"eastus","properties":{');
    const finish = (failure?: string) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(failure ? noAnswer(started, failure) : { status: -1, headers: {}, body: Buffer.alloc(0), ms: Date.now() - started });
    };
    const timer = setTimeout(() => finish(`could not even send within ${target.timeoutMs} ms`), target.timeoutMs);
    socket.once('secureConnect', () => {
      socket.write(headerBlock(target, c, body.length * 4));
      // Let the server start on the headers and the first part of the body, then hang up.
      socket.write(body, () => setImmediate(() => finish()));
    });
    socket.on('error', () => finish());
  });
}

/** Runs `cases` with at most `concurrency` in flight; outcomes in the order of the cases. */
export async function sendAll(target: Target, cases: FuzzCase[], concurrency: number): Promise<Outcome[]> {
  const outcomes: Outcome[] = new Array(cases.length);
  let next = 0;
  const worker = async () => {
    while (next < cases.length) {
      const i = next++;
      outcomes[i] = await send(target, cases[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, cases.length) }, worker));
  return outcomes;
}
