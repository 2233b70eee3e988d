/**
 * Authorities: the first path segment of every token-service URL (a tenant id or domain,
 * `common`/`organizations`/`consumers`, or `adfs`), and the URLs built from it. Everything is
 * built from the base URL the client used, so issuers share scheme, host and port with the
 * authority (MSAL checks it).
 */
import type { DirectoryStore, TenantRecord } from '../store/directory';

export type Authority =
  | { kind: 'tenant'; segment: string; tenant: TenantRecord }
  | { kind: 'multiTenant'; segment: string }
  | { kind: 'adfs'; segment: 'adfs' };

const MULTI_TENANT = new Set(['common', 'organizations', 'consumers']);

/** The authority a path segment names; undefined for a tenant Arclight does not have. */
export function resolveAuthority(segment: string, directory: DirectoryStore): Authority | undefined {
  const lower = segment.toLowerCase();
  if (lower === 'adfs') return { kind: 'adfs', segment: 'adfs' };
  if (MULTI_TENANT.has(lower)) return { kind: 'multiTenant', segment: lower };
  const tenant = directory.tenant(lower) ??
    directory.tenants().find((t) => t.defaultDomain.toLowerCase() === lower || t.domains.some((d) => d.toLowerCase() === lower));
  return tenant ? { kind: 'tenant', segment, tenant } : undefined;
}

/** How endpoints name the authority: a tenant by its GUID, whatever alias the client used. */
function pathOf(a: Authority): string {
  return a.kind === 'tenant' ? a.tenant.tenantId : a.segment;
}

export const authorityUrls = {
  /** The `iss` of every access token Arclight issues (Entra's v1 form, as ARM tokens are). */
  tokenIssuer: (base: string, tenantId: string) => `${base}/${tenantId}/`,
  adfsIssuer: (base: string) => `${base}/adfs`,
  v2Issuer: (base: string, a: Authority) => `${base}/${a.kind === 'tenant' ? a.tenant.tenantId : '{tenantid}'}/v2.0`,
  v2Token: (base: string, a: Authority) => `${base}/${pathOf(a)}/oauth2/v2.0/token`,
  v1Token: (base: string, a: Authority) => `${base}/${pathOf(a)}/oauth2/token`,
  adfsToken: (base: string) => `${base}/adfs/oauth2/token/`,
  v2Keys: (base: string, a: Authority) => `${base}/${pathOf(a)}/discovery/v2.0/keys`,
  v1Keys: (base: string) => `${base}/common/discovery/keys`,
  adfsKeys: (base: string) => `${base}/adfs/discovery/keys`,
  path: (base: string, a: Authority, rest: string) => `${base}/${pathOf(a)}/${rest}`,
};

const bare = (url: string) => url.toLowerCase().replace(/\/+$/, '');

/**
 * What a client assertion's `aud` may be: the token endpoint it is sent to (v1 or v2, the
 * tenant named by GUID or by the alias in the request) or the v2 issuer, as Entra accepts.
 */
export function assertionAudiences(base: string, a: Authority): Set<string> {
  if (a.kind === 'adfs') return new Set([bare(authorityUrls.adfsToken(base)), bare(authorityUrls.adfsIssuer(base))]);
  const names = a.kind === 'tenant' ? [a.segment, a.tenant.tenantId] : [a.segment];
  return new Set(names.flatMap((n) => [`${base}/${n}/oauth2/v2.0/token`, `${base}/${n}/oauth2/token`, `${base}/${n}/v2.0`].map(bare)));
}

export function audienceMatches(aud: unknown, accepted: Set<string>): boolean {
  return typeof aud === 'string' && accepted.has(bare(aud));
}
