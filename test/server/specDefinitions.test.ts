/**
 * The spec definitions behind routing and validation: built lazily, one per document, and
 * validating requests through openapi-backend's compiled validators directly exactly as
 * openapi-backend's own validateRequest does (same errors, in the same order), for every
 * operation of every served api-version.
 */
import { strict as assert } from 'assert';
import request from 'supertest';
import { SpecCatalog } from '../../server/spec/specCatalog';
import { ArmOperation, Definition } from '../../server/spec/definitions';
import { bearer, SUB, testArclight } from '../support/arclight';

describe('spec definitions', () => {
  describe('lazy construction', () => {
    it('builds no definition at load and each one once, on first use', () => {
      const catalog = SpecCatalog.load();
      assert.equal(catalog.builtCount, 0);
      assert.ok(catalog.definitionCount >= 10);
      const first = catalog.definition('Microsoft.Kubernetes', '2024-01-01')!;
      assert.equal(catalog.builtCount, 1);
      assert.equal(catalog.definition('microsoft.kubernetes', '2024-01-01'), first);
      assert.equal(catalog.builtCount, 1);
      assert.equal(catalog.allDefinitions().length, catalog.definitionCount);
      assert.equal(catalog.builtCount, catalog.definitionCount);
    });

    it('api-versions served by the same files share one definition', () => {
      const catalog = SpecCatalog.load();
      for (const provider of catalog.providers()) {
        const keys = new Set(Object.values(provider.definitions));
        const built = new Set(Object.keys(provider.definitions).map((v) => catalog.definition(provider.namespace, v)));
        assert.equal(built.size, keys.size, provider.namespace);
      }
    });

    it('answers the first request of a definition with the same validation error as later ones', async () => {
      const a = await testArclight();
      try {
        const put = () => request(a.app)
          .put(`/subscriptions/${SUB}/resourceGroups/rg1?api-version=2022-09-01`)
          .set('Authorization', bearer())
          .send({ location: 5 });
        const first = await put().expect(400);
        const again = await put().expect(400);
        assert.deepEqual(first.body, again.body);
        assert.equal(first.body.error.code, 'InvalidRequestContent');
        assert.match(first.body.error.message, /Path 'location'/);
      } finally {
        a.close();
      }
    });
  });

  it('holds only valid JSON Schema (Ajv skips that check at run time)', () => {
    const catalog = SpecCatalog.load();
    const errors = catalog.allDefinitions().flatMap((d) => d.schemaErrors());
    assert.deepEqual(errors, []);
    const broken = new Definition('Broken@1', {
      openapi: '3.0.3', info: { title: 'Broken', version: '1' }, paths: {}, components: { schemas: { Bad: { type: 5 } } },
    });
    assert.match(broken.schemaErrors().join(), /Broken@1 #\/components\/schemas\/Bad: data\/type/);
  });

  describe('routing', () => {
    const catalog = SpecCatalog.load();
    const definition = catalog.definition('Microsoft.Kubernetes', '2024-01-01')!;
    const path = (p: string) => ({ lower: p.toLowerCase(), segments: p.split('/').filter(Boolean) });

    it('matches literals case-insensitively and keeps the caller casing in parameters', () => {
      const p = path(`/subscriptions/${SUB}/resourceGroups/My-RG/providers/Microsoft.Kubernetes/ConnectedClusters/Cluster%20One`);
      const m = definition.match('get', p.lower, p.segments);
      assert.equal(m.kind, 'operation');
      if (m.kind !== 'operation') return;
      assert.equal(m.operation.operationId, 'ConnectedCluster_Get');
      assert.deepEqual(m.params, { subscriptionId: SUB, resourceGroupName: 'My-RG', clusterName: 'Cluster One' });
    });

    it('tells a known path with another method from an unknown path', () => {
      const known = path(`/subscriptions/${SUB}/resourceGroups/g/providers/Microsoft.Kubernetes/connectedClusters/c`);
      assert.equal(definition.match('post', known.lower, known.segments).kind, 'method-not-allowed');
      const unknown = path(`/subscriptions/${SUB}/resourceGroups/g/providers/Microsoft.Kubernetes/connectedClusters/c/nothing/here`);
      assert.equal(definition.match('get', unknown.lower, unknown.segments).kind, 'none');
    });

    it('prefers the more literal template when two match (an action over a nested name)', () => {
      const p = path(`/subscriptions/${SUB}/resourceGroups/g/providers/Microsoft.Kubernetes/connectedClusters/c/listClusterUserCredential`);
      const m = definition.match('post', p.lower, p.segments);
      assert.equal(m.kind === 'operation' && m.operation.operationId, 'ConnectedCluster_ListClusterUserCredential');
    });
  });

  describe('request validation', () => {
    const catalog = SpecCatalog.load();
    const paramValues = ['abc', '00000000-0000-0000-0000-000000000000', 'x'.repeat(300), 'bad name!*', 'ü/%'];
    const bodies: unknown[] = [
      undefined, null, {}, [], 'text', '{"location":"eastus"}', 5, true,
      { location: 5 }, { location: 'eastus', tags: 'x', properties: { agentPublicKeyCertificate: 7 } },
      { location: 'eastus', identity: { type: 'Nope' }, properties: { distribution: 5, infrastructure: [] } },
      { properties: { agentPublicKeyCertificate: 'AAAA', privateLinkState: 'Sometimes' }, kind: 'AWS', extra: { deep: [1, 2] } },
    ];
    const queries = (op: ArmOperation): Array<Record<string, string>> => {
      const declared = [...op.queryNames.values()];
      const all = (value: string) => Object.fromEntries(declared.map((n) => [n, value]));
      return [{}, { 'api-version': op.definition.key.split('@')[1] ?? 'x' }, all('abc'), all('5'), all('')];
    };

    /** Counts of cases that passed and that failed validation, both paths agreeing. */
    const compare = (definition: Definition, op: ArmOperation) => {
      const cases = { valid: 0, invalid: 0 };
      for (const value of paramValues) {
        const params = Object.fromEntries(op.pathParams.map(([name]) => [name, value]));
        for (const query of queries(op)) {
          for (const body of op.requestSchema ? bodies : [undefined, {}]) {
            const direct = definition.validateRequest(op, params, { ...query }, body);
            const reference = definition.validateThroughBackend(op, params, { ...query }, body);
            assert.deepEqual(direct, reference, `${definition.key} ${op.operationId} params=${value} query=${JSON.stringify(query)} body=${JSON.stringify(body)}`);
            if (direct) cases.invalid++;
            else cases.valid++;
          }
        }
      }
      return cases;
    };

    for (const key of catalog.bundle.documentKeys) {
      it(`gives openapi-backend's own errors for every operation of ${key}`, () => {
        const definition = catalog.allDefinitions().find((d) => d.key === key)!;
        let valid = 0;
        let invalid = 0;
        for (const op of definition.operations) {
          const cases = compare(definition, op);
          valid += cases.valid;
          invalid += cases.invalid;
        }
        assert.ok(valid > 0 && invalid > 0, `${valid} valid and ${invalid} invalid cases`);
      });
    }

    it('does not coerce the caller query in place', () => {
      const definition = catalog.definition('Microsoft.Kubernetes', '2024-01-01')!;
      const list = definition.operations.find((o) => o.operationId === 'ConnectedCluster_ListByResourceGroup')!;
      const query = { 'api-version': '2024-01-01' };
      assert.equal(definition.validateRequest(list, { subscriptionId: SUB, resourceGroupName: 'g' }, query, undefined), null);
      assert.deepEqual(query, { 'api-version': '2024-01-01' });
    });
  });
});
