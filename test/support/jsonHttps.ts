/**
 * JSON over real HTTPS to a running Arclight (in this process or a child process), with a
 * keep-alive agent that trusts only its CA: ARM calls carrying a bearer token, paged lists,
 * and requests whose body the test sends in two parts, at moments it chooses.
 */
import { randomUUID } from 'crypto';
import * as diagnostics from 'diagnostics_channel';
import * as https from 'https';
import type { IncomingHttpHeaders, IncomingMessage } from 'http';
import { fakeToken } from './arclight';
import type { Json } from '../../protocol/json';


export interface JsonAnswer {
  status: number;
  body: Json;
  headers: IncomingHttpHeaders;
}

function collect(res: IncomingMessage, resolve: (a: JsonAnswer) => void, reject: (e: Error) => void): void {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('error', reject);
  res.on('end', () => {
    const raw = Buffer.concat(chunks).toString('utf8');
    try {
      resolve({ status: res.statusCode!, headers: res.headers, body: raw ? JSON.parse(raw) : undefined });
    } catch {
      reject(new Error(`${res.statusCode} with a body that is not JSON: ${raw.slice(0, 200)}`));
    }
  });
}

/** One request; rejects only when no complete answer arrives (connection refused or reset). */
export function requestJson(agent: https.Agent, url: string, method: string, o: { json?: unknown; headers?: Record<string, string> } = {}): Promise<JsonAnswer> {
  const text = o.json === undefined ? undefined : JSON.stringify(o.json);
  const headers: Record<string, string> = { ...o.headers };
  if (text !== undefined) headers['Content-Type'] = 'application/json';
  return new Promise((resolve, reject) => {
    const req = https.request(url, { method, agent, headers }, (res) => collect(res, resolve, reject));
    req.on('error', reject);
    req.end(text);
  });
}

/** ARM calls against `baseUrl` with an unsigned bearer token (any well-formed JWT works with --auth lenient). */
export class ArmHttps {
  private readonly authorization = `Bearer ${fakeToken()}`;

  constructor(readonly baseUrl: string, readonly agent: https.Agent) {}

  call(method: string, path: string, json?: unknown): Promise<JsonAnswer> {
    return requestJson(this.agent, this.baseUrl + path, method, { json, headers: { Authorization: this.authorization } });
  }

  /** Every item of a list, following nextLink to the last page. */
  async listAll(path: string): Promise<Json[]> {
    const items: Json[] = [];
    let url: string | undefined = this.baseUrl + path;
    while (url) {
      const page = await requestJson(this.agent, url, 'GET', { headers: { Authorization: this.authorization } });
      if (page.status !== 200) throw new Error(`list ${path}: ${page.status} ${JSON.stringify(page.body)}`);
      items.push(...page.body.value);
      url = page.body.nextLink;
    }
    return items;
  }
}

export interface SlowRequest {
  /** Resolves once the server (in this process) has parsed the request's headers and dispatched it. */
  received: Promise<void>;
  /** Sends the rest of the body; resolves with the answer. */
  finish(): Promise<JsonAnswer>;
}

const REQUEST_START = 'http.server.request.start';
const MARKER = 'x-arclight-test-request';

/**
 * A POST whose headers and first half of the JSON body go out now, and the rest only when the
 * test calls finish(). Works against a server in this process: `received` comes from Node's
 * `http.server.request.start` diagnostics channel, which Node publishes just before it emits the
 * server's 'request' event, in the same synchronous call. The test's continuation after
 * `await received` therefore runs only after everything the server does synchronously on
 * receiving the headers (routing, authentication, whatever its handler does before it
 * awaits the body), with no timer involved.
 */
export function slowJsonPost(agent: https.Agent, url: string, json: unknown, headers: Record<string, string> = {}): SlowRequest {
  const text = JSON.stringify(json);
  if (Buffer.byteLength(text) !== text.length) throw new Error('slowJsonPost splits by characters: ASCII bodies only');
  const marker = randomUUID();
  const received = new Promise<void>((resolve) => {
    const onStart = (message: unknown) => {
      if ((message as { request: IncomingMessage }).request.headers[MARKER] !== marker) return;
      diagnostics.unsubscribe(REQUEST_START, onStart);
      resolve();
    };
    diagnostics.subscribe(REQUEST_START, onStart);
  });
  const req = https.request(url, {
    method: 'POST',
    agent,
    headers: { ...headers, 'Content-Type': 'application/json', 'Content-Length': String(text.length), [MARKER]: marker },
  });
  const answer = new Promise<JsonAnswer>((resolve, reject) => {
    req.on('response', (res) => collect(res, resolve, reject));
    req.on('error', reject);
  });
  const half = Math.floor(text.length / 2);
  req.write(text.slice(0, half));
  return {
    received,
    finish: () => {
      req.end(text.slice(half));
      return answer;
    },
  };
}
