/**
 * The identity endpoints, served on Arclight's own origin before ARM:
 *   /{tenant}/v2.0/.well-known/openid-configuration   /{tenant}/.well-known/openid-configuration
 *   /{tenant}/oauth2/v2.0/token   /{tenant}/oauth2/token
 *   /{tenant}/discovery/v2.0/keys   /{tenant}/discovery/keys   (/common/discovery/keys is one of these)
 *   /adfs/.well-known/openid-configuration   /adfs/oauth2/token   /adfs/discovery/keys
 *   /msi/token (App Service GET, Cloud Shell POST)   /metadata/identity/oauth2/token (IMDS)
 * `{tenant}` is a tenant id or domain, or common/organizations/consumers.
 */
import express, { Request, Response, Router } from 'express';
import { setOwn } from '../../core/plainData';
import { readRawBody } from '../../gateway/body';
import { sendJson } from '../../gateway/responses';
import { baseUrlOf } from '../../gateway/baseUrl';
import type { Services } from '../services';
import { Authority, resolveAuthority } from '../../identity/authority';
import { entraErrors } from '../../identity/entraErrors';
import { appServiceToken, metadataToken, MsiRequest, MsiResponse } from '../../identity/managedIdentity';
import { adfsDocument, jwksDocument, v1Document, v2Document } from '../../identity/oidcDocuments';
import { grantToken, TokenFlavour } from '../../identity/tokenEndpoint';

export const MSI_PATH = '/msi/token';
export const IMDS_PATH = '/metadata/identity/oauth2/token';

type Handler = (req: Request, res: Response) => Promise<void> | void;

/** First value of each parameter, keys as sent. */
function firstValues(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(text)) if (!Object.hasOwn(out, k)) setOwn(out, k, v);
  return out;
}

const queryOf = (req: Request) => firstValues(req.url.includes('?') ? req.url.slice(req.url.indexOf('?') + 1) : '');

/** client_secret_basic: `Basic base64(urlencode(id):urlencode(secret))` (RFC 6749 2.3.1). */
function basicCredentials(header: string | undefined): { clientId: string; secret: string } | undefined {
  const m = /^Basic\s+(\S+)\s*$/i.exec(header ?? '');
  if (!m) return undefined;
  const text = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = text.indexOf(':');
  if (colon < 0) return undefined;
  const decode = (v: string) => decodeURIComponent(v.replace(/\+/g, ' '));
  try {
    return { clientId: decode(text.slice(0, colon)), secret: decode(text.slice(colon + 1)) };
  } catch {
    return undefined;
  }
}

export function identityRoutes(s: Services): Router {
  const router = express.Router();
  const deps = { principals: s.principals, tokens: s.tokens, clock: s.clock };

  const readForm = async (req: Request) => firstValues((await readRawBody(req, s.config.bodyLimit)).toString('utf8'));

  const authorityOf = (req: Request, error?: string): Authority => {
    const segment = String(req.params.tenant);
    const authority = resolveAuthority(segment, s.store.directory);
    if (!authority) throw entraErrors.tenantNotFound(segment, error);
    return authority;
  };

  const jwks: Handler = (req, res) => {
    if (req.params.tenant !== undefined) authorityOf(req, 'invalid_tenant');
    sendJson(res, 200, jwksDocument(s.tokens.jwk()));
  };

  const token = (flavour: TokenFlavour): Handler => async (req, res) => {
    if (req.method !== 'POST') throw entraErrors.postOnly(req.method);
    const authority: Authority = flavour === 'adfs' ? { kind: 'adfs', segment: 'adfs' } : authorityOf(req);
    const params = await readForm(req);
    const label = `POST ${req.path}`;
    s.logger.debugBody(`${label} request`, params);
    const body = grantToken(deps, { flavour, authority, params, basic: basicCredentials(req.headers.authorization), baseUrl: baseUrlOf(req) });
    s.logger.debugBody(`${label} response 200`, body);
    sendJson(res, 200, body);
  };

  router.get('/adfs/.well-known/openid-configuration', (req, res) => sendJson(res, 200, adfsDocument(baseUrlOf(req))));
  router.get('/adfs/discovery/keys', jwks);
  router.all('/adfs/oauth2/token', token('adfs'));

  router.get('/:tenant/v2.0/.well-known/openid-configuration', (req, res) => sendJson(res, 200, v2Document(baseUrlOf(req), authorityOf(req, 'invalid_tenant'))));
  router.get('/:tenant/.well-known/openid-configuration', (req, res) => sendJson(res, 200, v1Document(baseUrlOf(req), authorityOf(req, 'invalid_tenant'))));
  router.get('/:tenant/discovery/v2.0/keys', jwks);
  router.get('/:tenant/discovery/keys', jwks);
  router.all('/:tenant/oauth2/v2.0/token', token('v2'));
  router.all('/:tenant/oauth2/token', token('v1'));

  const msi = (answer: (r: MsiRequest) => MsiResponse, withForm: boolean): Handler => async (req, res) => {
    const params = { ...queryOf(req), ...(withForm ? await readForm(req) : {}) };
    const traceId = String(res.getHeader('x-ms-request-id') ?? '');
    const result = answer({ baseUrl: baseUrlOf(req), params, header: (name) => req.header(name), correlationId: traceId });
    s.logger.debugBody(`${req.method} ${req.path} response ${result.status}`, result.body);
    sendJson(res, result.status, result.body);
  };
  router.get(MSI_PATH, msi((r) => appServiceToken(deps, r), false));
  router.post(MSI_PATH, msi((r) => metadataToken(deps, r, false), true));
  router.get(IMDS_PATH, msi((r) => metadataToken(deps, r, true), false));
  return router;
}
