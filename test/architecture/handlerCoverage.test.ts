/**
 * Every operation of every served api-version has a handler, and every handler answers an
 * operation some served spec has. An operation Arclight does not serve is still bound, to a
 * documented refusal (HandlerRegistry.refuse), so that what is missing is a decision in the
 * provider that owns it, listed here by name, never a gap found by a user.
 */
import { strict as assert } from 'assert';
import { testArclight, TestArclight } from '../support/arclight';

describe('architecture: handler coverage', () => {
  let a: TestArclight;
  before(async () => {
    a = await testArclight();
  });
  after(() => a.close());

  it('binds every operation of every served api-version to a handler or a documented refusal', () => {
    const unbound = new Set<string>();
    for (const definition of a.services.catalog.allDefinitions()) {
      for (const op of definition.operations) {
        if (!a.services.handlers.get(op.routeKey)) unbound.add(`${op.routeKey} (${definition.key} ${op.operationId})`);
      }
    }
    assert.deepEqual([...unbound].sort(), []);
  });

  it('binds nothing that no served spec has', () => {
    const routes = new Set(a.services.catalog.allDefinitions().flatMap((d) => d.operations.map((op) => op.routeKey)));
    assert.deepEqual(a.services.handlers.keys().filter((key) => !routes.has(key)).sort(), []);
  });
});
