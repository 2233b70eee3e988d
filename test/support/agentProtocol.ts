/**
 * Arclight's agent protocol (specs/arclight/agent-protocol.json) spoken by hand, as someone
 * writing their own agent would: HTTPS requests that trust only the server's CA, a proof of
 * possession signed with the onboarding key, a client assertion signed with the issued
 * certificate's key. Every answer of a protocol endpoint is checked against the spec: its status
 * must be one the operation declares and its body must validate. The spec is loaded, checked as
 * an OpenAPI document and compiled once per test process.
 */
import { strict as assert } from 'assert';
import { createPrivateKey, KeyObject } from 'crypto';
import * as fs from 'fs';
import * as https from 'https';
import type { IncomingHttpHeaders } from 'http';
import * as path from 'path';
import { signClientAssertion, signProof } from '../../protocol/agentCredentials';
import type { IssuedIdentityCertificate } from '../../server/clusterSide/identityCertificates';
import { OpenAPIBackend } from 'openapi-backend';
import type { Json } from '../../protocol/json';


const SPEC = path.resolve(__dirname, '..', '..', '..', 'specs', 'arclight', 'agent-protocol.json');
const ARM_SCOPE = 'https://management.azure.com/.default';
const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

let spec: Promise<OpenAPIBackend> | undefined;

/** The protocol's spec, validated as OpenAPI 3 (strict: a broken document fails the tests) and compiled once. */
function protocolSpec(): Promise<OpenAPIBackend> {
  return (spec ??= new OpenAPIBackend({
    definition: JSON.parse(fs.readFileSync(SPEC, 'utf8')),
    strict: true,
    validate: true,
    ajvOpts: { strict: false, allErrors: true },
    customizeAjv: (ajv) => ajv.addFormat('date-time', { type: 'string', validate: (v: string) => DATE_TIME.test(v) && !Number.isNaN(Date.parse(v)) }),
  }).init());
}

export interface ProtocolAnswer {
  status: number;
  body: Json;
  headers: IncomingHttpHeaders;
  /** The operation of the spec that answered (undefined outside the protocol, e.g. the token service). */
  operationId?: string;
}

/** Fails unless the answer has `status`; the message carries the body, so a refusal explains itself. */
export function expectStatus(answer: ProtocolAnswer, status: number, code?: string): Json {
  assert.equal(answer.status, status, `${answer.operationId ?? 'the call'} answered ${answer.status} ${JSON.stringify(answer.body)}, not ${status}${code ? ` ${code}` : ''}`);
  if (code) assert.equal(answer.body.error?.code ?? answer.body.error, code, JSON.stringify(answer.body));
  return answer.body;
}

async function checkAgainstSpec(method: string, url: URL, answer: ProtocolAnswer): Promise<void> {
  if (!url.pathname.startsWith('/arc/')) return;
  const api = await protocolSpec();
  const operation = api.matchOperation({ method, path: url.pathname, headers: {} });
  assert.ok(operation, `${method} ${url.pathname} is not an operation of the agent protocol's spec`);
  answer.operationId = operation.operationId;
  // Dereferenced at init: every response is an object, no $ref.
  const responses = (operation.responses ?? {}) as Record<string, { content?: Record<string, unknown> }>;
  const declared = Object.keys(responses);
  assert.ok(declared.includes(String(answer.status)), `${operation.operationId} answered ${answer.status}, a status its spec does not declare (${declared.join(', ')}): ${JSON.stringify(answer.body)}`);
  if (Object.keys(responses[String(answer.status)].content ?? {}).length) {
    assert.match(String(answer.headers['content-type']), /^application\/json/, `${operation.operationId}: content type`);
  }
  const result = api.validateResponse(answer.body, operation, answer.status);
  assert.ok(result.valid, `${operation.operationId} ${answer.status} does not match the spec: ${JSON.stringify(result.errors)}\n${JSON.stringify(answer.body)}`);
}

/** What IdentityCertificate_Issue answers: the certificate, and where the cluster goes with it. */
export interface IssuedCertificate extends IssuedIdentityCertificate {
  clusterId: string;
  location: string;
  tokenEndpoint: string;
  dataPlaneEndpoint: string;
}

/** Calls of the agent protocol against one running Arclight. */
export class AgentProtocol {
  constructor(private readonly server: { url: string; caCertPem: string }) {}

  /** One HTTPS request; answers of /arc endpoints are checked against the spec. */
  async call(method: string, url: string, o: { token?: string; json?: unknown; form?: Record<string, string> } = {}): Promise<ProtocolAnswer> {
    const target = new URL(url, this.server.url);
    const text = o.form ? new URLSearchParams(o.form).toString() : o.json === undefined ? undefined : JSON.stringify(o.json);
    const headers: Record<string, string> = {};
    if (text !== undefined) headers['Content-Type'] = o.form ? 'application/x-www-form-urlencoded' : 'application/json';
    if (o.token) headers.Authorization = `Bearer ${o.token}`;
    const answer = await new Promise<ProtocolAnswer>((resolve, reject) => {
      const req = https.request(target, { method, headers, ca: this.server.caCertPem }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const raw = Buffer.concat(chunks).toString('utf8');
          try {
            resolve({ status: res.statusCode!, headers: res.headers, body: raw ? JSON.parse(raw) : undefined });
          } catch {
            reject(new Error(`${method} ${target.pathname}: ${res.statusCode} with a body that is not JSON: ${raw.slice(0, 200)}`));
          }
        });
      });
      req.on('error', reject);
      req.end(text);
    });
    await checkAgainstSpec(method, target, answer);
    return answer;
  }

  discover(query: { clusterId?: string; location?: string }): Promise<ProtocolAnswer> {
    return this.call('GET', `/arc/his/discovery?${new URLSearchParams(query as Record<string, string>)}`);
  }

  /** POST {identityEndpoint}/certificates with a proof signed by `onboardingKey`. */
  requestCertificate(identityEndpoint: string, clusterId: string, onboardingKey: KeyObject, extra: { claims?: Record<string, unknown>; publicKey?: string } = {}): Promise<ProtocolAnswer> {
    const audience = `${identityEndpoint}/certificates`;
    const proof = signProof(onboardingKey, clusterId, audience, extra.claims);
    return this.call('POST', audience, { json: { clusterId, proof, ...(extra.publicKey ? { publicKey: extra.publicKey } : {}) } });
  }

  /** The client-assertion grant for the cluster identity, for an ARM audience. */
  token(issued: IssuedCertificate, privateKey: KeyObject): Promise<ProtocolAnswer> {
    return this.call('POST', issued.tokenEndpoint, {
      form: { grant_type: 'client_credentials', client_id: issued.clientId, scope: ARM_SCOPE, client_assertion_type: JWT_BEARER, client_assertion: signClientAssertion(issued.certificate, privateKey, issued.clientId, issued.tokenEndpoint) },
    });
  }

  heartbeat(dataPlaneEndpoint: string, token: string, metadata: Record<string, unknown>): Promise<ProtocolAnswer> {
    return this.call('POST', `${dataPlaneEndpoint}/heartbeat`, { token, json: metadata });
  }

  desiredState(dataPlaneEndpoint: string, token: string): Promise<ProtocolAnswer> {
    return this.call('GET', `${dataPlaneEndpoint}/configurations`, { token });
  }

  report(dataPlaneEndpoint: string, token: string, collection: string, name: string, report: Record<string, unknown>): Promise<ProtocolAnswer> {
    return this.call('POST', `${dataPlaneEndpoint}/configurations/${collection}/${encodeURIComponent(name)}/status`, { token, json: report });
  }

  /** What an agent does before its first heartbeat: discovery, certificate (Arclight-generated key), token. */
  async signIn(clusterId: string, onboardingKey: KeyObject): Promise<{ issued: IssuedCertificate; token: string }> {
    const endpoints = expectStatus(await this.discover({ clusterId }), 200);
    const issued: IssuedCertificate = expectStatus(await this.requestCertificate(endpoints.identityEndpoint, clusterId, onboardingKey), 200);
    const token = expectStatus(await this.token(issued, createPrivateKey(issued.privateKey!)), 200).access_token as string;
    return { issued, token };
  }
}
