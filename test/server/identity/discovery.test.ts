/**
 * Discovery: the OpenID configuration documents (Entra v2 and v1, AD FS), the JWKS, and the
 * signing key behind them (kept in the data directory across restarts, fresh in memory).
 */
import { strict as assert } from 'assert';
import { X509Certificate, createPublicKey } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import jwt from 'jsonwebtoken';
import request from 'supertest';
import { createArclight } from '../../../server/arclight';
import { CLIENT_ID, TENANT, testArclight, TestArclight } from '../../support/arclight';
import { tokenFor } from '../../support/identity';

const HOST = 'arclight.test:8443';
const BASE = `http://${HOST}`;

describe('identity: discovery documents and keys', () => {
  let a: TestArclight;
  before(async () => {
    a = await testArclight();
  });
  after(() => a.close());

  const get = (p: string) => request(a.app).get(p).set('Host', HOST);

  it('serves the v2 document with endpoints and issuer on the authority origin', async () => {
    const res = await get(`/${TENANT}/v2.0/.well-known/openid-configuration`).expect(200);
    assert.equal(res.body.issuer, `${BASE}/${TENANT}/v2.0`);
    assert.equal(res.body.token_endpoint, `${BASE}/${TENANT}/oauth2/v2.0/token`);
    assert.equal(res.body.jwks_uri, `${BASE}/${TENANT}/discovery/v2.0/keys`);
    assert.equal(res.body.authorization_endpoint, `${BASE}/${TENANT}/oauth2/v2.0/authorize`);
    assert.ok(res.body.token_endpoint_auth_methods_supported.includes('private_key_jwt'));
    assert.deepEqual(res.body.id_token_signing_alg_values_supported, ['RS256']);
  });

  it('names the tenant by GUID when the client used its domain', async () => {
    const res = await get('/arclight.local/v2.0/.well-known/openid-configuration').expect(200);
    assert.equal(res.body.token_endpoint, `${BASE}/${TENANT}/oauth2/v2.0/token`);
    assert.equal(res.body.issuer, `${BASE}/${TENANT}/v2.0`);
  });

  it('keeps the {tenantid} placeholder in the issuer of the common document', async () => {
    const res = await get('/common/v2.0/.well-known/openid-configuration').expect(200);
    assert.equal(res.body.issuer, `${BASE}/{tenantid}/v2.0`);
    assert.equal(res.body.token_endpoint, `${BASE}/common/oauth2/v2.0/token`);
  });

  it('serves the v1 document with the v1 issuer and the common keys', async () => {
    const res = await get(`/${TENANT}/.well-known/openid-configuration`).expect(200);
    assert.equal(res.body.issuer, `${BASE}/${TENANT}/`);
    assert.equal(res.body.token_endpoint, `${BASE}/${TENANT}/oauth2/token`);
    assert.equal(res.body.jwks_uri, `${BASE}/common/discovery/keys`);
  });

  it('serves the AD FS document the Azure CLI logs in with', async () => {
    const res = await get('/adfs/.well-known/openid-configuration').expect(200);
    assert.equal(res.body.issuer, `${BASE}/adfs`);
    assert.equal(res.body.token_endpoint, `${BASE}/adfs/oauth2/token/`);
    assert.equal(res.body.jwks_uri, `${BASE}/adfs/discovery/keys`);
    assert.ok(res.body.authorization_endpoint.startsWith(`${BASE}/adfs/`));
  });

  it('answers an unknown tenant with AADSTS90002 in Entra\'s shape', async () => {
    const res = await get('/11111111-2222-3333-4444-555555555555/v2.0/.well-known/openid-configuration').set('client-request-id', 'corr-1').expect(400);
    assert.equal(res.body.error, 'invalid_tenant');
    assert.deepEqual(res.body.error_codes, [90002]);
    assert.match(res.body.error_description, /^AADSTS90002: Tenant '11111111-2222-3333-4444-555555555555' not found\. Check to make sure you have the correct tenant ID and are signing into the correct cloud\./);
    assert.match(res.body.error_description, /\r\nTrace ID: [0-9a-f-]{36}\r\nCorrelation ID: corr-1\r\nTimestamp: \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/);
    assert.equal(res.body.correlation_id, 'corr-1');
    assert.equal(res.body.trace_id, res.headers['x-ms-request-id']);
    assert.match(res.body.timestamp, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/);
    assert.equal(res.body.error_uri, `${BASE}/error?code=90002`);
  });

  it('publishes one RS256 key, at every jwks_uri, whose certificate chains to the CA and verifies issued tokens', async () => {
    const keys = await get(`/${TENANT}/discovery/v2.0/keys`).expect(200);
    assert.equal(keys.body.keys.length, 1);
    const [jwk] = keys.body.keys;
    assert.equal(jwk.kty, 'RSA');
    assert.equal(jwk.use, 'sig');
    assert.equal(jwk.kid, jwk.x5t);
    for (const p of ['/common/discovery/keys', `/${TENANT}/discovery/keys`, '/adfs/discovery/keys']) {
      assert.deepEqual((await get(p).expect(200)).body, keys.body);
    }
    const cert = new X509Certificate(Buffer.from(jwk.x5c[0], 'base64'));
    assert.ok(cert.verify(a.services.ca.publicKey), 'the signing certificate is issued by the Arclight CA');

    const token = await tokenFor(a.app);
    const { header } = jwt.decode(token, { complete: true })!;
    assert.equal(header.kid, jwk.kid);
    assert.equal(header.alg, 'RS256');
    const claims = jwt.verify(token, createPublicKey({ key: jwk, format: 'jwk' }), { algorithms: ['RS256'] }) as jwt.JwtPayload;
    assert.equal(claims.appid, CLIENT_ID);
  });

  it('keeps the signing key across restarts of a data directory, private and mode 0600', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'arclight-keys-'));
    try {
      const first = await createArclight({ dataDir: dir, logSink: () => undefined });
      const kid = (await request(first.app).get('/common/discovery/keys').expect(200)).body.keys[0].kid;
      const token = await tokenFor(first.app);
      first.close();
      const keyFile = path.join(dir, 'keys', 'token-signing-key.pem');
      assert.equal(fs.statSync(keyFile).mode & 0o777, 0o600);

      const second = await createArclight({ dataDir: dir, auth: 'strict', logSink: () => undefined });
      try {
        assert.equal((await request(second.app).get('/common/discovery/keys').expect(200)).body.keys[0].kid, kid);
        // A token issued before the restart still passes strict checks.
        await request(second.app).get('/subscriptions?api-version=2022-12-01').set('Authorization', `Bearer ${token}`).expect(200);
      } finally {
        second.close();
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('creates a fresh key for every in-memory instance, and none until one is needed', async () => {
    const other = await testArclight();
    try {
      assert.equal(other.services.tokens.isOurs({ kid: 'anything' }), false);
      const mine = (await get('/common/discovery/keys')).body.keys[0].kid;
      const theirs = (await request(other.app).get('/common/discovery/keys')).body.keys[0].kid;
      assert.notEqual(mine, theirs);
    } finally {
      other.close();
    }
  });
});
