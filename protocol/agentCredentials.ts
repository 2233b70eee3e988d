/**
 * The two JWTs a cluster's agents sign: the proof of possession of the onboarding key that the
 * identity service asks for, and the client assertion (RFC 7523) that exchanges the identity
 * certificate for a token. Both are stamped with real time: an agent cannot know the emulator
 * clock, and Arclight accepts either.
 */
import { createHash, KeyObject, randomUUID, X509Certificate } from 'crypto';
import jwt from 'jsonwebtoken';

/** RS256, `sub` the cluster's ARM id, `aud` the certificate endpoint, five minutes; `claims` override (tests forge with them). */
export function signProof(onboardingKey: KeyObject, clusterId: string, audience: string, claims: Record<string, unknown> = {}): string {
  const iat = Math.floor(Date.now() / 1000);
  return jwt.sign({ sub: clusterId, aud: audience, iat, exp: iat + 300, jti: randomUUID(), ...claims }, onboardingKey, { algorithm: 'RS256' });
}

/**
 * iss = sub = the identity's client id, aud = the token endpoint, ten minutes, signed with the
 * certificate's key (ES256 or RS256) and naming the certificate by both thumbprints.
 */
export function signClientAssertion(certificatePem: string, key: KeyObject, clientId: string, tokenEndpoint: string): string {
  const der = new X509Certificate(certificatePem).raw;
  const alg = key.asymmetricKeyType === 'ec' ? 'ES256' : 'RS256';
  const iat = Math.floor(Date.now() / 1000);
  const header = { alg, typ: 'JWT', x5t: createHash('sha1').update(der).digest('base64url'), 'x5t#S256': createHash('sha256').update(der).digest('base64url') };
  return jwt.sign({ iss: clientId, sub: clientId, aud: tokenEndpoint, iat, nbf: iat, exp: iat + 600, jti: randomUUID() }, key, { algorithm: alg, header: header as jwt.JwtHeader });
}
