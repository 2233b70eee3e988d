/**
 * --seed and --regions files are checked before anything is applied: each mistake is one line
 * naming the flag, the file and the JSON path; unknown keys are refused with the allowed ones;
 * prototype names ("__proto__", "constructor", ...) are plain unknown keys; nesting deeper
 * than 64 levels is refused before any recursive code runs.
 */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { createArclight } from '../../server/arclight';
import { MAX_JSON_DEPTH, tooDeepAt } from '../../server/core/jsonShape';
import { testCertificate } from '../support/identity';
import { failedStart, removeScratch, scratchDir } from '../support/startup';

const quiet = { logSink: () => undefined };
const T1 = '11111111-1111-1111-1111-111111111111';
const S1 = '22222222-2222-2222-2222-222222222222';

describe('seed and region files', () => {
  let dir: string;
  before(() => {
    dir = scratchDir('arclight-files-');
  });
  after(() => removeScratch(dir));

  let files = 0;
  const write = (content: unknown) => {
    const file = path.join(dir, `file-${++files}.json`);
    fs.writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
    return file;
  };

  /** createArclight refuses the file with EINVAL and exactly `message` after "<flag> <file>: ". */
  async function refused(flag: 'seed' | 'regions', content: unknown, message: string | RegExp): Promise<void> {
    const file = write(content);
    await assert.rejects(createArclight({ inMemory: true, [flag]: file, ...quiet }), (err: NodeJS.ErrnoException) => {
      assert.equal(err.code, 'EINVAL', err.message);
      const prefix = `--${flag} ${file}: `;
      assert.ok(err.message.startsWith(prefix), err.message);
      if (typeof message === 'string') assert.equal(err.message.slice(prefix.length), message);
      else assert.match(err.message.slice(prefix.length), message);
      return true;
    });
  }

  describe('--seed', () => {
    it('names the JSON path of a value of the wrong kind', async () => {
      const subscriptions = [{ subscriptionId: S1, tenantId: T1 }, { subscriptionId: S1, tenantId: T1 }, { subscriptionId: S1, tenantId: 'contoso' }];
      await refused('seed', { subscriptions }, "$.subscriptions[2].tenantId: expected a GUID, got 'contoso'");
      await refused('seed', { tenants: [{ tenantId: T1, displayName: 5 }] }, '$.tenants[0].displayName: expected a non-empty string, got 5');
      await refused('seed', { tenants: { tenantId: T1 } }, '$.tenants: expected an array, got an object');
      await refused('seed', { subscriptions: [{ subscriptionId: S1, tenantId: T1, state: 'Paused' }] },
        '$.subscriptions[0].state: expected one of "Enabled", "Warned", "PastDue", "Disabled", "Deleted", got \'Paused\'');
      await refused('seed', { subscriptions: [{ subscriptionId: S1, tenantId: T1, registeredProviders: ['kubernetes'] }] },
        "$.subscriptions[0].registeredProviders[0]: expected a provider namespace such as Microsoft.Kubernetes, got 'kubernetes'");
      await refused('seed', { managedIdentities: [{ clientId: T1, default: 'yes' }] }, "$.managedIdentities[0].default: expected true or false, got 'yes'");
      await refused('seed', { subscriptions: [{ subscriptionId: S1 }] }, '$.subscriptions[0]: missing "tenantId": expected a GUID');
      await refused('seed', [], '$: expected an object, got an array');
    });

    it('checks resource groups against ARM\'s rules and the region catalog', async () => {
      await refused('seed', { resourceGroups: [{ subscriptionId: S1, name: 'rg', location: 'atlantis' }] },
        "$.resourceGroups[0].location: unknown location 'atlantis' (see --regions)");
      await refused('seed', { resourceGroups: [{ subscriptionId: S1, name: 'bad name!', location: 'eastus' }] },
        /^\$\.resourceGroups\[0\]\.name: expected a resource group name .*, got 'bad name!'$/);
      await refused('seed', { resourceGroups: [{ subscriptionId: S1, name: 'rg', location: 'eastus', tags: { 'a/b': 'x' } }] },
        /^\$\.resourceGroups\[0\]\.tags: the key "a\/b" is not a tag name/);
    });

    it('checks certificates, naming where they are', async () => {
      const cert = testCertificate(1);
      await refused('seed', { servicePrincipals: [{ clientId: T1, certificate: cert.certPem + cert.keyPem }] },
        '$.servicePrincipals[0].certificate: give the public certificate only: the PEM contains a private key');
      await refused('seed', { managedIdentities: [{ clientId: T1, certificate: 'hello' }] },
        '$.managedIdentities[0].certificate: no PEM certificate (-----BEGIN CERTIFICATE-----) found');
    });

    it('refuses unknown keys, naming them and the allowed ones', async () => {
      await refused('seed', { tenant: [] }, '$: unknown key "tenant" (allowed: tenants, subscriptions, servicePrincipals, managedIdentities, resourceGroups)');
      await refused('seed', { tenants: [{ tenantID: T1 }] },
        '$.tenants[0]: unknown key "tenantID" (allowed: tenantId, displayName, defaultDomain, domains, countryCode)');
    });

    it('treats "__proto__", "constructor" and "hasOwnProperty" as unknown keys, changing no prototype', async () => {
      await refused('seed', '{"__proto__": {"tenants": 1}}', /^\$: unknown key "__proto__" \(allowed: /);
      await refused('seed', { constructor: [] }, /^\$: unknown key "constructor" \(allowed: /);
      await refused('seed', { hasOwnProperty: 1 }, /^\$: unknown key "hasOwnProperty" \(allowed: /);
      await refused('seed', { tenants: [JSON.parse(`{"tenantId": "${T1}", "__proto__": {"admin": true}}`)] }, /^\$\.tenants\[0\]: unknown key "__proto__"/);
      await refused('seed', { subscriptions: [{ subscriptionId: S1, tenantId: T1, tags: JSON.parse('{"__proto__": "x"}') }] },
        '$.subscriptions[0].tags: the key "__proto__" is reserved');
      await refused('seed', { subscriptions: [{ subscriptionId: S1, tenantId: T1, tags: { toString: 'x' } }] }, '$.subscriptions[0].tags: the key "toString" is reserved');
      const plain = {} as Record<string, unknown>;
      assert.equal(plain.admin, undefined);
      assert.equal(plain.tenants, undefined);
      assert.equal(typeof plain.hasOwnProperty, 'function');
    });

    it('refuses nesting deeper than 64 levels before parsing, and takes a "$comment"', async () => {
      const deep = `{"tenants": [${'['.repeat(MAX_JSON_DEPTH)}${']'.repeat(MAX_JSON_DEPTH)}]}`;
      await refused('seed', deep, /^nested deeper than 64 levels at line 1, column \d+$/);
      const veryDeep = '['.repeat(1_000_000);
      await refused('seed', veryDeep, 'nested deeper than 64 levels at line 1, column 65');
      assert.equal(tooDeepAt(`{"a": "${'['.repeat(100)}"}`), undefined, 'brackets in strings do not count');
      assert.equal(tooDeepAt('['.repeat(64) + ']'.repeat(64)), undefined, '64 levels are fine');
      const a = await createArclight({ inMemory: true, seed: write({ $comment: 'for the lab', tenants: [{ tenantId: T1, $comment: 'contoso' }] }), ...quiet });
      assert.ok(a.services.store.directory.tenant(T1));
      a.close();
    });

    it('says where JSON is broken, on one line and without quoting the file', async () => {
      await refused('seed', '{\n  "servicePrincipals": [{ "secret": "s3cr3t" }\n', /^not valid JSON at line 3, column 1 \(.+\)$/);
      await refused('seed', '{ "secret": "s3cr3t", }', /^(?!.*s3cr3t)not valid JSON/);
    });
  });

  describe('--regions', () => {
    it('names the JSON path and refuses unknown keys', async () => {
      await refused('regions', { mode: 'swap', regions: [] }, '$.mode: expected one of "extend", "replace", got \'swap\'');
      await refused('regions', { regions: [{ name: 'lab', display: 'Lab' }] },
        '$.regions[0]: unknown key "display" (allowed: name, displayName, regionalDisplayName, metadata)');
      await refused('regions', [{ name: 'lab', metadata: { regionType: 'Imaginary' } }], '$[0].metadata.regionType: expected one of "Physical", "Logical", got \'Imaginary\'');
      await refused('regions', [{ name: 'lab', metadata: { pairedRegion: [{ name: 'x', constructor: 1 }] } }], /^\$\[0\]\.metadata\.pairedRegion\[0\]: unknown key "constructor"/);
      await refused('regions', '{"__proto__": []}', /^\$: unknown key "__proto__" \(allowed: mode, regions\)$/);
      await refused('regions', 'true', '$: expected an array of regions or {"mode": ..., "regions": [...]}, got true');
    });
  });

  it('the executable exits 2 with the same one line', () => {
    const seed = write({ subscriptions: [{ subscriptionId: S1, tenantId: 'nope' }] });
    const failure = failedStart(['--in-memory', '--port', '0', '--seed', seed]);
    assert.equal(failure.status, 2);
    assert.equal(failure.message, `--seed ${seed}: $.subscriptions[0].tenantId: expected a GUID, got 'nope'`);
    const regions = write([{ name: 'a b' }]);
    assert.equal(failedStart(['--in-memory', '--port', '0', '--regions', regions]).message, `--regions ${regions}: $[0].name: expected a region name of letters and digits, got 'a b'`);
    const missing = path.join(dir, 'missing.json');
    const unreadable = failedStart(['--in-memory', '--port', '0', '--seed', missing]);
    assert.equal(unreadable.status, 1, 'a file that cannot be read is the operating system\'s refusal');
    assert.equal(unreadable.message, `--seed ${missing}: cannot read it (ENOENT: no such file or directory); check the path`);
  });
});
