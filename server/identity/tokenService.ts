/**
 * Issues Arclight's access tokens and recognises them again for ARM.
 *
 * Tokens are RS256 JWTs shaped like the v1 tokens Entra issues for ARM to applications:
 * `aud`, `iss` (`{base}/{tenant}/`), `iat`/`nbf` (backdated five minutes, as Entra does) and
 * `exp` from the emulator clock, `appid`, `appidacr` (1 secret, 2 certificate or managed
 * identity), `idp`, `idtyp: app`, `oid`/`sub`, `tid`, `uti`, `ver`, and `xms_mirid` for
 * managed identities.
 */
import { randomBytes } from 'crypto';
import jwt from 'jsonwebtoken';
import type { Clock } from '../core/clock';
import type { PrincipalRecord } from '../store/principals';
import type { Claims, TokenVerifier } from './armAuthentication';
import type { Principals } from './principals';
import type { Jwk, SigningKey } from './signingKey';

export const TOKEN_LIFETIME_SECONDS = 3599;
const BACKDATE_SECONDS = 300;

export type AuthenticationMethod = 'secret' | 'certificate' | 'managedIdentity';

export interface IssuedToken {
  accessToken: string;
  /** Seconds from now. */
  expiresIn: number;
  /** Epoch seconds, on the emulator clock. */
  expiresOn: number;
  notBefore: number;
  resource: string;
}

export class TokenService implements TokenVerifier {
  constructor(private readonly clock: Clock, private readonly key: SigningKey, private readonly principals: Principals) {}

  /** A token for `principal` with audience `resource`; `issuer` is the token's `iss` (see authorityUrls). */
  issue(principal: PrincipalRecord, resource: string, issuer: string, method: AuthenticationMethod): IssuedToken {
    const key = this.key.get();
    const now = Math.floor(this.clock.nowMs() / 1000);
    const iat = now - BACKDATE_SECONDS;
    const exp = now + TOKEN_LIFETIME_SECONDS;
    const claims: Claims = {
      aud: resource,
      iss: issuer,
      iat,
      nbf: iat,
      exp,
      appid: principal.clientId,
      appidacr: method === 'secret' ? '1' : '2',
      idp: issuer,
      idtyp: 'app',
      oid: principal.objectId,
      sub: principal.objectId,
      tid: principal.tenantId,
      uti: randomBytes(16).toString('base64url'),
      ver: '1.0',
      ...(principal.kind === 'ManagedIdentity' && principal.resourceId ? { xms_mirid: principal.resourceId } : {}),
    };
    // iat is in the payload, so jsonwebtoken keeps it rather than stamping real time (noTimestamp would drop it).
    const accessToken = jwt.sign(claims, key.privateKey, { algorithm: 'RS256', keyid: key.kid, header: { alg: 'RS256', typ: 'JWT', x5t: key.kid } });
    return { accessToken, expiresIn: TOKEN_LIFETIME_SECONDS, expiresOn: exp, notBefore: iat, resource };
  }

  /** The published signing key (created on first use). */
  jwk(): Jwk {
    return this.key.get().jwk;
  }

  /** By key id alone: no key yet means no token of ours exists. */
  isOurs(header: Claims): boolean {
    const key = this.key.peek();
    return !!key && header.kid === key.kid;
  }

  verify(token: string): Claims | undefined {
    const key = this.key.peek();
    if (!key) return undefined;
    try {
      // Lifetime, audience and tenant are ARM's to judge (with its own error codes), so only the signature is checked here.
      return jwt.verify(token, key.publicKey, { algorithms: ['RS256'], ignoreExpiration: true, ignoreNotBefore: true }) as Claims;
    } catch {
      return undefined;
    }
  }

  mayReach(claims: Claims, subscriptionId: string): boolean {
    const only = typeof claims.appid === 'string' ? this.principals.get(claims.appid)?.principal.subscriptions : undefined;
    return !only || only.includes(subscriptionId.toLowerCase());
  }

  principalExists(claims: Claims): boolean {
    return typeof claims.appid === 'string' && typeof claims.tid === 'string' && this.principals.exists(claims.appid, claims.tid);
  }
}
