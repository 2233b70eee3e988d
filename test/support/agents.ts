/**
 * The cluster agents' side of the protocol, for supertest (the HTTPS form is agentProtocol.ts):
 * proofs of possession, identity certificates and tokens of the cluster identity, signed as
 * `arclight agent` signs them. Requests carry a fixed Host, so the endpoints Arclight names
 * (audiences included) are predictable.
 */
import { createPrivateKey, KeyObject } from 'crypto';
import request from 'supertest';
import type { Express } from 'express';
import { signClientAssertion, signProof } from '../../protocol/agentCredentials';
import type { IssuedCertificate } from './agentProtocol';
import { agentKeys } from './keys';

export const HOST = 'arclight.test';
export const BASE = `http://${HOST}`;

export const identityEndpoint = (region = 'eastus') => `${BASE}/arc/regions/${region}/his`;
export const dataPlane = (region = 'eastus') => `/arc/regions/${region}/dataplane`;

/** A proof of possession of `key` (default: the pooled onboarding key 0); `claims` override the signed ones. */
export function proofFor(clusterId: string, o: { key?: KeyObject; audience?: string; claims?: Record<string, unknown> } = {}): string {
  return signProof(o.key ?? agentKeys().privateKey, clusterId, o.audience ?? `${identityEndpoint()}/certificates`, o.claims);
}

export function requestCertificate(app: Express, clusterId: string, o: { region?: string; proof?: string; publicKey?: string } = {}) {
  const region = o.region ?? 'eastus';
  const proof = o.proof ?? proofFor(clusterId, { audience: `${identityEndpoint(region)}/certificates` });
  return request(app).post(`/arc/regions/${region}/his/certificates`).set('Host', HOST)
    .send({ clusterId, proof, ...(o.publicKey ? { publicKey: o.publicKey } : {}) });
}

/** A token of the cluster identity, from a client assertion signed with the certificate's key. */
export async function clusterToken(app: Express, issued: IssuedCertificate): Promise<string> {
  const assertion = signClientAssertion(issued.certificate, createPrivateKey(issued.privateKey!), issued.clientId, issued.tokenEndpoint);
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
