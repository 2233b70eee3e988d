/**
 * The client-assertion credential (RFC 7523, `client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer`):
 * a JWT signed with the private key of a certificate registered for the client, naming it by
 * `x5t` (SHA-1) or `x5t#S256` (SHA-256, what MSAL sends with PS256). Checked as Entra does:
 * the registered key (and its validity on the emulator clock), the signature, `iss` = `sub` =
 * client id, `aud` = the token endpoint, `exp`/`nbf` on the emulator clock or on real time, with
 * five minutes' skew.
 */
import jwt from 'jsonwebtoken';
import type { PrincipalEntry } from '../store/principals';
import { audienceMatches } from './authority';
import { thumbprintHex } from '../store/credentials';
import { entraErrors } from './entraErrors';
import type { Principals } from './principals';

export const JWT_BEARER_ASSERTION = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

const ALGORITHMS: jwt.Algorithm[] = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512'];
const SKEW_SECONDS = 300;

export function verifyClientAssertion(
  principals: Principals, entry: PrincipalEntry, assertion: string, clientId: string, audiences: Set<string>, nowMs: number,
): void {
  const decoded = jwt.decode(assertion, { complete: true });
  if (!decoded || typeof decoded.payload !== 'object' || !ALGORITHMS.includes(decoded.header.alg as jwt.Algorithm)) throw entraErrors.malformedAssertion();
  const header = decoded.header as jwt.JwtHeader & { 'x5t#S256'?: string };
  const named = header['x5t#S256'] ?? header.x5t;
  if (typeof named !== 'string') throw entraErrors.malformedAssertion();
  const thumbprint = thumbprintHex(named);

  const certificate = principals.certificate(entry, header);
  if (!certificate) throw entraErrors.assertionKeyNotFound(thumbprint, entry.principal.clientId);
  if (certificate.notAfter < nowMs) throw entraErrors.assertionKeyExpired(thumbprint, certificate.notBefore, certificate.notAfter);
  try {
    jwt.verify(assertion, certificate.pem, { algorithms: ALGORITHMS, ignoreExpiration: true, ignoreNotBefore: true });
  } catch {
    throw entraErrors.assertionBadSignature(thumbprint, certificate.notBefore, certificate.notAfter);
  }

  const claims = decoded.payload as jwt.JwtPayload;
  if (typeof claims.iss !== 'string' || claims.iss.toLowerCase() !== clientId.toLowerCase()) throw entraErrors.assertionIssuer();
  if (claims.sub !== claims.iss) throw entraErrors.assertionSubject();
  if (!audienceMatches(claims.aud, audiences)) throw entraErrors.assertionAudience();
  const now = Math.floor(nowMs / 1000);
  const exp = typeof claims.exp === 'number' ? claims.exp : undefined;
  const nbf = typeof claims.nbf === 'number' ? claims.nbf : undefined;
  const inRange = (at: number) => exp !== undefined && exp + SKEW_SECONDS >= at && (nbf === undefined || nbf - SKEW_SECONDS <= at);
  // Clients (MSAL, cluster agents) stamp assertions with real time and cannot know the emulator
  // clock: an assertion valid on either clock is in range. The certificate's own validity
  // (above) is judged on the emulator clock, so an expired identity certificate stays expired.
  if (!inRange(now) && !inRange(Math.floor(Date.now() / 1000))) throw entraErrors.assertionTimeRange(now, nbf, exp);
}
