/**
 * Audiences: which resources the token service issues tokens for, how a scope names one, and
 * which audiences ARM accepts.
 */

/** ARM's audiences, in the order Azure lists them in InvalidAuthenticationTokenAudience. */
const ARM_AUDIENCES = ['https://management.core.windows.net/', 'https://management.core.windows.net', 'https://management.azure.com/', 'https://management.azure.com'];

/**
 * What ARM accepts: Azure's audiences plus Arclight's own base URL, because the JS ARM SDKs ask
 * for `<endpoint>/.default` and the endpoint is Arclight.
 */
export function armAudiences(baseUrl: string): string[] {
  return [...ARM_AUDIENCES, `${baseUrl}/`, baseUrl];
}

const ARM_AUDIENCE_SET = new Set(ARM_AUDIENCES);

/** Checked on every ARM request with an Arclight token, so without building lists. */
export function isArmAudience(aud: unknown, baseUrl: string): boolean {
  if (typeof aud !== 'string') return false;
  const a = aud.toLowerCase();
  if (ARM_AUDIENCE_SET.has(a)) return true;
  const base = baseUrl.toLowerCase();
  return a === base || a === `${base}/`;
}

/**
 * Resource principals every tenant has (matched without trailing slashes): ARM, the two Graph
 * APIs and Azure Monitor (the Arc agents' audience). Registered principals are resources too,
 * by client id or `api://{clientId}`.
 */
export const FIRST_PARTY_RESOURCES = new Set([
  'https://management.azure.com',
  'https://management.core.windows.net',
  'https://graph.microsoft.com',
  'https://graph.windows.net',
  'https://monitoring.azure.com',
]);

const bare = (uri: string) => uri.toLowerCase().replace(/\/+$/, '');

export function isKnownResource(resource: string, baseUrl: string, principalExists: (clientId: string) => boolean): boolean {
  const r = bare(resource);
  if (FIRST_PARTY_RESOURCES.has(r) || r === bare(baseUrl)) return true;
  const clientId = r.startsWith('api://') ? r.slice('api://'.length) : r;
  return /^[0-9a-f-]{36}$/.test(clientId) && principalExists(clientId);
}

const OIDC_SCOPES = new Set(['openid', 'profile', 'offline_access', 'email']);
const DEFAULT_SUFFIX = '/.default';

export type ScopeResult =
  | { resource: string }
  | { error: 'missing' }
  | { error: 'notDefault'; scope: string }
  | { error: 'severalResources'; scope: string };

/**
 * The resource a client-credentials `scope` asks for: `X/.default` means X, and Azure CLI's
 * `https://management.core.windows.net//.default` means `https://management.core.windows.net/`.
 */
export function resourceOfScope(scopeParam: string | undefined): ScopeResult {
  const scopes = (scopeParam ?? '').split(/\s+/).filter((s) => s && !OIDC_SCOPES.has(s.toLowerCase()));
  if (!scopes.length) return { error: 'missing' };
  const notDefault = scopes.find((s) => !s.endsWith(DEFAULT_SUFFIX) || s.length === DEFAULT_SUFFIX.length);
  if (notDefault) return { error: 'notDefault', scope: notDefault };
  const resources = [...new Set(scopes.map((s) => s.slice(0, -DEFAULT_SUFFIX.length)))];
  if (resources.length > 1) return { error: 'severalResources', scope: scopes.join(' ') };
  return { resource: resources[0] };
}
