/**
 * ARM's bearer-token check. Modes (--auth):
 *   off      no check at all;
 *   lenient  (default) tokens Arclight issued are checked as in strict; any other well-formed,
 *            unexpired JWT is accepted, so tests that bring their own fake token keep working;
 *   strict   signature against Arclight's keys, exp/nbf with a small skew, an allowed audience,
 *            and the token's tenant must own the subscription in the path.
 * The caller's claims become systemData's createdBy/lastModifiedBy.
 */
import type { AuthMode } from '../config';
import type { Clock } from '../clock';
import { ArmError } from '../http/armErrors';
import type { SubscriptionRecord } from '../store/directory';
import type { Caller, PrincipalType } from '../arm/handlers';

export type Claims = Record<string, unknown>;

/** What the token service offers the ARM check (see tokenService.ts). */
export interface TokenVerifier {
  /** Whether Arclight issued this token (by its issuer and key id), without checking anything else. */
  isOurs(header: Claims, payload: Claims): boolean;
  /** Verifies signature, lifetime and audience of a token Arclight issued; throws ArmError otherwise. */
  verify(token: string, baseUrl: string): Claims;
}

export interface AuthInput {
  header: string | undefined;
  subscription?: SubscriptionRecord;
  subscriptionId?: string;
  baseUrl: string;
}

const SKEW_SECONDS = 300;

export function decodeJwt(token: string): { header: Claims; payload: Claims } | undefined {
  const parts = token.split('.');
  if (parts.length !== 3 || !parts[0] || !parts[1]) return undefined;
  try {
    const header = JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8'));
    const payload = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
    if (!header || typeof header !== 'object' || !payload || typeof payload !== 'object') return undefined;
    return { header, payload };
  } catch {
    return undefined;
  }
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

export class ArmAuthenticator {
  private readonly cache = new Map<string, { caller: Caller; tenantId?: string; exp?: number }>();

  constructor(private readonly mode: AuthMode, private readonly clock: Clock, private readonly verifier?: TokenVerifier) {}

  authenticate(input: AuthInput): Caller {
    if (this.mode === 'off') return {};
    // Clients find a subscription's tenant from authorization_uri; without one it names no tenant.
    const challenge = (error: string, description: string) => {
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
    const entry = this.cached(token) ?? this.check(token, input.baseUrl, challenge);
    this.checkTenant(entry.tenantId, input, challenge);
    return entry.caller;
  }

  private cached(token: string) {
    const hit = this.cache.get(token);
    if (hit && (hit.exp === undefined || hit.exp + SKEW_SECONDS > this.clock.nowMs() / 1000)) return hit;
    if (hit) this.cache.delete(token);
    return undefined;
  }

  private check(token: string, baseUrl: string, challenge: (e: string, d: string) => Record<string, string>) {
    const decoded = decodeJwt(token);
    if (!decoded) {
      throw new ArmError(401, 'InvalidAuthenticationToken', 'The access token is invalid.', { gateway: true, headers: challenge('invalid_token', 'The access token is invalid.') });
    }
    let claims = decoded.payload;
    const ours = this.verifier?.isOurs(decoded.header, decoded.payload) ?? false;
    if (ours) {
      claims = this.verifier!.verify(token, baseUrl);
    } else if (this.mode === 'strict') {
      throw new ArmError(401, 'InvalidAuthenticationToken', 'The access token is invalid.',
        { gateway: true, headers: challenge('invalid_token', 'The access token was not issued by a trusted authority.') });
    } else {
      const now = this.clock.nowMs() / 1000;
      const exp = typeof claims.exp === 'number' ? claims.exp : undefined;
      if (exp !== undefined && exp + SKEW_SECONDS < now) throw expired(exp, now, challenge);
    }
    const entry = { caller: callerFromClaims(claims), tenantId: typeof claims.tid === 'string' ? claims.tid : undefined, exp: typeof claims.exp === 'number' ? claims.exp : undefined };
    if (this.cache.size >= 10_000) this.cache.clear();
    this.cache.set(token, entry);
    return entry;
  }

  /** Strict mode and Arclight-issued tokens: the token's tenant must own the subscription. */
  private checkTenant(tenantId: string | undefined, input: AuthInput, challenge: (e: string, d: string) => Record<string, string>): void {
    if (this.mode !== 'strict' || !input.subscription || !tenantId) return;
    if (tenantId.toLowerCase() === input.subscription.tenantId.toLowerCase()) return;
    const authority = `${input.baseUrl}/${input.subscription.tenantId}`;
    throw new ArmError(401, 'InvalidAuthenticationTokenTenant',
      `The access token is from the wrong issuer '${input.baseUrl}/${tenantId}/'. It must match the tenant '${authority}/' associated with this subscription. Please use the authority (URL) '${authority}' to get the token. Note, if the subscription is transferred to another tenant there is no impact to the services, but information about new tenant could take time to propagate (up to an hour). If you just transferred your subscription and see this error message, please try back later.`,
      { gateway: true, headers: challenge('invalid_token', 'The access token is from the wrong issuer.') });
  }
}

/** .NET's invariant "M/d/yyyy h:mm:ss tt", as ARM prints times in this message. */
function dotnetTime(seconds: number): string {
  const d = new Date(seconds * 1000);
  const h = d.getUTCHours() % 12 || 12;
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCMonth() + 1}/${d.getUTCDate()}/${d.getUTCFullYear()} ${h}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} ${d.getUTCHours() < 12 ? 'AM' : 'PM'}`;
}

export function expired(exp: number, now: number, challenge: (e: string, d: string) => Record<string, string>): ArmError {
  const fmt = dotnetTime;
  return new ArmError(401, 'ExpiredAuthenticationToken', `The access token expiry UTC time '${fmt(exp)}' is earlier than current UTC time '${fmt(now)}'.`,
    { gateway: true, headers: challenge('invalid_token', 'The access token has expired.') });
}
