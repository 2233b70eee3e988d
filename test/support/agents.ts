/**
 * The cluster agents' side of the protocol, for supertest: proofs of possession signed with an
 * onboarding key, identity certificates, and tokens of the cluster identity. Requests carry a
 * fixed Host, so the endpoints Arclight names (audiences included) are predictable.
 */
import { createHash, KeyObject, randomUUID, X509Certificate, createPrivateKey } from 'crypto';
import jwt from 'jsonwebtoken';
import request from 'supertest';
import type { Express } from 'express';
import { agentKeys } from './keys';

export const HOST = 'arclight.test';
export const BASE = `http://${HOST}`;

export const identityEndpoint = (region = 'eastus') => `${BASE}/arc/regions/${region}/his`;
export const dataPlane = (region = 'eastus') => `/arc/regions/${region}/dataplane`;

/** A proof of possession of `key` (default: the pooled onboarding key 0) for `clusterId`. */
export function proofFor(clusterId: string, o: { key?: KeyObject; audience?: string; iat?: number; lifetime?: number; sub?: string } = {}): string {
  const iat = o.iat ?? Math.floor(Date.now() / 1000);
  return jwt.sign({ sub: o.sub ?? clusterId, aud: o.audience ?? `${identityEndpoint()}/certificates`, iat, exp: iat + (o.lifetime ?? 300), jti: randomUUID() },
    o.key ?? agentKeys().privateKey, { algorithm: 'RS256' });
}

export function requestCertificate(app: Express, clusterId: string, o: { region?: string; proof?: string; publicKey?: string } = {}) {
  const region = o.region ?? 'eastus';
  const proof = o.proof ?? proofFor(clusterId, { audience: `${identityEndpoint(region)}/certificates` });
  return request(app).post(`/arc/regions/${region}/his/certificates`).set('Host', HOST)
    .send({ clusterId, proof, ...(o.publicKey ? { publicKey: o.publicKey } : {}) });
}

export interface IssuedCertificate {
  clientId: string;
  tenantId: string;
  principalId: string;
  certificate: string;
  privateKey: string;
  notAfter: string;
  tokenEndpoint: string;
}

/** A token of the cluster identity, from a client assertion signed with the certificate's key. */
export async function clusterToken(app: Express, issued: IssuedCertificate): Promise<string> {
  const der = new X509Certificate(issued.certificate).raw;
  const key = createPrivateKey(issued.privateKey);
  const iat = Math.floor(Date.now() / 1000);
  const assertion = jwt.sign({ iss: issued.clientId, sub: issued.clientId, aud: issued.tokenEndpoint, iat, nbf: iat, exp: iat + 600 }, key,
    { algorithm: 'ES256', header: { alg: 'ES256', 'x5t#S256': createHash('sha256').update(der).digest('base64url') } as jwt.JwtHeader });
  const res = await request(app).post(new URL(issued.tokenEndpoint).pathname).set('Host', HOST).type('form').send({
    grant_type: 'client_credentials', client_id: issued.clientId, scope: 'https://management.azure.com/.default',
    client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: assertion,
  });
  if (res.status !== 200) throw new Error(`cluster token: ${res.status} ${res.text}`);
  return res.body.access_token;
}

/** Certificate and token for a cluster whose onboarding key is the pooled key 0. */
export async function onboard(app: Express, clusterId: string): Promise<{ issued: IssuedCertificate; token: string }> {
  const res = await requestCertificate(app, clusterId);
  if (res.status !== 200) throw new Error(`certificate: ${res.status} ${res.text}`);
  return { issued: res.body, token: await clusterToken(app, res.body) };
}
