/**
 * OpenID Connect discovery documents and the JWKS, in the shapes Entra ID (v1 and v2) and AD FS
 * publish. MSAL JS needs authorization_endpoint, token_endpoint, issuer and jwks_uri, and an
 * issuer on the authority's origin; MSAL Python needs authorization_endpoint and token_endpoint
 * and reads the tenant from the token endpoint's first path segment.
 */
import { Authority, authorityUrls } from './authority';
import type { Jwk } from './signingKey';

const CLAIMS = ['sub', 'iss', 'cloud_instance_name', 'cloud_instance_host_name', 'cloud_graph_host_name', 'msgraph_host', 'aud', 'exp', 'iat',
  'auth_time', 'acr', 'nonce', 'preferred_username', 'name', 'tid', 'ver', 'at_hash', 'c_hash', 'email'];

function cloudInstance(base: string) {
  const host = new URL(base).host;
  return { tenant_region_scope: null, cloud_instance_name: host, cloud_graph_host_name: host, msgraph_host: host, rbac_url: base };
}

export function v2Document(base: string, a: Authority) {
  return {
    token_endpoint: authorityUrls.v2Token(base, a),
    token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
    jwks_uri: authorityUrls.v2Keys(base, a),
    response_modes_supported: ['query', 'fragment', 'form_post'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
    scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
    issuer: authorityUrls.v2Issuer(base, a),
    request_uri_parameter_supported: false,
    authorization_endpoint: authorityUrls.path(base, a, 'oauth2/v2.0/authorize'),
    device_authorization_endpoint: authorityUrls.path(base, a, 'oauth2/v2.0/devicecode'),
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    end_session_endpoint: authorityUrls.path(base, a, 'oauth2/v2.0/logout'),
    claims_supported: CLAIMS,
    kerberos_endpoint: authorityUrls.path(base, a, 'kerberos'),
    ...cloudInstance(base),
  };
}

export function v1Document(base: string, a: Authority) {
  return {
    token_endpoint: authorityUrls.v1Token(base, a),
    token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
    jwks_uri: authorityUrls.v1Keys(base),
    response_modes_supported: ['query', 'fragment', 'form_post'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    response_types_supported: ['code', 'id_token', 'code id_token', 'token id_token', 'token'],
    scopes_supported: ['openid'],
    issuer: a.kind === 'tenant' ? authorityUrls.tokenIssuer(base, a.tenant.tenantId) : `${base}/{tenantid}/`,
    microsoft_multi_refresh_token: true,
    authorization_endpoint: authorityUrls.path(base, a, 'oauth2/authorize'),
    device_authorization_endpoint: authorityUrls.path(base, a, 'oauth2/devicecode'),
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    end_session_endpoint: authorityUrls.path(base, a, 'oauth2/logout'),
    claims_supported: CLAIMS,
    kerberos_endpoint: authorityUrls.path(base, a, 'kerberos'),
    ...cloudInstance(base),
  };
}

export function adfsDocument(base: string) {
  return {
    issuer: authorityUrls.adfsIssuer(base),
    authorization_endpoint: `${base}/adfs/oauth2/authorize/`,
    token_endpoint: authorityUrls.adfsToken(base),
    jwks_uri: authorityUrls.adfsKeys(base),
    token_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic', 'private_key_jwt'],
    response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token', 'code token', 'code id_token token'],
    response_modes_supported: ['query', 'fragment', 'form_post'],
    grant_types_supported: ['client_credentials'],
    subject_types_supported: ['pairwise'],
    scopes_supported: ['openid', 'profile', 'email', 'allatclaims', 'aza'],
    id_token_signing_alg_values_supported: ['RS256'],
    token_endpoint_auth_signing_alg_values_supported: ['RS256', 'PS256', 'ES256'],
    access_token_issuer: authorityUrls.adfsIssuer(base),
    claims_supported: ['aud', 'iss', 'iat', 'exp', 'auth_time', 'nonce', 'at_hash', 'c_hash', 'sub', 'upn', 'unique_name', 'pwd_url', 'pwd_exp', 'sid'],
    microsoft_multi_refresh_token: true,
    end_session_endpoint: `${base}/adfs/oauth2/logout`,
  };
}

export function jwksDocument(jwk: Jwk) {
  return { keys: [jwk] };
}
