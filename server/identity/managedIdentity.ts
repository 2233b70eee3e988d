/**
 * Managed identity endpoints, for code that believes it runs inside Azure:
 *   App Service  GET  /msi/token?api-version=2019-08-01&resource=...  header X-IDENTITY-HEADER
 *                (and 2017-09-01 with header `secret`: MSI_ENDPOINT + MSI_SECRET clients)
 *   Cloud Shell  POST /msi/token  form resource=...  header Metadata: true
 *   IMDS         GET  /metadata/identity/oauth2/token?api-version=...&resource=...  header Metadata: true
 * The identity is the one a request names (client_id, principal_id/object_id, mi_res_id/msi_res_id)
 * or the default managed identity. Error bodies follow each service's shape: App Service's
 * `{statusCode, message, correlationId}`, IMDS's `{error, error_description}`.
 */
import { isKnownResource } from './audiences';
import { authorityUrls } from './authority';
import { entraErrors } from './entraErrors';
import type { Principals } from './principals';
import type { IssuedToken, TokenService } from './tokenService';

/** The value IDENTITY_HEADER (and MSI_SECRET) must have: fixed, so test set-ups can hard-code it. */
export const IDENTITY_HEADER = 'arclight-identity-header';

export interface MsiDeps {
  principals: Principals;
  tokens: TokenService;
}

export interface MsiRequest {
  baseUrl: string;
  params: Record<string, string>;
  header: (name: string) => string | undefined;
  correlationId: string;
}

export interface MsiResponse {
  status: number;
  body: Record<string, unknown>;
}

/** A refusal, worded for each service: App Service's message and IMDS's error/description. */
interface Refusal {
  message: string;
  imds: { error: string; description: string };
}

type Outcome = { token: IssuedToken; clientId: string } | { refusal: Refusal };

function issue(d: MsiDeps, req: MsiRequest): Outcome {
  const p = req.params;
  const resource = p.resource;
  if (!resource) {
    const missing = "Required query variable 'resource' is missing";
    return { refusal: { message: missing, imds: { error: 'invalid_request', description: missing } } };
  }
  const identity = d.principals.managedIdentity({
    clientId: p.client_id ?? p.clientid, objectId: p.principal_id ?? p.object_id, resourceId: p.mi_res_id ?? p.msi_res_id,
  });
  if (!identity) {
    return { refusal: { message: 'Unable to load the proper Managed Identity.', imds: { error: 'invalid_request', description: 'Identity not found' } } };
  }
  if (!isKnownResource(resource, req.baseUrl, (id) => d.principals.get(id)?.principal.tenantId === identity.tenantId)) {
    const err = entraErrors.resourceNotFound(resource, identity.tenantId);
    const text = `AADSTS${err.code}: ${err.message}`;
    return { refusal: { message: text, imds: { error: err.error, description: text } } };
  }
  const token = d.tokens.issue(identity, resource, authorityUrls.tokenIssuer(req.baseUrl, identity.tenantId), 'managedIdentity');
  return { token, clientId: identity.clientId };
}

const appServiceError = (status: number, message: string, req: MsiRequest): MsiResponse =>
  ({ status, body: { statusCode: status, message, correlationId: req.correlationId } });

/** App Service (2019-08-01, X-IDENTITY-HEADER) and its older 2017-09-01 form (header `secret`). */
export function appServiceToken(d: MsiDeps, req: MsiRequest): MsiResponse {
  const apiVersion = req.params['api-version'];
  const secret = apiVersion === '2017-09-01' ? req.header('secret') : req.header('x-identity-header');
  if (apiVersion !== '2019-08-01' && apiVersion !== '2017-09-01') {
    return appServiceError(400, `The api-version '${apiVersion ?? ''}' is not supported: use 2019-08-01 (or 2017-09-01).`, req);
  }
  if (secret !== IDENTITY_HEADER) {
    return appServiceError(401, `The ${apiVersion === '2017-09-01' ? "'secret'" : "'X-IDENTITY-HEADER'"} header is missing or does not match IDENTITY_HEADER.`, req);
  }
  const outcome = issue(d, req);
  if ('refusal' in outcome) return appServiceError(400, outcome.refusal.message, req);
  const { token } = outcome;
  return {
    status: 200,
    body: { access_token: token.accessToken, expires_on: String(token.expiresOn), resource: token.resource, token_type: 'Bearer', client_id: outcome.clientId },
  };
}

/** Cloud Shell (POST form) and IMDS (GET query): both need `Metadata: true` and answer in IMDS's shape. */
export function metadataToken(d: MsiDeps, req: MsiRequest, imds: boolean): MsiResponse {
  const error = (status: number, code: string, description: string): MsiResponse => ({ status, body: { error: code, error_description: description } });
  if (req.header('metadata')?.toLowerCase() !== 'true') return error(400, 'invalid_request', 'Required metadata header not specified');
  if (imds && !req.params['api-version']) return error(400, 'invalid_request', "Required query variable 'api-version' is missing");
  const outcome = issue(d, req);
  if ('refusal' in outcome) return error(400, outcome.refusal.imds.error, outcome.refusal.imds.description);
  const { token } = outcome;
  return {
    status: 200,
    body: {
      access_token: token.accessToken, refresh_token: '', expires_in: String(token.expiresIn), expires_on: String(token.expiresOn),
      not_before: String(token.notBefore), resource: token.resource, token_type: 'Bearer', client_id: outcome.clientId,
    },
  };
}
