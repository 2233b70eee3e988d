/**
 * Managed identity endpoints: App Service (2019-08-01 and 2017-09-01), Cloud Shell and IMDS,
 * identity selection, the tokens they issue, and their refusals in each service's shape.
 */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import jwt from 'jsonwebtoken';
import request from 'supertest';
import { TENANT, testArclight, TestArclight } from '../../support/arclight';
import { DEFAULT_MANAGED_IDENTITY_CLIENT_ID, DEFAULT_MANAGED_IDENTITY_RESOURCE_ID } from '../../../server/identity/principals';
import { IDENTITY_HEADER } from '../../../server/identity/managedIdentity';
import { createArclight } from '../../../server/arclight';

const HOST = 'arclight.test:8443';
const MI_CLIENT = '99999999-0000-0000-0000-000000000001';
const MI_PRINCIPAL = '99999999-0000-0000-0000-000000000002';
const MI_RESOURCE = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/ops/providers/Microsoft.ManagedIdentity/userAssignedIdentities/deployer';
const ARM = 'https://management.azure.com/';

describe('identity: managed identity endpoints', () => {
  let a: TestArclight;
  let seedDir: string;
  before(async () => {
    seedDir = fs.mkdtempSync(path.join(os.tmpdir(), 'arclight-seed-'));
    const seed = path.join(seedDir, 'seed.json');
    fs.writeFileSync(seed, JSON.stringify({ managedIdentities: [{ clientId: MI_CLIENT, principalId: MI_PRINCIPAL, resourceId: MI_RESOURCE, displayName: 'deployer' }] }));
    a = await testArclight({ seed });
  });
  after(() => {
    a.close();
    fs.rmSync(seedDir, { recursive: true, force: true });
  });

  const appService = (query: string, header: Record<string, string> = { 'X-IDENTITY-HEADER': IDENTITY_HEADER }) =>
    request(a.app).get(`/msi/token?${query}`).set('Host', HOST).set(header);
  const claimsOf = (token: string) => jwt.decode(token) as jwt.JwtPayload;
  const q = (params: Record<string, string>) => new URLSearchParams(params).toString();

  describe('App Service (IDENTITY_ENDPOINT + IDENTITY_HEADER)', () => {
    it('issues a token for the default identity with xms_mirid, oid and appid', async () => {
      const res = await appService(q({ 'api-version': '2019-08-01', resource: ARM })).expect(200);
      assert.deepEqual(Object.keys(res.body).sort(), ['access_token', 'client_id', 'expires_on', 'resource', 'token_type']);
      assert.equal(res.body.resource, ARM);
      assert.equal(res.body.client_id, DEFAULT_MANAGED_IDENTITY_CLIENT_ID);
      const c = claimsOf(res.body.access_token);
      assert.equal(String(c.exp), res.body.expires_on);
      assert.equal(c.aud, ARM);
      assert.equal(c.appid, DEFAULT_MANAGED_IDENTITY_CLIENT_ID);
      assert.equal(c.xms_mirid, DEFAULT_MANAGED_IDENTITY_RESOURCE_ID);
      assert.equal(c.idtyp, 'app');
      assert.equal(c.appidacr, '2');
      assert.equal(c.tid, TENANT);
      assert.equal(c.iss, `http://${HOST}/${TENANT}/`);
    });

    it('selects a seeded identity by client_id, principal_id, object_id or mi_res_id', async () => {
      const picks: Array<Record<string, string>> = [{ client_id: MI_CLIENT }, { principal_id: MI_PRINCIPAL }, { object_id: MI_PRINCIPAL }, { mi_res_id: MI_RESOURCE }];
      for (const pick of picks) {
        const res = await appService(q({ 'api-version': '2019-08-01', resource: ARM, ...pick })).expect(200);
        const c = claimsOf(res.body.access_token);
        assert.equal(c.appid, MI_CLIENT, JSON.stringify(pick));
        assert.equal(c.oid, MI_PRINCIPAL);
        assert.equal(c.xms_mirid, MI_RESOURCE);
      }
    });

    it('serves the 2017-09-01 form (MSI_ENDPOINT + MSI_SECRET) with the secret header', async () => {
      const res = await appService(q({ 'api-version': '2017-09-01', resource: ARM, clientid: MI_CLIENT }), { secret: IDENTITY_HEADER }).expect(200);
      assert.equal(claimsOf(res.body.access_token).appid, MI_CLIENT);
    });

    it('answers in App Service\'s error shape', async () => {
      const unknown = await appService(q({ 'api-version': '2019-08-01', resource: ARM, client_id: '12345678-1234-1234-1234-123456789012' })).expect(400);
      assert.deepEqual(unknown.body, { statusCode: 400, message: 'Unable to load the proper Managed Identity.', correlationId: unknown.headers['x-ms-request-id'] });
      const noHeader = await appService(q({ 'api-version': '2019-08-01', resource: ARM }), {}).expect(401);
      assert.equal(noHeader.body.statusCode, 401);
      await appService(q({ 'api-version': '2019-08-01', resource: ARM }), { 'X-IDENTITY-HEADER': 'guess' }).expect(401);
      const noResource = await appService(q({ 'api-version': '2019-08-01' })).expect(400);
      assert.equal(noResource.body.message, "Required query variable 'resource' is missing");
      const badResource = await appService(q({ 'api-version': '2019-08-01', resource: 'https://nothing.example' })).expect(400);
      assert.match(badResource.body.message, /^AADSTS500011: The resource principal named https:\/\/nothing\.example was not found/);
      await appService(q({ 'api-version': '2099-01-01', resource: ARM })).expect(400);
    });
  });

  describe('Cloud Shell (MSI_ENDPOINT, POST) and IMDS', () => {
    it('issues a token for a form POST with Metadata: true, in IMDS\'s shape', async () => {
      const res = await request(a.app).post('/msi/token').set('Host', HOST).set('Metadata', 'true').type('form').send({ resource: ARM }).expect(200);
      assert.equal(res.body.token_type, 'Bearer');
      assert.equal(res.body.expires_in, '3599');
      assert.match(res.body.expires_on, /^\d+$/);
      assert.match(res.body.not_before, /^\d+$/);
      assert.equal(res.body.resource, ARM);
      assert.equal(claimsOf(res.body.access_token).xms_mirid, DEFAULT_MANAGED_IDENTITY_RESOURCE_ID);
    });

    it('refuses a request without Metadata: true', async () => {
      const res = await request(a.app).post('/msi/token').set('Host', HOST).type('form').send({ resource: ARM }).expect(400);
      assert.deepEqual(res.body, { error: 'invalid_request', error_description: 'Required metadata header not specified' });
    });

    it('serves the IMDS path for clients that can point IMDS elsewhere', async () => {
      const path = `/metadata/identity/oauth2/token?${q({ 'api-version': '2018-02-01', resource: ARM, client_id: MI_CLIENT })}`;
      const res = await request(a.app).get(path).set('Host', HOST).set('Metadata', 'true').expect(200);
      assert.equal(claimsOf(res.body.access_token).appid, MI_CLIENT);
      const missing = await request(a.app).get(`/metadata/identity/oauth2/token?${q({ resource: ARM })}`).set('Metadata', 'true').expect(400);
      assert.equal(missing.body.error_description, "Required query variable 'api-version' is missing");
      const unknown = await request(a.app).get(`/metadata/identity/oauth2/token?${q({ 'api-version': '2018-02-01', resource: ARM, client_id: '12345678-1234-1234-1234-123456789012' })}`)
        .set('Metadata', 'true').expect(400);
      assert.deepEqual(unknown.body, { error: 'invalid_request', error_description: 'Identity not found' });
    });
  });

  it('lets a seeded identity marked default take the built-in one\'s place', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'arclight-seed-'));
    const seed = path.join(dir, 'seed.json');
    fs.writeFileSync(seed, JSON.stringify({ managedIdentities: [{ clientId: MI_CLIENT, default: true }] }));
    const other = await createArclight({ inMemory: true, seed, logSink: () => undefined });
    try {
      assert.equal(other.services.principals.managedIdentity({})?.clientId, MI_CLIENT);
      assert.match(other.services.principals.managedIdentity({})!.resourceId!, /\/userAssignedIdentities\/identity-99999999$/);
      assert.equal(a.services.principals.managedIdentity({})?.clientId, DEFAULT_MANAGED_IDENTITY_CLIENT_ID);
    } finally {
      other.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
