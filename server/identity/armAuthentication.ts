/**
 * ARM's bearer-token check. Modes (--auth):
 *   off      no check at all;
 *   lenient  (default) tokens Arclight issued are checked as in strict; any other well-formed,
 *            unexpired JWT is accepted, so tests that bring their own fake token keep working;
 *            a token's lifetime holds when it holds on either clock, real time or the emulator's;
 *   strict   only Arclight's tokens: signature against its key, exp/nbf with a small skew, an
 *            allowed audience, the token's tenant must own the subscription in the path and its
 *            principal must still exist there.
 * The caller's claims become systemData's createdBy/lastModifiedBy. Verified tokens are cached
 * (by their text) until they expire, so a client's repeated calls cost one map lookup.
 */
import jwt from 'jsonwebtoken';
import type { AuthMode } from '../core/config';
import { isPlainObject } from '../core/plainData';
import type { Clock } from '../core/clock';
import { ArmError } from '../kit/armErrors';
import type { SubscriptionRecord } from '../store/directory';
import type { Caller, PrincipalType } from '../kit/handlers';
import { ARM_NAMESPACE } from '../kit/resourceIds';
import { armAudiences, isArmAudience } from './audiences';
import { authorizationFailed, requestAuthorization, type RequestAuthorization } from './authorizationFailed';

export type Claims = Record<string, unknown>;

/** What the token service offers the ARM check (see tokenService.ts). */
export interface TokenVerifier {
  /** Whether Arclight issued this token (by its key id), without checking anything else. */
  isOurs(header: Claims, payload: Claims): boolean;
  /** The claims when the signature is Arclight's, else undefined; lifetime, audience and tenant are checked here. */
  verify(token: string): Claims | undefined;
  /** Whether the principal the claims name still exists in their tenant (tokens outlive deleted principals). */
  principalExists(claims: Claims): boolean;
  /** Whether the claims' principal may reach the subscription (a test worker's principal reaches its own only). */
  mayReach?(claims: Claims, subscriptionId: string): boolean;
}

export interface AuthInput {
  header: string | undefined;
  subscription?: SubscriptionRecord;
  subscriptionId?: string;
  baseUrl: string;
  /** The request, for the action and scope AuthorizationFailed names. */
  method?: string;
  path?: string;
  namespace?: string;
}

type Challenge = (error: string, description: string) => Record<string, string>;

interface CheckedToken {
  caller: Caller;
  claims: Claims;
  /** Issued by Arclight: checked as in strict mode whatever the mode. */
  ours: boolean;
  exp?: number;
  /** Only for Arclight's own tokens (see check). */
  nbf?: number;
}

const SKEW_SECONDS = 300;

/** The header and claims of a JWT (unverified), or undefined when it is not one with an object payload. */
export function decodeJwt(token: string): { header: Claims; payload: Claims } | undefined {
  const decoded = jwt.decode(token, { complete: true });
  if (!decoded || !isPlainObject(decoded.payload)) return undefined;
  return { header: decoded.header as unknown as Claims, payload: decoded.payload };
}

/** How ARM files a caller in systemData: users by UPN, applications and managed identities by id. */
export function callerFromClaims(claims: Claims): Caller {
  const str = (k: string) => (typeof claims[k] === 'string' ? (claims[k] as string) : undefined);
  const upn = str('upn') ?? str('unique_name') ?? str('email') ?? str('preferred_username');
  const appId = str('appid') ?? str('azp');
  let type: PrincipalType;
  if (str('xms_mirid')) type = 'ManagedIdentity';
  else if (str('idtyp') === 'user' || (upn && str('idtyp') !== 'app')) type = 'User';
  else type = 'Application';
  const name = type === 'User' ? upn ?? str('oid') : appId ?? str('oid');
  return { name, type, tenantId: str('tid'), objectId: str('oid'), appId };
}

const invalidToken = (challenge: Challenge, description: string) =>
  new ArmError(401, 'InvalidAuthenticationToken', 'The access token is invalid.', { gateway: true, headers: challenge('invalid_token', description) });

export class ArmAuthenticator {
  private readonly cache = new Map<string, CheckedToken>();
  /** The callers of Arclight's own (verified) tokens: only they are subject to role assignments. */
  private readonly verifiedCallers = new WeakSet<Caller>();

  constructor(private readonly mode: AuthMode, private readonly clock: Clock, private readonly verifier?: TokenVerifier) {}

  authenticate(input: AuthInput): Caller {
    if (this.mode === 'off') return {};
    // Clients find a subscription's tenant from authorization_uri; without one it names no tenant.
    const challenge: Challenge = (error, description) => {
      const tenant = input.subscription?.tenantId ?? '';
      return { 'WWW-Authenticate': `Bearer authorization_uri="${input.baseUrl}/${tenant}", error="${error}", error_description="${description}"` };
    };
    const header = input.header;
    if (!header) {
      throw new ArmError(401, 'AuthenticationFailed', "Authentication failed. The 'Authorization' header is missing.",
        { gateway: true, headers: challenge('invalid_token', "The authentication failed because of missing 'Authorization' header.") });
    }
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!m) {
      throw new ArmError(401, 'AuthenticationFailedInvalidHeader', "Authentication failed. The 'Authorization' header is provided in an invalid format.",
        { gateway: true, headers: challenge('invalid_token', "The authentication failed because of invalid 'Authorization' header.") });
    }
    const token = m[1];
    const checked = this.cached(token) ?? this.check(token, challenge);
    if (checked.ours) {
      if (!isArmAudience(checked.claims.aud, input.baseUrl)) throw wrongAudience(checked.claims.aud, input.baseUrl, challenge);
      this.checkTenant(checked, input, challenge);
    }
    return checked.caller;
  }

  /** Whether the caller came from a token Arclight issued and verified (not a lenient foreign one). */
  isVerified(caller: Caller): boolean {
    return this.verifiedCallers.has(caller);
  }

  private cached(token: string): CheckedToken | undefined {
    const hit = this.cache.get(token);
    if (hit && this.lifetimeProblem(hit.exp, hit.nbf) === undefined) return hit;
    if (hit) this.cache.delete(token);
    return undefined;
  }

  private check(token: string, challenge: Challenge): CheckedToken {
    const decoded = decodeJwt(token);
    if (!decoded) throw invalidToken(challenge, 'The access token is invalid.');
    const ours = this.verifier?.isOurs(decoded.header, decoded.payload) ?? false;
    let claims = decoded.payload;
    if (ours) {
      const verified = this.verifier!.verify(token);
      if (!verified) throw invalidToken(challenge, 'The access token signature is invalid.');
      claims = verified;
    } else if (this.mode === 'strict') {
      throw invalidToken(challenge, 'The access token was not issued by a trusted authority.');
    }
    const exp = typeof claims.exp === 'number' ? claims.exp : undefined;
    // Only for Arclight's own tokens: a foreign token's nbf says nothing about the emulator clock.
    const nbf = ours && typeof claims.nbf === 'number' ? claims.nbf : undefined;
    const problem = this.lifetimeProblem(exp, nbf);
    if (problem === 'expired') throw expired(exp!, this.clock.nowMs() / 1000, challenge);
    if (problem === 'notYetValid') throw invalidToken(challenge, 'The access token is not yet valid.');
    const checked: CheckedToken = { caller: callerFromClaims(claims), claims, ours, exp, nbf };
    if (ours) this.verifiedCallers.add(checked.caller);
    if (this.cache.size >= 10_000) this.cache.clear();
    this.cache.set(token, checked);
    return checked;
  }

  /**
   * Lenient: a lifetime that holds on real time holds, so a test that moves the clock 91 days
   * keeps the credential it cached an hour ago. Strict judges by the emulator clock alone.
   */
  private lifetimeProblem(exp: number | undefined, nbf: number | undefined): 'expired' | 'notYetValid' | undefined {
    if (this.mode !== 'strict' && lifetimeAt(exp, nbf, Date.now() / 1000) === undefined) return undefined;
    return lifetimeAt(exp, nbf, this.clock.nowMs() / 1000);
  }

  /**
   * Arclight's tokens against the subscription in the path: a token from another tenant is
   * 401 InvalidAuthenticationTokenTenant (the check ARM makes on the issuer before anything
   * else); a token from the right tenant whose principal no longer exists there is 403
   * AuthorizationFailed (as ARM's role check answers a principal without access).
   */
  private checkTenant(checked: CheckedToken, input: AuthInput, challenge: Challenge): void {
    if (!input.subscription) return;
    const tenantId = typeof checked.claims.tid === 'string' ? checked.claims.tid : '';
    if (tenantId.toLowerCase() !== input.subscription.tenantId.toLowerCase()) {
      const authority = `${input.baseUrl}/${input.subscription.tenantId}`;
      throw new ArmError(401, 'InvalidAuthenticationTokenTenant',
        `The access token is from the wrong issuer '${input.baseUrl}/${tenantId}/'. It must match the tenant '${authority}/' associated with this subscription. Please use the authority (URL) '${authority}' to get the token. Note, if the subscription is transferred to another tenant there is no impact to the services, but information about new tenant could take time to propagate (up to an hour). If you just transferred your subscription and see this error message, please try back later.`,
        { gateway: true, headers: challenge('invalid_token', 'The access token is from the wrong issuer.') });
    }
    if (!this.verifier!.principalExists(checked.claims)) {
      const { action, scope } = authorization(input);
      throw authorizationFailed(checked.caller, action, scope);
    }
    if (this.verifier!.mayReach && !this.verifier!.mayReach(checked.claims, input.subscription.subscriptionId)) throw unreachable(checked, input);
  }
}

/**
 * A principal of the subscription's tenant without access to it: ARM answers a read of the
 * subscription itself 404 SubscriptionNotFound (it is not among the caller's subscriptions),
 * and anything inside it 403 AuthorizationFailed naming the action and scope.
 */
function unreachable(checked: CheckedToken, input: AuthInput): ArmError {
  const segments = (input.path ?? '').split('/').filter(Boolean);
  if (segments.length === 2 && (input.method ?? 'GET').toUpperCase() === 'GET') {
    return new ArmError(404, 'SubscriptionNotFound', `The subscription '${input.subscriptionId ?? ''}' could not be found.`, { gateway: true });
  }
  const { action, scope } = authorization(input);
  return authorizationFailed(checked.caller, action, scope);
}

function wrongAudience(aud: unknown, baseUrl: string, challenge: Challenge): ArmError {
  const allowed = armAudiences(baseUrl).map((a) => `'${a}'`).join(',');
  return new ArmError(401, 'InvalidAuthenticationTokenAudience',
    `The access token has been obtained for wrong audience or resource '${Array.isArray(aud) ? aud.join(',') : String(aud ?? '')}'. It should exactly match with one of the allowed audiences ${allowed}.`,
    { gateway: true, headers: challenge('invalid_token', 'The access token has been obtained for wrong audience or resource.') });
}

/** The RBAC action and scope of a request, as AuthorizationFailed names them. */
function authorization(input: AuthInput): RequestAuthorization {
  return requestAuthorization(input.method ?? 'GET', (input.path ?? '').split('/').filter(Boolean), input.namespace ?? ARM_NAMESPACE);
}

/** .NET's invariant "M/d/yyyy h:mm:ss tt", as ARM prints times in this message. */
function dotnetTime(seconds: number): string {
  const d = new Date(seconds * 1000);
  const h = d.getUTCHours() % 12 || 12;
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCMonth() + 1}/${d.getUTCDate()}/${d.getUTCFullYear()} ${h}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} ${d.getUTCHours() < 12 ? 'AM' : 'PM'}`;
}

function lifetimeAt(exp: number | undefined, nbf: number | undefined, now: number): 'expired' | 'notYetValid' | undefined {
  if (exp !== undefined && exp + SKEW_SECONDS < now) return 'expired';
  if (nbf !== undefined && nbf - SKEW_SECONDS > now) return 'notYetValid';
  return undefined;
}

export function expired(exp: number, now: number, challenge: Challenge): ArmError {
  const fmt = dotnetTime;
  return new ArmError(401, 'ExpiredAuthenticationToken', `The access token expiry UTC time '${fmt(exp)}' is earlier than current UTC time '${fmt(now)}'.`,
    { gateway: true, headers: challenge('invalid_token', 'The access token has expired.') });
}
