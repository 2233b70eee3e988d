import { strict as assert } from 'assert';
import { GUID_NAMESPACE, templateGuid, uniqueString, uuidV5 } from '../../../server/templates';
import { ev } from './helpers';

describe('templates: uniqueString and guid', () => {
  // Published pairs: Azure/terraform-provider-azapi unique_string_function_test.go (checked against
  // Bicep), and smokedlinq/powershell-az's tests of its Get-AzUniqueString.
  it('uniqueString gives the values Azure gives', () => {
    assert.equal(uniqueString('/subscriptions/00000000-0000-0000-0000-000000000000', 'resource-id'), 'cwvxuqg24sifi');
    assert.equal(uniqueString('fu'), '6rkxbspxjmsho');
    assert.equal(uniqueString('fubar'), 'cj2xpqsiwjfne');
    assert.equal(uniqueString('fu', 'bar'), 'q5wxoscxs5j6k');
  });

  it('uniqueString joins its arguments with a dash and is 13 lowercase base-32 characters', () => {
    assert.equal(uniqueString('fu', 'bar'), uniqueString('fu-bar'));
    for (const s of ['', 'a', 'abcdefgh', 'abcdefghi', 'ü-ñ']) assert.match(uniqueString(s), /^[a-z2-7]{13}$/);
    assert.equal(ev("[uniqueString('fu', 'bar')]"), 'q5wxoscxs5j6k');
  });

  it('uniqueString refuses non-string arguments', () => {
    assert.throws(() => ev('[uniqueString(1)]'), /expects its first parameter to be of type 'String'/);
  });

  it('guid is a version 5 UUID over the arguments joined by a dash in ARM namespace', () => {
    assert.equal(GUID_NAMESPACE, '11fb06fb-712d-4ddd-98c7-e71bbd588830');
    // RFC 4122's own example namespace (DNS) and Python's uuid.uuid5(NAMESPACE_DNS, 'python.org')
    assert.equal(uuidV5('6ba7b810-9dad-11d1-80b4-00c04fd430c8', 'python.org'), '886313e1-3b8a-5372-9b90-0c9aee199e5d');
    // Cross-checked with Python: uuid.uuid5(UUID('11fb06fb-...'), 'a-b-c')
    assert.equal(templateGuid('a', 'b', 'c'), 'a98fa280-e03f-5afa-8d8e-92d0a9c201e8');
    assert.equal(templateGuid('hello'), '520f8434-fe3a-5d99-888d-450a827486a1');
    assert.equal(
      ev("[guid('/subscriptions/00000000-0000-0000-0000-000000000000', 'resource-id')]"),
      'addac03f-96bb-5a25-a3ea-41fa83c54842',
    );
  });
});
