/**
 * Identity helpers: real tokens from Arclight's token endpoint, client certificates (self-signed
 * X.509 over the pooled RSA keys) and client assertions signed with them.
 */
import { createHash, createPublicKey } from 'crypto';
import jwt from 'jsonwebtoken';
import request from 'supertest';
import type { Express } from 'express';
import { createCertificate, KeyUsage } from '../../server/pki/x509';
import { CLIENT_ID, TENANT } from './arclight';
import { agentKeys } from './keys';

export const SECRET = 'arclight-secret';
export const ARM_SCOPE = 'https://management.azure.com/.default';
export const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

export interface TokenOptions {
  tenant?: string;
  clientId?: string;
  secret?: string;
  scope?: string;
  /** Host header: the base URL the token's own-URL audience and issuer are built from. */
  host?: string;
}

/** A token from the v2 endpoint with a client secret (the default service principal unless told otherwise). */
export async function tokenFor(app: Express, o: TokenOptions = {}): Promise<string> {
  const req = request(app).post(`/${o.tenant ?? TENANT}/oauth2/v2.0/token`).type('form');
  if (o.host) req.set('Host', o.host);
  const res = await req
    .send({ grant_type: 'client_credentials', client_id: o.clientId ?? CLIENT_ID, client_secret: o.secret ?? SECRET, scope: o.scope ?? ARM_SCOPE });
  if (res.status !== 200) throw new Error(`token: ${res.status} ${res.text}`);
  return res.body.access_token as string;
}

export interface TestCertificate {
  certPem: string;
  keyPem: string;
  /** base64url thumbprints, as the x5t and x5t#S256 headers carry them. */
  x5t: string;
  x5tS256: string;
  /** Upper-case hex, as Entra prints thumbprints. */
  sha1: string;
}

const DAY_MS = 24 * 3600 * 1000;

/** A self-signed certificate over pooled key `index` (RSA 2048), valid from `notBefore` to `notAfter`. */
export function testCertificate(index = 1, validity: { notBefore?: Date; notAfter?: Date } = {}): TestCertificate {
  const keys = agentKeys(index);
  const publicKey = createPublicKey(keys.privateKey);
  const name = { commonName: `arclight-test-client-${index}` };
  const certPem = createCertificate({
    subject: name, subjectKey: publicKey, issuer: { name, key: keys.privateKey, publicKey },
    notBefore: validity.notBefore ?? new Date(Date.now() - DAY_MS), notAfter: validity.notAfter ?? new Date(Date.now() + 365 * DAY_MS),
    keyUsage: [KeyUsage.digitalSignature],
  });
  const der = Buffer.from(certPem.replace(/-----[^-]+-----|\s/g, ''), 'base64');
  const sha1 = createHash('sha1').update(der).digest();
  return {
    certPem,
    keyPem: keys.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
    x5t: sha1.toString('base64url'),
    x5tS256: createHash('sha256').update(der).digest('base64url'),
    sha1: sha1.toString('hex').toUpperCase(),
  };
}

export interface AssertionOptions {
  clientId: string;
  audience: string;
  /** Epoch seconds the assertion is issued at (default: now). */
  now?: number;
  alg?: 'RS256' | 'PS256';
  thumbprint?: 'x5t' | 'x5t#S256';
  claims?: Record<string, unknown>;
  /** Sign with another key than the certificate's (a forged assertion). */
  signWith?: string;
}

/** A client assertion as MSAL builds one: iss = sub = client id, aud = token endpoint, ten minutes. */
export function clientAssertion(cert: TestCertificate, o: AssertionOptions): string {
  const now = o.now ?? Math.floor(Date.now() / 1000);
  const alg = o.alg ?? 'RS256';
  const header = { alg, typ: 'JWT', ...(o.thumbprint === 'x5t#S256' ? { 'x5t#S256': cert.x5tS256 } : { x5t: cert.x5t }) };
  return jwt.sign({ aud: o.audience, iss: o.clientId, sub: o.clientId, jti: `${now}-${Math.random()}`, nbf: now, exp: now + 600, ...o.claims },
    o.signWith ?? cert.keyPem, { algorithm: alg, header, noTimestamp: true });
}
