/**
 * The token endpoint's grant: client credentials, authenticated by a client secret (in the
 * body or HTTP Basic) or a client assertion. Three flavours share it:
 *   v2    /{tenant}/oauth2/v2.0/token   scope=<resource>/.default
 *   v1    /{tenant}/oauth2/token        resource=<resource>
 *   adfs  /adfs/oauth2/token            scope or resource; the client's own tenant
 * Checks run in Entra's order: grant type, authority, client, credential, then the resource.
 */
import type { Clock } from '../core/clock';
import type { PrincipalEntry } from '../store/principals';
import { isKnownResource, resourceOfScope } from './audiences';
import { assertionAudiences, Authority, authorityUrls } from './authority';
import { JWT_BEARER_ASSERTION, verifyClientAssertion } from './clientAssertion';
import { entraErrors } from './entraErrors';
import type { Principals } from './principals';
import type { AuthenticationMethod, TokenService } from './tokenService';

export type TokenFlavour = 'v1' | 'v2' | 'adfs';

export interface TokenRequest {
  flavour: TokenFlavour;
  authority: Authority;
  params: Record<string, string>;
  /** client_secret_basic: id and secret from the Authorization header. */
  basic?: { clientId: string; secret: string };
  baseUrl: string;
}

export interface TokenDeps {
  principals: Principals;
  tokens: TokenService;
  clock: Clock;
}

export function grantToken(d: TokenDeps, req: TokenRequest): Record<string, unknown> {
  const { params, authority } = req;
  const grant = params.grant_type;
  if (!grant) throw entraErrors.missingParameter('grant_type');
  if (grant !== 'client_credentials') throw entraErrors.unsupportedGrant(grant);
  if (authority.kind === 'multiTenant') throw authority.segment === 'organizations' ? entraErrors.noTenantInformation() : entraErrors.commonEndpoint();

  const clientId = params.client_id ?? req.basic?.clientId;
  if (!clientId) throw entraErrors.missingParameter('client_id');
  const entry = d.principals.get(clientId);
  const tenantName = authority.kind === 'tenant' ? authority.segment : 'adfs';
  if (!entry || (authority.kind === 'tenant' && entry.principal.tenantId !== authority.tenant.tenantId.toLowerCase())) {
    throw entraErrors.applicationNotFound(clientId, tenantName);
  }
  const method = authenticate(d, req, entry, clientId);

  const resource = requestedResource(req);
  const tenantId = entry.principal.tenantId;
  if (!isKnownResource(resource, req.baseUrl, (id) => d.principals.get(id)?.principal.tenantId === tenantId)) {
    throw entraErrors.resourceNotFound(resource, authority.kind === 'tenant' ? authority.segment : tenantId);
  }
  const issuer = authority.kind === 'adfs' ? authorityUrls.adfsIssuer(req.baseUrl) : authorityUrls.tokenIssuer(req.baseUrl, tenantId);
  const token = d.tokens.issue(entry.principal, resource, issuer, method);

  if (req.flavour === 'v1') {
    // v1 answers numbers as strings.
    return {
      token_type: 'Bearer', expires_in: String(token.expiresIn), ext_expires_in: String(token.expiresIn),
      expires_on: String(token.expiresOn), not_before: String(token.notBefore), resource, access_token: token.accessToken,
    };
  }
  return { token_type: 'Bearer', expires_in: token.expiresIn, ext_expires_in: token.expiresIn, access_token: token.accessToken };
}

function authenticate(d: TokenDeps, req: TokenRequest, entry: PrincipalEntry, clientId: string): AuthenticationMethod {
  const { params } = req;
  if (params.client_assertion !== undefined) {
    if (params.client_assertion_type !== JWT_BEARER_ASSERTION) throw entraErrors.missingParameter('client_assertion_type');
    verifyClientAssertion(d.principals, entry, params.client_assertion, clientId, assertionAudiences(req.baseUrl, req.authority), d.clock.nowMs());
    return 'certificate';
  }
  const secret = params.client_secret ?? req.basic?.secret;
  if (secret === undefined) throw entraErrors.credentialMissing();
  if (!d.principals.secretMatches(entry, secret)) throw entraErrors.invalidSecret(entry.principal.clientId);
  return 'secret';
}

function requestedResource(req: TokenRequest): string {
  const { params } = req;
  if (req.flavour === 'v1' || (req.flavour === 'adfs' && params.resource && !params.scope)) {
    if (!params.resource) throw entraErrors.missingParameter('resource');
    return params.resource;
  }
  const scope = resourceOfScope(params.scope);
  if ('resource' in scope) return scope.resource;
  if (scope.error === 'missing') throw entraErrors.missingParameter('scope');
  throw scope.error === 'notDefault' ? entraErrors.scopeNotDefault(scope.scope) : entraErrors.severalResources(scope.scope);
}
