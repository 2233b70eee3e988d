/**
 * Principals: seeding (and refusing bad seed credentials), the API others register managed
 * identities with, and what resets and restarts do to them.
 */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { createArclight } from '../../../server/arclight';
import { SUB, TENANT } from '../../support/arclight';
import { testCertificate } from '../../support/identity';

const CLUSTER_ID = `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Kubernetes/connectedClusters/c1`;

describe('identity: principals', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'arclight-principals-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const writeSeed = (content: object) => {
    const file = path.join(dir, 'seed.json');
    fs.writeFileSync(file, JSON.stringify(content));
    return file;
  };
  const quiet = { logSink: () => undefined };

  it('refuses a seed certificate that carries a private key, or is no certificate', async () => {
    const cert = testCertificate(1);
    const withKey = writeSeed({ servicePrincipals: [{ clientId: '11111111-1111-1111-1111-111111111111', certificate: cert.certPem + cert.keyPem }] });
    await assert.rejects(createArclight({ inMemory: true, seed: withKey, ...quiet }),
      /--seed \S+seed\.json: \$\.servicePrincipals\[0\]\.certificate: give the public certificate only/);
    const garbage = writeSeed({ managedIdentities: [{ clientId: '11111111-1111-1111-1111-111111111111', certificate: 'hello' }] });
    await assert.rejects(createArclight({ inMemory: true, seed: garbage, ...quiet }), /no PEM certificate/);
  });

  it('registers, replaces and removes managed identities with certificate credentials', async () => {
    const a = await createArclight({ inMemory: true, ...quiet });
    try {
      const [one, two] = [testCertificate(1), testCertificate(2)];
      const reg = { clientId: 'AAAAAAAA-0000-0000-0000-000000000001', objectId: 'aaaaaaaa-0000-0000-0000-000000000002', tenantId: TENANT, resourceId: CLUSTER_ID, certificates: [one.certPem] };
      const principal = a.services.principals.putManagedIdentity(reg);
      assert.equal(principal.clientId, 'aaaaaaaa-0000-0000-0000-000000000001');
      assert.equal(principal.kind, 'ManagedIdentity');
      assert.equal(principal.displayName, 'c1');
      const entry = () => a.services.principals.get(reg.clientId);
      assert.ok(a.services.principals.certificate(entry()!, { x5t: one.x5t }));
      assert.ok(a.services.principals.certificate(entry()!, { 'x5t#S256': one.x5tS256 }));

      a.services.principals.putManagedIdentity({ ...reg, certificates: [two.certPem] });
      assert.equal(a.services.principals.certificate(entry()!, { x5t: one.x5t }), undefined, 'replacing drops the old certificate');
      assert.ok(a.services.principals.certificate(entry()!, { x5t: two.x5t }));
      assert.equal(a.services.principals.managedIdentity({ resourceId: CLUSTER_ID.toUpperCase() })?.clientId, principal.clientId);

      a.services.principals.removeUnder(`/subscriptions/${SUB}/resourceGroups/RG`);
      assert.equal(entry(), undefined);
    } finally {
      a.close();
    }
  });

  it('keeps principals across restarts; a subscription reset removes the managed identities inside it', async () => {
    const reg = { clientId: 'bbbbbbbb-0000-0000-0000-000000000001', objectId: 'bbbbbbbb-0000-0000-0000-000000000002', tenantId: TENANT, resourceId: CLUSTER_ID, certificates: [testCertificate(1).certPem] };
    const first = await createArclight({ dataDir: dir, ...quiet });
    first.services.principals.putManagedIdentity(reg);
    first.close();

    const second = await createArclight({ dataDir: dir, ...quiet });
    try {
      assert.equal(second.services.principals.get(reg.clientId)?.certificates.length, 1);
      second.reset(SUB);
      assert.equal(second.services.principals.get(reg.clientId), undefined);
      assert.ok(second.services.principals.managedIdentity({}), 'the seeded default identity is back after the reset');
      assert.ok(second.services.principals.get('00000000-0000-0000-0000-000000000002'));
    } finally {
      second.close();
    }
  });
});
