/**
 * Nothing secret reaches the log: a run at --log-level debug that uses a client secret, a client
 * assertion, the managed identity header and bearer tokens (good and refused) logs none of them.
 */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import request from 'supertest';
import { CLIENT_ID, TENANT, testArclight } from '../../support/arclight';
import { clusterBody, clusterPath, groupPath } from '../../support/clusters';
import { ARM_SCOPE, clientAssertion, JWT_BEARER, SECRET, testCertificate } from '../../support/identity';
import { IDENTITY_HEADER } from '../../../server/identity/managedIdentity';

describe('identity: secrets never reach the log', () => {
  it('logs neither secrets, assertions, the identity header nor tokens at debug level', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'arclight-seed-'));
    const cert = testCertificate(1);
    const certClient = '44444444-4444-4444-4444-444444444444';
    const seed = path.join(dir, 'seed.json');
    fs.writeFileSync(seed, JSON.stringify({ servicePrincipals: [{ clientId: certClient, certificate: cert.certPem, secret: 'second-secret-value' }] }));
    const a = await testArclight({ logLevel: 'debug', auth: 'strict', seed });
    const sensitive: string[] = [SECRET, 'second-secret-value', 'wrong-secret-value', IDENTITY_HEADER];
    try {
      const token = async (form: Record<string, string>, status = 200) => {
        const res = await request(a.app).post(`/${TENANT}/oauth2/v2.0/token`).set('Host', 'arclight.test').type('form').send(form).expect(status);
        if (res.body.access_token) sensitive.push(res.body.access_token);
        return res.body.access_token as string;
      };
      const bySecret = await token({ grant_type: 'client_credentials', client_id: CLIENT_ID, client_secret: SECRET, scope: ARM_SCOPE });
      await token({ grant_type: 'client_credentials', client_id: certClient, client_secret: 'wrong-secret-value', scope: ARM_SCOPE }, 401);
      const assertion = clientAssertion(cert, { clientId: certClient, audience: `http://arclight.test/${TENANT}/oauth2/v2.0/token` });
      sensitive.push(assertion);
      const byCert = await token({ grant_type: 'client_credentials', client_id: certClient, client_assertion_type: JWT_BEARER, client_assertion: assertion, scope: ARM_SCOPE });
      const msi = await request(a.app).get(`/msi/token?api-version=2019-08-01&resource=${encodeURIComponent(ARM_SCOPE.replace('/.default', ''))}`)
        .set('X-IDENTITY-HEADER', IDENTITY_HEADER).expect(200);
      sensitive.push(msi.body.access_token);

      await request(a.app).put(`${groupPath('rg')}?api-version=2021-04-01`).set('Authorization', `Bearer ${bySecret}`).send({ location: 'eastus' }).expect(201);
      await request(a.app).put(`${clusterPath('rg', 'c1')}?api-version=2021-10-01`).set('Authorization', `Bearer ${byCert}`).send(clusterBody()).expect(201);
      const tampered = `${bySecret.slice(0, -6)}AAAAAA`;
      sensitive.push(tampered);
      await request(a.app).get(`${groupPath('rg')}?api-version=2021-04-01`).set('Authorization', `Bearer ${tampered}`).expect(401);

      const log = a.logs.join('\n');
      assert.ok(a.logs.some((l) => / debug /.test(l)) && a.logs.some((l) => /oauth2\/v2\.0\/token/.test(l)), 'the run logged at debug level');
      for (const s of sensitive) assert.ok(!log.includes(s), `the log contains a secret or token (${s.slice(0, 12)}...)`);
      // Token signatures alone are sensitive enough: no JWT of any kind appears.
      assert.doesNotMatch(log, /eyJ[A-Za-z0-9_-]+\.eyJ[A-Za-z0-9_-]+\./);
    } finally {
      a.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
