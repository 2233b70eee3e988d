/**
 * Helpers for the security tests (test/server/security.test.ts, test/e2e/security.e2e.test.ts):
 *
 * - one way to call Arclight whatever carries the request (supertest against the app, or a raw
 *   HTTPS request that sets any Host header it is given), so the same flow runs on both;
 * - `handedOutUrls`: walks every place Arclight writes its base URL into (ARM's Location,
 *   Azure-AsyncOperation and nextLink, WWW-Authenticate, /metadata/endpoints, the OIDC
 *   documents, token issuers, Entra's error_uri, the agents' discovery and certificate answers,
 *   WrongRegion messages) and returns what it found;
 * - distinctive planted values, and a byte search of a data dir for them.
 */
import { strict as assert } from 'assert';
import { createPrivateKey, randomBytes } from 'crypto';
import * as fs from 'fs';
import * as https from 'https';
import type { IncomingHttpHeaders } from 'http';
import * as path from 'path';
import jwt from 'jsonwebtoken';
import request from 'supertest';
import type { Express } from 'express';
import { signClientAssertion, signProof } from '../../protocol/agentCredentials';
import { IDENTITY_HEADER } from '../../server/identity/managedIdentity';
import { bearer, CLIENT_ID, SUB, TENANT } from './arclight';
import { clusterBody, clusterPath, groupPath } from './clusters';
import { ARM_SCOPE, JWT_BEARER, SECRET } from './identity';
import { agentKeys } from './keys';
import type { Json } from '../../protocol/json';


export interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  /** The body as sent. */
  text: string;
  /** The body parsed as JSON (undefined when empty or not JSON). */
  body: Json;
}

export interface CallOptions {
  headers?: Record<string, string>;
  json?: unknown;
  form?: Record<string, string>;
  /** A body sent as it is (e.g. malformed JSON), with Content-Type application/json. */
  raw?: string;
}

/** One HTTP request to Arclight: method, path (with query) and options. */
export type Caller = (method: string, path: string, o?: CallOptions) => Promise<Answer>;

const parse = (text: string): Json => {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
};

function bodyOf(o: CallOptions): { text?: string; type?: string } {
  if (o.form) return { text: new URLSearchParams(o.form).toString(), type: 'application/x-www-form-urlencoded' };
  if (o.raw !== undefined) return { text: o.raw, type: 'application/json' };
  if (o.json !== undefined) return { text: JSON.stringify(o.json), type: 'application/json' };
  return {};
}

/** supertest against the app; `host` (when given) is sent as the Host header of every request. */
export function supertestCaller(app: Express, host?: string): Caller {
  return async (method, target, o = {}) => {
    let req = request(app)[method.toLowerCase() as 'get'](target);
    if (host !== undefined) req = req.set('Host', host);
    for (const [k, v] of Object.entries(o.headers ?? {})) req = req.set(k, v);
    const { text, type } = bodyOf(o);
    if (type) req = req.set('Content-Type', type);
    const res = await (text !== undefined ? req.send(text) : req);
    return { status: res.status, headers: res.headers, text: res.text ?? '', body: parse(res.text ?? '') };
  };
}

/**
 * A raw HTTPS request to the server at `url` (trusting only `caPem`) whose Host header is
 * `host`, whatever it is: TLS is checked against the name the server certificate has
 * (`localhost`), not against the Host header.
 */
export function httpsCaller(url: string, caPem: string, host: string): Caller {
  const { hostname, port } = new URL(url);
  return (method, target, o = {}) => new Promise<Answer>((resolve, reject) => {
    const { text, type } = bodyOf(o);
    const headers: Record<string, string> = { Host: host, ...(type ? { 'Content-Type': type } : {}), ...o.headers };
    if (text !== undefined) headers['Content-Length'] = String(Buffer.byteLength(text));
    const req = https.request({ hostname, port, path: target, method, headers, ca: caPem, servername: 'localhost', agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode!, headers: res.headers, text: body, body: parse(body) });
      });
    });
    req.on('error', reject);
    req.end(text);
  });
}

/** Fails unless the answer has `status`, showing the body. */
export function expectAnswer(answer: Answer, status: number, what: string): Json {
  assert.equal(answer.status, status, `${what}: ${answer.status} ${answer.text.slice(0, 500)}`);
  return answer.body;
}

/** A URL (or a bare host) Arclight handed out, and where it was found. */
export interface HandedOut {
  where: string;
  value: string;
}

export interface HandedOutUrls {
  /** Absolute URLs, except the fixed ARM audiences the metadata and tokens name. */
  urls: HandedOut[];
  /** Values that are a host[:port] alone (cloud_instance_name and the like). */
  hosts: HandedOut[];
  /** Every body and header value received, for a plain text search. */
  texts: string[];
}

/** Audiences and resources that are Azure's, not Arclight's own URLs. */
const EXTERNAL = new Set(['https://management.core.windows.net/', 'https://management.azure.com/', 'https://management.azure.com']);
const URL_IN_TEXT = /https?:\/\/[^\s"'<>,)]+/g;
/** Fields that hold the base URL's host without a scheme. */
const HOST_FIELDS = new Set(['cloud_instance_name', 'cloud_graph_host_name', 'msgraph_host', 'endpoint']);

/**
 * Runs, with `call`, every request whose answer carries Arclight's base URL, and collects the
 * URLs found in bodies (strings, messages included), headers and token issuers. The caller's
 * instance must start empty and use page size 1 (so lists have a nextLink) and auth lenient.
 * Creates resource group `urls` with clusters c1 (kept) and c2 (deleted).
 */
export async function handedOutUrls(call: Caller): Promise<HandedOutUrls> {
  const found: HandedOutUrls = { urls: [], hosts: [], texts: [] };
  const auth = { Authorization: bearer() };
  const collect = (where: string, value: unknown, key = ''): void => {
    if (typeof value === 'string') {
      if (HOST_FIELDS.has(key)) found.hosts.push({ where: `${where}.${key}`, value });
      for (const url of value.match(URL_IN_TEXT) ?? []) if (!EXTERNAL.has(url)) found.urls.push({ where, value: url });
    } else if (Array.isArray(value)) {
      value.forEach((v) => collect(where, v, key));
    } else if (value && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) collect(`${where}.${k}`, v, k);
    }
  };
  const take = (where: string, answer: Answer, status: number): Json => {
    const body = expectAnswer(answer, status, where);
    found.texts.push(answer.text, ...Object.values(answer.headers).flat().map(String));
    collect(where, answer.body);
    for (const h of ['location', 'azure-asyncoperation', 'www-authenticate']) {
      if (answer.headers[h] !== undefined) collect(`${where} ${h}`, String(answer.headers[h]));
    }
    return body;
  };
  const issuerOf = (where: string, token: string) => {
    const claims = jwt.decode(token) as jwt.JwtPayload;
    found.texts.push(JSON.stringify(claims));
    found.urls.push({ where: `${where} iss`, value: String(claims.iss) });
  };

  // ARM: an async operation's URL on create, Location and Azure-AsyncOperation on delete, nextLink on lists.
  for (const group of ['urls', 'urls2']) {
    take(`PUT group ${group}`, await call('PUT', `${groupPath(group)}?api-version=2021-04-01`, { headers: auth, json: { location: 'eastus' } }), 201);
  }
  const created = await call('PUT', `${clusterPath('urls', 'c1')}?api-version=2024-01-01`, { headers: auth, json: clusterBody() });
  take('PUT cluster', created, 201);
  assert.ok(created.headers['azure-asyncoperation'], 'a create answers with Azure-AsyncOperation');
  take('PUT cluster c2', await call('PUT', `${clusterPath('urls', 'c2')}?api-version=2024-01-01`, { headers: auth, json: clusterBody() }), 201);
  const deleted = await call('DELETE', `${clusterPath('urls', 'c2')}?api-version=2024-01-01`, { headers: auth });
  take('DELETE cluster', deleted, 202);
  assert.ok(deleted.headers.location && deleted.headers['azure-asyncoperation'], 'a delete answers with Location and Azure-AsyncOperation');
  const extension = await call('PUT', `${clusterPath('urls', 'c1')}/providers/Microsoft.KubernetesConfiguration/extensions/monitor?api-version=2023-05-01`, {
    headers: auth, json: { properties: { extensionType: 'microsoft.azuremonitor.containers' } },
  });
  take('PUT extension', extension, 201);
  assert.ok(extension.headers['azure-asyncoperation'], 'an extension create answers with Azure-AsyncOperation');
  const groups = take('list groups', await call('GET', `/subscriptions/${SUB}/resourcegroups?api-version=2021-04-01`, { headers: auth }), 200);
  assert.ok(groups.nextLink, 'page size 1: the list has a nextLink');
  const clusters = take('list clusters', await call('GET', `/subscriptions/${SUB}/providers/Microsoft.Kubernetes/connectedClusters?api-version=2024-01-01`, { headers: auth }), 200);
  assert.equal(clusters.value.length, 1);
  const groupDeleted = await call('DELETE', `${groupPath('urls2')}?api-version=2021-04-01`, { headers: auth });
  take('DELETE group', groupDeleted, 202);
  assert.ok(groupDeleted.headers.location, 'a group delete answers with Location');
  take('ARM 401', await call('GET', `${groupPath('urls')}?api-version=2021-04-01`), 401);

  // Cloud metadata, in each shape.
  for (const v of ['1.0', '2015-01-01', '2018-01-01', '2019-05-01', '2022-09-01', '2023-11-01']) take(`metadata ${v}`, await call('GET', `/metadata/endpoints?api-version=${v}`), 200);

  // OIDC documents and the issuers of the tokens the token service and the managed identity endpoints issue.
  take('OIDC v2', await call('GET', `/${TENANT}/v2.0/.well-known/openid-configuration`), 200);
  take('OIDC v1', await call('GET', `/${TENANT}/.well-known/openid-configuration`), 200);
  take('OIDC adfs', await call('GET', '/adfs/.well-known/openid-configuration'), 200);
  const secretForm = { grant_type: 'client_credentials', client_id: CLIENT_ID, client_secret: SECRET };
  issuerOf('token v2', take('token v2', await call('POST', `/${TENANT}/oauth2/v2.0/token`, { form: { ...secretForm, scope: ARM_SCOPE } }), 200).access_token);
  issuerOf('token v1', take('token v1', await call('POST', `/${TENANT}/oauth2/token`, { form: { ...secretForm, resource: 'https://management.azure.com/' } }), 200).access_token);
  issuerOf('token adfs', take('token adfs', await call('POST', '/adfs/oauth2/token', { form: { ...secretForm, scope: ARM_SCOPE } }), 200).access_token);
  issuerOf('MSI', take('MSI', await call('GET', '/msi/token?api-version=2019-08-01&resource=https://management.azure.com/', { headers: { 'X-IDENTITY-HEADER': IDENTITY_HEADER } }), 200).access_token);
  take('Entra error', await call('POST', `/${TENANT}/oauth2/v2.0/token`, { form: { ...secretForm, client_secret: 'wrong', scope: ARM_SCOPE } }), 401);

  // The agents: discovery, the certificate (its token and data plane endpoints), a token from it, the WrongRegion refusal.
  const clusterId = clusterPath('urls', 'c1');
  take('discovery by location', await call('GET', '/arc/his/discovery?location=eastus'), 200);
  const endpoints = take('discovery by cluster', await call('GET', `/arc/his/discovery?clusterId=${encodeURIComponent(clusterId)}`), 200);
  const certificates = `${endpoints.identityEndpoint}/certificates`;
  const proof = signProof(agentKeys(0).privateKey, clusterId, certificates);
  const issued = take('certificate', await call('POST', new URL(certificates).pathname, { json: { clusterId, proof } }), 200);
  take('certificate in the wrong region', await call('POST', '/arc/regions/westus/his/certificates', { json: { clusterId, proof } }), 421);
  const assertion = signClientAssertion(issued.certificate, createPrivateKey(issued.privateKey), issued.clientId, issued.tokenEndpoint);
  const clusterToken = take('cluster token', await call('POST', new URL(issued.tokenEndpoint).pathname, {
    form: { grant_type: 'client_credentials', client_id: issued.clientId, scope: ARM_SCOPE, client_assertion_type: JWT_BEARER, client_assertion: assertion },
  }), 200).access_token;
  issuerOf('cluster token', clusterToken);
  take('data plane in the wrong region', await call('GET', '/arc/regions/westus/dataplane/configurations', { headers: { Authorization: `Bearer ${clusterToken}` } }), 421);
  return found;
}

/** Asserts that every URL and host found is `base`'s (or `base` itself). */
export function assertAllUnder(found: HandedOutUrls, base: string): void {
  assert.ok(found.urls.length > 40, `the flow found the URLs it looks for (${found.urls.length})`);
  const wrong = found.urls.filter((u) => u.value !== base && !u.value.startsWith(`${base}/`) && !u.value.startsWith(`${base}?`));
  assert.deepEqual(wrong, [], `URLs that are not under ${base}`);
  const host = new URL(base).host;
  assert.ok(found.hosts.length >= 3, 'the OIDC documents name the host');
  assert.deepEqual(found.hosts.filter((h) => h.value !== host), [], `hosts that are not ${host}`);
}

/**
 * Freezes the emulator clock (a second ahead): setMs refuses an instant before the clock's own
 * now, which moves on between reading it and setting it, so setMs(nowMs()) can fail.
 */
export function freezeClock(clock: { nowMs(): number; setMs(ms: number, frozen?: boolean): void }): void {
  clock.setMs(clock.nowMs() + 1000, true);
}

/** A value no code would write by chance: `planted-<what>-<random hex>`. */
export function planted(what: string): string {
  return `planted-${what}-${randomBytes(8).toString('hex')}`;
}

/** Every file under `dir`, recursively. */
export function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const file = path.join(dir, e.name);
    return e.isDirectory() ? filesUnder(file) : e.isFile() ? [file] : [];
  });
}

/**
 * The forms a value could be written in without being protected: its UTF-8 text, and the part
 * of its base64 (and base64url) text that is the same wherever it starts in an encoded stream
 * (one form per alignment: the groups that mix in bytes before or after it are dropped).
 */
export function plainForms(value: string): string[] {
  const forms = [value];
  const bytes = Buffer.from(value, 'utf8');
  for (let before = 0; before < 3; before++) {
    const encoded = Buffer.concat([Buffer.alloc(before), bytes]).toString('base64');
    const middle = encoded.slice(before ? 4 : 0, encoded.length - 4);
    forms.push(middle, middle.replace(/\+/g, '-').replace(/\//g, '_'));
  }
  return [...new Set(forms)];
}

/** The (file, value) pairs where a file under `dir` holds one of `values` in a plain form, as UTF-8 or UTF-16 bytes. */
export function plantedInFiles(dir: string, values: string[]): string[] {
  const hits: string[] = [];
  for (const file of filesUnder(dir)) {
    const bytes = fs.readFileSync(file);
    for (const v of values) {
      const found = plainForms(v).some((form) => bytes.includes(Buffer.from(form, 'utf8')) || bytes.includes(Buffer.from(form, 'utf16le')));
      if (found) hits.push(`${path.relative(dir, file)}: ${v}`);
    }
  }
  return hits;
}

/** The values of `values` that occur, in a plain form, in any of `texts`. */
export function plantedInTexts(texts: string[], values: string[]): string[] {
  const all = texts.join('\n');
  return values.filter((v) => plainForms(v).some((form) => all.includes(form)));
}
