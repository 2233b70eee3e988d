/**
 * The token service's errors in Entra ID's shape: `error`, `error_description` starting with the
 * AADSTS code (plus trace id, correlation id and timestamp lines), `error_codes`, `timestamp`,
 * `trace_id`, `correlation_id`, `error_uri`. Codes and wording are Entra's where known (see the
 * README, "Authentication"). Messages name client ids and thumbprints, never a secret or an assertion.
 */
const DOCS_CERT_CREDENTIALS = 'Review the documentation at https://docs.microsoft.com/azure/active-directory/develop/active-directory-certificate-credentials .';

export class EntraError extends Error {
  constructor(readonly status: number, readonly error: string, readonly code: number, message: string) {
    super(message);
  }
}

/** Entra prints times as "2023-05-06 06:03:00Z". */
export function entraTimestamp(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}

/** .NET's round-trip format (seven fractional digits), as AADSTS700024 prints instants. */
function roundTrip(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace(/\.(\d{3})Z$/, '.$10000Z');
}

/** "Start=MM/dd/yyyy HH:mm:ss, End=..." as AADSTS700027 describes a registered key. */
function keyWindow(notBefore: number, notAfter: number): string {
  const fmt = (ms: number) => {
    const d = new Date(ms);
    const p = (n: number) => String(n).padStart(2, '0');
    return `${p(d.getUTCMonth() + 1)}/${p(d.getUTCDate())}/${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
  };
  return `Start=${fmt(notBefore)}, End=${fmt(notAfter)}`;
}

export interface ErrorContext {
  baseUrl: string;
  traceId: string;
  correlationId: string;
  nowMs: number;
}

export function entraErrorBody(err: EntraError, ctx: ErrorContext) {
  const timestamp = entraTimestamp(ctx.nowMs);
  return {
    error: err.error,
    error_description: `AADSTS${err.code}: ${err.message}\r\nTrace ID: ${ctx.traceId}\r\nCorrelation ID: ${ctx.correlationId}\r\nTimestamp: ${timestamp}`,
    error_codes: [err.code],
    timestamp,
    trace_id: ctx.traceId,
    correlation_id: ctx.correlationId,
    error_uri: `${ctx.baseUrl}/error?code=${err.code}`,
  };
}

export const entraErrors = {
  tenantNotFound: (tenant: string, error = 'invalid_request') =>
    new EntraError(400, error, 90002,
      `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.`),
  commonEndpoint: () =>
    new EntraError(400, 'invalid_request', 9001023, 'The grant type is not supported over the /common or /consumers endpoints. Please use the /organizations or tenant-specific endpoint.'),
  noTenantInformation: () =>
    new EntraError(400, 'invalid_request', 50059, 'No tenant-identifying information found in either the request or implied by any provided credentials.'),
  postOnly: (method: string) =>
    new EntraError(400, 'invalid_request', 900561, `The endpoint only accepts POST requests. Received a ${method} request.`),
  missingParameter: (name: string) =>
    new EntraError(400, 'invalid_request', 900144, `The request body must contain the following parameter: '${name}'.`),
  unsupportedGrant: (grant: string) =>
    new EntraError(400, 'unsupported_grant_type', 70003, `The app requested an unsupported grant type '${grant}'.`),
  applicationNotFound: (clientId: string, tenant: string) =>
    new EntraError(400, 'unauthorized_client', 700016,
      `Application with identifier '${clientId}' was not found in the directory '${tenant}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`),
  credentialMissing: () =>
    new EntraError(401, 'invalid_client', 7000218, "The request body must contain the following parameter: 'client_assertion' or 'client_secret'."),
  invalidSecret: (clientId: string) =>
    new EntraError(401, 'invalid_client', 7000215,
      `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${clientId}'.`),
  malformedAssertion: () => new EntraError(400, 'invalid_request', 50027, 'JWT token is invalid or malformed.'),
  assertionKeyNotFound: (thumbprint: string, clientId: string) =>
    new EntraError(401, 'invalid_client', 700027,
      `Client assertion contains an invalid signature. [Reason - The key was not found., Thumbprint of key used by client: '${thumbprint}', Please visit the Azure Portal, Graph Explorer or directly use MS Graph to see configured keys for app Id '${clientId}'. Review the documentation at https://docs.microsoft.com/en-us/graph/deployments to determine the corresponding service endpoint and https://docs.microsoft.com/en-us/graph/api/application-get?view=graph-rest-1.0&tabs=http to build a query request URL, such as 'https://graph.microsoft.com/beta/applications/${clientId}'].`),
  assertionBadSignature: (thumbprint: string, notBefore: number, notAfter: number) =>
    new EntraError(401, 'invalid_client', 700027,
      `Client assertion contains an invalid signature. [Reason - The provided signature value did not match the expected signature value., Thumbprint of key used by client: '${thumbprint}', Found key '${keyWindow(notBefore, notAfter)}'].`),
  assertionKeyExpired: (thumbprint: string, notBefore: number, notAfter: number) =>
    new EntraError(401, 'invalid_client', 700027,
      `Client assertion contains an invalid signature. [Reason - The key used is expired., Thumbprint of key used by client: '${thumbprint}', Found key '${keyWindow(notBefore, notAfter)}'].`),
  assertionTimeRange: (nowSeconds: number, nbf: number | undefined, exp: number | undefined) =>
    new EntraError(401, 'invalid_client', 700024,
      `Client assertion is not within its valid time range. Current time: ${roundTrip(nowSeconds)}, assertion valid from ${roundTrip(nbf ?? 0)}, expiry time of assertion ${roundTrip(exp ?? 0)}. Review the documentation at https://learn.microsoft.com/entra/identity-platform/certificate-credentials .`),
  assertionAudience: () => new EntraError(401, 'invalid_client', 700023, `Client assertion audience claim does not match Realm issuer. ${DOCS_CERT_CREDENTIALS}`),
  assertionIssuer: () => new EntraError(401, 'invalid_client', 700021, `Client assertion application identifier doesn't match 'client_id' parameter. ${DOCS_CERT_CREDENTIALS}`),
  assertionSubject: () => new EntraError(401, 'invalid_client', 50048, 'Subject must match the issuer claim in the client assertion.'),
  scopeNotDefault: (scope: string) =>
    new EntraError(400, 'invalid_scope', 1002012,
      `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`),
  severalResources: (scope: string) =>
    new EntraError(400, 'invalid_scope', 28000, `Provided value for the input parameter scope is not valid because it contains more than one resource. Scope ${scope} is not valid.`),
  resourceNotFound: (resource: string, tenant: string) =>
    new EntraError(400, 'invalid_resource', 500011,
      `The resource principal named ${resource} was not found in the tenant named ${tenant}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.`),
};
