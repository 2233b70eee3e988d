/**
 * The function library, with the examples of Microsoft Learn's template-functions pages
 * (array, comparison, date, deployment, lambda, logical, numeric, object, resource, string).
 */
import { strict as assert } from 'assert';
import { TemplateError } from '../../../server/templates';
import { RG_ID, SCOPE, SUB, TENANT, ev } from './helpers';

const eq = (expr: string, expected: unknown) => assert.deepEqual(ev(expr), expected, expr);

describe('templates: expression syntax', () => {
  it('parses literals, escapes, property access and indexes', () => {
    eq("[concat('what''s', ' up')]", "what's up");
    eq('[add(1, -2)]', -1);
    eq("[json('{\"a\": {\"b\": [10, 20]}}').a.b[1]]", 20);
    eq("[json('{\"a\": {\"b\": [10, 20]}}')['a']['b'][0]]", 10);
    eq("[createObject('Key', 1).key]", 1); // property access ignores case
    eq('[[not an expression]', '[not an expression]');
    eq('plain text', 'plain text');
    eq("[ toUpper( 'x' ) ]", 'X');
  });

  it('refuses bad syntax and unknown functions in Azure words', () => {
    assert.throws(() => ev("[concat('a']"), (e: TemplateError) => e.code === 'InvalidTemplate' && /Unable to parse language expression/.test(e.message));
    assert.throws(() => ev('[nope()]'), /The template function 'nope' is not valid/);
    assert.throws(() => ev("[createObject('a', 1).b]"), /The language expression property 'b' doesn't exist, available properties are 'a'/);
    assert.throws(() => ev('[createArray(1)[3]]'), /out of bounds/);
  });
});

describe('templates: array functions', () => {
  it('array, createArray, concat, contains, empty', () => {
    eq('[array(1)]', [1]);
    eq("[array('efgh')]", ['efgh']);
    eq("[array(createObject('a', 'b'))]", [{ a: 'b' }]);
    eq("[concat(createArray('1-1', '1-2', '1-3'), createArray('2-1', '2-2', '2-3'))]", ['1-1', '1-2', '1-3', '2-1', '2-2', '2-3']);
    eq("[concat('prefix', '-', 5, '-', true())]", 'prefix-5-True');
    eq("[contains('OneTwoThree', 'e')]", true);
    eq("[contains('OneTwoThree', 'z')]", false);
    eq("[contains(createObject('one', 'a', 'two', 'b'), 'one')]", true);
    eq("[contains(createArray('one', 'two'), 'three')]", false);
    eq('[empty(createArray())]', true);
    eq('[empty(json(\'{}\'))]', true);
    eq("[empty('')]", true);
    eq('[empty(null())]', true);
  });

  it('first, last, indexOf, lastIndexOf, length', () => {
    eq("[first(createArray('one', 'two', 'three'))]", 'one');
    eq("[first('One Two Three')]", 'O');
    eq("[last(createArray('one', 'two', 'three'))]", 'three');
    eq("[last('One Two Three')]", 'e');
    eq("[indexOf(createArray('a', 'b', 'c'), 'b')]", 1);
    eq('[indexOf(createArray(1, 2, 3), 4)]', -1);
    eq("[lastIndexOf(createArray('a', 'b', 'a'), 'a')]", 2);
    eq("[length(createArray('a', 'b', 'c'))]", 3);
    eq("[length('One Two Three')]", 13);
    eq("[length(createObject('a', 1, 'b', 2))]", 2);
  });

  it('intersection, union, min, max, range, skip, take, flatten', () => {
    eq("[intersection(createArray('one', 'two', 'three'), createArray('two', 'three'))]", ['two', 'three']);
    eq("[union(createArray('one', 'two', 'three'), createArray('three', 'four'))]", ['one', 'two', 'three', 'four']);
    eq('[min(createArray(0, 3, 2, 5, 4))]', 0);
    eq('[min(0, 3, 2, 5, 4)]', 0);
    eq('[max(createArray(0, 3, 2, 5, 4))]', 5);
    eq('[range(1, 3)]', [1, 2, 3]);
    eq('[range(5, 0)]', []);
    eq("[skip(createArray('one', 'two', 'three'), 2)]", ['three']);
    eq("[skip('one two three', 4)]", 'two three');
    eq("[take(createArray('one', 'two', 'three'), 2)]", ['one', 'two']);
    eq("[take('one two three', 2)]", 'on');
    eq("[take(createArray(1), -1)]", []);
    eq("[flatten(createArray(createArray('one', 'two'), createArray('three'), createArray('four', 'five')))]", ['one', 'two', 'three', 'four', 'five']);
    eq("[indexFromEnd(createArray('a', 'b', 'c'), 1)]", 'c');
    eq("[tryIndexFromEnd(createArray('a'), 2)]", null);
  });
});

describe('templates: comparison and logical functions', () => {
  it('coalesce, equals, greater, less and their OrEquals', () => {
    eq("[coalesce(null(), null(), 'default')]", 'default');
    eq('[coalesce(null())]', null);
    eq("[equals(createArray('a', 'b'), createArray('a', 'b'))]", true);
    eq("[equals('a', 'A')]", false);
    eq("[equals(createObject('a', 'b'), createObject('a', 'b'))]", true);
    eq('[greater(10, 5)]', true);
    eq("[greater('A', 'a')]", false);
    eq('[greaterOrEquals(5, 5)]', true);
    eq('[less(10, 5)]', false);
    eq('[lessOrEquals(5, 5)]', true);
  });

  it('and, or, not, if, bool, true, false', () => {
    eq('[and(true(), false())]', false);
    eq('[or(true(), false())]', true);
    eq('[not(true())]', false);
    eq("[if(equals('a', 'a'), 'yes', 'no')]", 'yes');
    // only the chosen branch is evaluated
    eq("[if(true(), 'ok', json('not json'))]", 'ok');
    eq("[bool('true')]", true);
    eq("[bool('FALSE')]", false);
    eq('[bool(0)]', false);
    eq('[bool(1)]', true);
    assert.throws(() => ev("[bool('yes')]"), /bool/);
  });
});

describe('templates: numeric functions', () => {
  it('add, sub, mul, div, mod, int, float', () => {
    eq('[add(5, 3)]', 8);
    eq('[sub(7, 3)]', 4);
    eq('[mul(5, 3)]', 15);
    eq('[div(8, 3)]', 2);
    eq('[div(-7, 2)]', -3);
    eq('[mod(7, 3)]', 1);
    eq("[int('4')]", 4);
    eq("[float('3.5')]", 3.5);
    assert.throws(() => ev('[div(1, 0)]'), /non-zero/);
  });
});

describe('templates: object functions', () => {
  it('json, null, tryGet, shallowMerge, objectKeys, union, intersection, items', () => {
    eq("[json('{\"a\": \"b\"}')]", { a: 'b' });
    eq("[json('null')]", null);
    eq("[json('[1,2]')]", [1, 2]);
    eq('[null()]', null);
    eq("[tryGet(createObject('a', 1), 'b')]", null);
    eq("[tryGet(createObject('a', createObject('b', 2)), 'a', 'b')]", 2);
    eq("[tryGet(createArray(1, 2), 5)]", null);
    eq("[shallowMerge(createArray(createObject('one', 'a'), createObject('two', 'b'), createObject('two', 'c')))]", { one: 'a', two: 'c' });
    eq("[objectKeys(createObject('a', 1, 'b', 2))]", ['a', 'b']);
    eq(
      "[union(createObject('one', 'a', 'two', 'b', 'three', 'c1'), createObject('three', 'c2', 'four', 'd', 'five', 'e'))]",
      { one: 'a', two: 'b', three: 'c2', four: 'd', five: 'e' },
    );
    // nested objects merge
    eq(
      "[union(createObject('n', createObject('a', 1)), createObject('n', createObject('b', 2)))]",
      { n: { a: 1, b: 2 } },
    );
    eq("[intersection(createObject('one', 'a', 'two', 'b', 'three', 'c'), createObject('one', 'a', 'two', 'z', 'three', 'c'))]", { one: 'a', three: 'c' });
    eq("[items(createObject('b', 2, 'a', 1))]", [{ key: 'a', value: 1 }, { key: 'b', value: 2 }]);
  });

  it("union's deep merge and items(), as the object functions page shows them", () => {
    const variables = {
      firstObject: { property: { one: 'a', two: 'b', three: 'c1' }, nestedArray: [1, 2] },
      secondObject: { property: { three: 'c2', four: 'd', five: 'e' }, nestedArray: [3, 4] },
      firstArray: [['one', 'two'], ['three']],
      secondArray: [['three'], ['four', 'two']],
      entities: {
        item002: { enabled: false, displayName: 'Example item 2', number: 200 },
        item001: { enabled: true, displayName: 'Example item 1', number: 300 },
      },
      copy: [
        {
          name: 'modifiedListOfEntities',
          count: "[length(items(variables('entities')))]",
          input: {
            key: "[items(variables('entities'))[copyIndex('modifiedListOfEntities')].key]",
            fullName: "[items(variables('entities'))[copyIndex('modifiedListOfEntities')].value.displayName]",
            itemEnabled: "[items(variables('entities'))[copyIndex('modifiedListOfEntities')].value.enabled]",
          },
        },
      ],
    };
    assert.deepEqual(ev("[union(variables('firstObject'), variables('secondObject'))]", {}, { variables }), {
      property: { one: 'a', two: 'b', three: 'c2', four: 'd', five: 'e' },
      nestedArray: [3, 4],
    });
    assert.deepEqual(ev("[union(variables('firstArray'), variables('secondArray'))]", {}, { variables }), [['one', 'two'], ['three'], ['four', 'two']]);
    assert.deepEqual(ev("[variables('modifiedListOfEntities')]", {}, { variables }), [
      { key: 'item001', fullName: 'Example item 1', itemEnabled: true },
      { key: 'item002', fullName: 'Example item 2', itemEnabled: false },
    ]);
  });
});

describe('templates: lambda functions', () => {
  const dogs = "createArray(createObject('name', 'Evie', 'age', 5), createObject('name', 'Casper', 'age', 3), createObject('name', 'Indy', 'age', 2), createObject('name', 'Kira', 'age', 8))";
  it('filter, map, reduce, sort', () => {
    eq(`[filter(${dogs}, lambda('dog', greaterOrEquals(lambdaVariables('dog').age, 5)))]`, [{ name: 'Evie', age: 5 }, { name: 'Kira', age: 8 }]);
    eq(`[map(${dogs}, lambda('dog', lambdaVariables('dog').name))]`, ['Evie', 'Casper', 'Indy', 'Kira']);
    eq(`[map(createArray('a', 'b'), lambda('x', 'i', format('{0}{1}', lambdaVariables('x'), lambdaVariables('i'))))]`, ['a0', 'b1']);
    eq(`[reduce(map(${dogs}, lambda('d', lambdaVariables('d').age)), 0, lambda('cur', 'next', add(lambdaVariables('cur'), lambdaVariables('next'))))]`, 18);
    eq(`[map(sort(${dogs}, lambda('a', 'b', less(lambdaVariables('a').age, lambdaVariables('b').age))), lambda('d', lambdaVariables('d').name))]`, ['Indy', 'Casper', 'Evie', 'Kira']);
  });

  it('toObject, groupBy, mapValues', () => {
    eq(`[toObject(${dogs}, lambda('d', lambdaVariables('d').name), lambda('d', lambdaVariables('d').age))]`, { Evie: 5, Casper: 3, Indy: 2, Kira: 8 });
    eq("[toObject(createArray('a', 'b'), lambda('x', lambdaVariables('x')))]", { a: 'a', b: 'b' });
    eq("[groupBy(createArray('foo', 'bar', 'baz'), lambda('x', substring(lambdaVariables('x'), 0, 1)))]", { f: ['foo'], b: ['bar', 'baz'] });
    eq("[mapValues(createObject('foo', 'foo', 'bar', 'bar'), lambda('v', toUpper(lambdaVariables('v'))))]", { foo: 'FOO', bar: 'BAR' });
  });
});

describe('templates: string functions', () => {
  it('base64, base64ToString, base64ToJson, dataUri, dataUriToString', () => {
    eq("[base64('one, two, three')]", 'b25lLCB0d28sIHRocmVl');
    eq("[base64ToString('b25lLCB0d28sIHRocmVl')]", 'one, two, three');
    eq("[base64ToJson('eyJvbmUiOiAiYSIsICJ0d28iOiAiYiJ9')]", { one: 'a', two: 'b' });
    eq("[dataUri('Hello')]", 'data:text/plain;charset=utf8;base64,SGVsbG8=');
    eq("[dataUriToString('data:;base64,SGVsbG8sIFdvcmxkIQ==')]", 'Hello, World!');
  });

  it('uri, uriComponent, uriComponentToString', () => {
    eq("[uri('http://contoso.com/resources/', 'nested/azuredeploy.json')]", 'http://contoso.com/resources/nested/azuredeploy.json');
    eq("[uriComponent('http://contoso.com/resources/nested/azuredeploy.json')]", 'http%3A%2F%2Fcontoso.com%2Fresources%2Fnested%2Fazuredeploy.json');
    eq("[uriComponentToString('http%3A%2F%2Fcontoso.com%2Fresources%2Fnested%2Fazuredeploy.json')]", 'http://contoso.com/resources/nested/azuredeploy.json');
  });

  it('format with .NET composite formatting', () => {
    eq("[format('{0}, {1}. Formatted number: {2:N0}', 'Hello', 'User', 8175133)]", 'Hello, User. Formatted number: 8,175,133');
    eq("[format('{0:N2}', 1234.5)]", '1,234.50');
    eq("[format('{0:D4}', 7)]", '0007');
    eq("[format('{0:X}', 255)]", 'FF');
    eq("[format('{{{0}}}', 'x')]", '{x}');
    eq("[format('[{0,5}]', 'ab')]", '[   ab]');
    eq("[format('{0}', true())]", 'True');
    assert.throws(() => ev("[format('{1}', 'a')]"), /Index \(zero based\)/);
  });

  it('string, substring, toLower, toUpper, trim, replace, split, join', () => {
    eq("[string(createObject('valueA', 10, 'valueB', 'Example Text'))]", '{"valueA":10,"valueB":"Example Text"}');
    eq("[string(createArray('a', 'b', 'c'))]", '["a","b","c"]');
    eq('[string(5)]', '5');
    eq("[substring('one two three', 4, 3)]", 'two');
    assert.throws(() => ev("[substring('hello', 1, 10)]"), /The index and length parameters must refer to a location within the string/);
    eq("[toLower('One Two Three')]", 'one two three');
    eq("[toUpper('One Two Three')]", 'ONE TWO THREE');
    eq("[trim('    one two three   ')]", 'one two three');
    eq("[replace('123-123-1234', '-', '')]", '1231231234');
    eq("[split('one,two,three', ',')]", ['one', 'two', 'three']);
    eq("[split('one;two,three', createArray(',', ';'))]", ['one', 'two', 'three']);
    eq("[join(createArray('a', 'b', 'c'), ',')]", 'a,b,c');
  });

  it('startsWith, endsWith, indexOf, lastIndexOf ignore case; padLeft', () => {
    eq("[startsWith('abcdef', 'ab')]", true);
    eq("[startsWith('abcdef', 'A')]", true);
    eq("[startsWith('abcdef', 'e')]", false);
    eq("[endsWith('abcdef', 'ef')]", true);
    eq("[endsWith('abcdef', 'F')]", true);
    eq("[indexOf('test', 't')]", 0);
    eq("[indexOf('abcdef', 'CD')]", 2);
    eq("[indexOf('abcdef', 'z')]", -1);
    eq("[lastIndexOf('test', 't')]", 3);
    eq("[lastIndexOf('abcdef', 'AB')]", 0);
    eq("[padLeft('123', 10, '0')]", '0000000123');
    eq('[padLeft(7, 3)]', '  7');
  });

  it('newGuid and utcNow only in parameter default values, from the injected sources', () => {
    assert.throws(() => ev('[newGuid()]'), /The template function 'newGuid' is not expected at this location/);
    assert.throws(() => ev('[utcNow()]'), /The template function 'utcNow' is not expected at this location/);
  });
});

describe('templates: date functions', () => {
  it('dateTimeAdd with ISO 8601 durations', () => {
    eq("[dateTimeAdd('2020-04-07 14:53:14Z', 'P3Y')]", '4/7/2023 2:53:14 PM');
    eq("[dateTimeAdd('2020-04-07 14:53:14Z', '-P9D')]", '3/29/2020 2:53:14 PM');
    eq("[dateTimeAdd('2020-04-07 14:53:14Z', 'PT1H')]", '4/7/2020 3:53:14 PM');
    eq("[dateTimeAdd('2020-01-31T00:00:00Z', 'P1M', 'yyyy-MM-dd')]", '2020-02-29');
    eq("[dateTimeAdd('2020-04-07T14:53:14Z', 'P1DT2H30M', 'u')]", '2020-04-08 17:23:14Z');
    assert.throws(() => ev("[dateTimeAdd('2020-04-07T14:53:14Z', '1 day')]"), /not a valid ISO 8601 duration/);
  });

  it('dateTimeFromEpoch and dateTimeToEpoch', () => {
    eq('[dateTimeFromEpoch(1683040573)]', '2023-05-02T15:16:13Z');
    eq("[dateTimeToEpoch('2023-05-02T15:16:13Z')]", 1683040573);
    eq("[dateTimeToEpoch(dateTimeAdd('2023-05-02T15:16:13Z', 'P1Y', 'o'))]", 1714662973);
  });
});

describe('templates: deployment and resource functions', () => {
  it('resourceGroup(), subscription(), tenant(), deployment(), environment()', () => {
    eq('[resourceGroup().id]', RG_ID);
    eq('[resourceGroup().location]', 'westeurope');
    eq('[subscription().subscriptionId]', SUB);
    eq('[subscription().id]', `/subscriptions/${SUB}`);
    eq('[tenant().tenantId]', TENANT);
    eq('[deployment().name]', 'dep1');
    eq('[environment().name]', 'AzureCloud');
    eq('[environment().suffixes.storage]', 'core.windows.net');
  });

  it('resourceId, subscriptionResourceId, tenantResourceId, extensionResourceId, managementGroupResourceId', () => {
    eq("[resourceId('Microsoft.Network/virtualNetworks/subnets', 'myVNet', 'mySubnet')]", `${RG_ID}/providers/Microsoft.Network/virtualNetworks/myVNet/subnets/mySubnet`);
    eq("[resourceId('otherRg', 'Microsoft.Storage/storageAccounts', 'st')]", `/subscriptions/${SUB}/resourceGroups/otherRg/providers/Microsoft.Storage/storageAccounts/st`);
    eq(
      "[resourceId('11111111-1111-1111-1111-111111111111', 'otherRg', 'Microsoft.Storage/storageAccounts', 'st')]",
      '/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/otherRg/providers/Microsoft.Storage/storageAccounts/st',
    );
    eq("[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', 'acdd72a7-3385-48ef-bd42-f606fba81ae7')]", `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7`);
    eq("[tenantResourceId('Microsoft.Authorization/policyDefinitions', 'p1')]", '/providers/Microsoft.Authorization/policyDefinitions/p1');
    eq(
      "[extensionResourceId(resourceId('Microsoft.Kubernetes/connectedClusters', 'c1'), 'Microsoft.KubernetesConfiguration/extensions', 'flux')]",
      `${RG_ID}/providers/Microsoft.Kubernetes/connectedClusters/c1/providers/Microsoft.KubernetesConfiguration/extensions/flux`,
    );
    eq("[managementGroupResourceId('mg1', 'Microsoft.Authorization/policyDefinitions', 'p1')]", '/providers/Microsoft.Management/managementGroups/mg1/providers/Microsoft.Authorization/policyDefinitions/p1');
    assert.throws(() => ev("[resourceId('Microsoft.Network/virtualNetworks/subnets', 'myVNet')]"), /resourceId/);
  });

  it('reference, list*, providers and pickZones go to the caller', () => {
    const calls: string[] = [];
    const services = {
      reference: (id: string, apiVersion: string | undefined, full: boolean) => {
        calls.push(`${id}|${apiVersion}|${full}`);
        return full ? { properties: { x: 1 }, location: 'l' } : { x: 1 };
      },
      list: (id: string, apiVersion: string, action: string) => ({ id, apiVersion, action }),
      providers: (ns: string, type: string | undefined) => ({ namespace: ns, resourceType: type }),
      zones: () => ['1', '2', '3'],
    };
    const id = `${RG_ID}/providers/Microsoft.Kubernetes/connectedClusters/c1`;
    assert.equal(ev(`[reference('${id}', '2024-01-01').x]`, { services }), 1);
    assert.equal(ev(`[reference('${id}', '2024-01-01', 'Full').location]`, { services }), 'l');
    assert.deepEqual(calls, [`${id}|2024-01-01|false`, `${id}|2024-01-01|true`]);
    assert.deepEqual(ev(`[listClusterUserCredential('${id}', '2024-01-01')]`, { services }), { id, apiVersion: '2024-01-01', action: 'listClusterUserCredential' });
    assert.deepEqual(ev("[providers('Microsoft.Kubernetes', 'connectedClusters')]", { services }), { namespace: 'Microsoft.Kubernetes', resourceType: 'connectedClusters' });
    assert.deepEqual(ev("[pickZones('Microsoft.Compute', 'virtualMachines', 'westus2', 2, 1)]", { services }), ['2', '3']);
    assert.deepEqual(ev("[pickZones('Microsoft.Compute', 'virtualMachines', 'westus2')]"), []);
  });

  it('copyIndex outside a loop is refused', () => {
    assert.throws(() => ev('[copyIndex()]'), /The template function 'copyIndex' is not expected at this location/);
  });

  it('SCOPE is what the helpers deploy into', () => {
    assert.equal(SCOPE.resourceGroup.name, 'rg1');
  });
});
