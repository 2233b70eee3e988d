/** Request bodies ARM's Json.NET reads and JSON.parse does not: what `az deployment group create` sends. */
import { strict as assert } from 'assert';
import { relaxedJsonText } from '../../../server/gateway/lenientJson';
import { parseJson } from '../../../server/gateway/body';

describe('relaxed JSON (Json.NET leniency)', () => {
  it("reads az 2.45's unquoted template key and the template file's comments", () => {
    const text = '{"properties": {"parameters": {"a": {"value": "x, y: z"}}, "mode": "Incremental", template:{"resources": [] /* none */, // line\n "b": "//not a comment"}}}';
    assert.deepEqual(parseJson(text), {
      properties: { parameters: { a: { value: 'x, y: z' } }, mode: 'Incremental', template: { resources: [], b: '//not a comment' } },
    });
  });

  it('leaves strings, escapes and values alone', () => {
    assert.equal(relaxedJsonText('{"a\\"b": "c, d: e", x: true, y: null}'), '{"a\\"b": "c, d: e", "x": true, y: null}'.replace('y:', '"y":'));
  });

  it('still refuses what is not JSON in either reading, with the strict error', () => {
    assert.throws(() => parseJson('{"a": tru}'), (e: { code?: string; message?: string }) => e.code === 'InvalidRequestContent' && /could not be deserialized/.test(e.message ?? ''));
  });
});
