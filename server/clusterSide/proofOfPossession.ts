/**
 * Proof that the caller holds a cluster's onboarding private key: a short-lived JWT signed with
 * it (RS256, PS256 or their longer variants), `sub` the cluster's ARM id, `aud` the endpoint it
 * is sent to, `iat` and `exp` at most ten minutes apart. The signature is checked against the
 * `agentPublicKeyCertificate` the cluster was created with. Time is judged on the emulator clock
 * or on real time: agents stamp proofs with real time and cannot know the emulator clock.
 */
import { createHash, KeyObject } from 'crypto';
import jwt from 'jsonwebtoken';
import { ArmError } from '../kit/armErrors';

const ALGORITHMS: jwt.Algorithm[] = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'];
const MAX_LIFETIME_SECONDS = 600;
const SKEW_SECONDS = 60;

const refused = (why: string) => new ArmError(401, 'InvalidProofOfPossession',
  `The proof of possession of the cluster's onboarding key was refused: ${why}.`);

export interface AcceptedProof {
  /** What identifies this proof: its `jti`, or its SHA-256 when it has none. */
  id: string;
  /** Epoch ms after which no clock accepts it any more. */
  expiresAtMs: number;
}

export function verifyProof(proof: unknown, onboardingKey: KeyObject, clusterId: string, audience: string, nowMs: number): AcceptedProof {
  if (typeof proof !== 'string' || proof.split('.').length !== 3) throw refused('it is not a JWT');
  let claims: jwt.JwtPayload;
  try {
    claims = jwt.verify(proof, onboardingKey, { algorithms: ALGORITHMS, ignoreExpiration: true, ignoreNotBefore: true }) as jwt.JwtPayload;
  } catch {
    throw refused("its signature does not verify with the cluster's agentPublicKeyCertificate (is it signed with the onboarding private key?)");
  }
  if (typeof claims.sub !== 'string' || claims.sub.toLowerCase() !== clusterId.toLowerCase()) throw refused(`'sub' must be the cluster's ARM id`);
  const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  const bare = (u: unknown) => String(u).toLowerCase().replace(/\/+$/, '');
  if (!audiences.some((a) => bare(a) === bare(audience))) throw refused(`'aud' must be ${audience}`);
  const { iat, exp } = claims;
  if (typeof iat !== 'number' || typeof exp !== 'number' || exp <= iat || exp - iat > MAX_LIFETIME_SECONDS) {
    throw refused(`'iat' and 'exp' are required, at most ${MAX_LIFETIME_SECONDS} seconds apart`);
  }
  const inRange = (now: number) => iat - SKEW_SECONDS <= now && now <= exp + SKEW_SECONDS;
  if (!inRange(Math.floor(nowMs / 1000)) && !inRange(Math.floor(Date.now() / 1000))) throw refused('it has expired or is not valid yet');
  const id = typeof claims.jti === 'string' && claims.jti ? `jti:${claims.jti}` : `sha256:${createHash('sha256').update(proof).digest('hex')}`;
  return { id, expiresAtMs: (exp + SKEW_SECONDS) * 1000 };
}

/** The refusal of a proof that was accepted before: a captured proof cannot certify another key. */
export const proofReused = () => refused('it has been used already; sign a new proof (with a new jti) for each certificate request');
