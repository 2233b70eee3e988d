/**
 * The pieces of Microsoft.ExtendedLocation that need no server: label selectors as resource sync
 * rules apply them (Kubernetes semantics), the id parser of host resources, and the kit's
 * extendedLocation check (immutability, the rule of each kind, kinds without a rule).
 */
import { strict as assert } from 'assert';
import { selectorMatches } from '../../../server/providers/extendedLocation/resourceSyncRules';
import { parseTopLevelId } from '../../../server/providers/extendedLocation/hostValidation';
import { checkExtendedLocation, registerExtendedLocationKind } from '../../../server/kit/extendedLocations';
import { ArmError } from '../../../server/kit/armErrors';
import type { KitContext } from '../../../server/kit/context';
import type { Write } from '../../../server/kit/resourceType';

describe('resource sync rule selectors', () => {
  const labels = { tier: 'web', env: 'prod' };
  const cases: Array<[string, Record<string, unknown> | undefined, boolean]> = [
    ['no selector matches everything', undefined, true],
    ['an empty selector matches everything', {}, true],
    ['matchLabels: every pair', { matchLabels: { tier: 'web', env: 'prod' } }, true],
    ['matchLabels: a different value', { matchLabels: { tier: 'db' } }, false],
    ['matchLabels: a missing key', { matchLabels: { zone: 'a' } }, false],
    ['In', { matchExpressions: [{ key: 'env', operator: 'In', values: ['dev', 'prod'] }] }, true],
    ['In, absent key', { matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] }, false],
    ['NotIn', { matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['prod'] }] }, false],
    ['NotIn, absent key', { matchExpressions: [{ key: 'zone', operator: 'NotIn', values: ['a'] }] }, true],
    ['Exists', { matchExpressions: [{ key: 'tier', operator: 'Exists' }] }, true],
    ['DoesNotExist', { matchExpressions: [{ key: 'tier', operator: 'DoesNotExist' }] }, false],
    ['both parts must hold', { matchLabels: { tier: 'web' }, matchExpressions: [{ key: 'env', operator: 'In', values: ['dev'] }] }, false],
  ];
  for (const [title, selector, expected] of cases) {
    it(title, () => assert.equal(selectorMatches(selector, labels), expected));
  }
  it('does not take Object.prototype members for labels', () => {
    assert.equal(selectorMatches({ matchExpressions: [{ key: 'constructor', operator: 'Exists' }] }, {}), false);
    assert.equal(selectorMatches({ matchExpressions: [{ key: '__proto__', operator: 'DoesNotExist' }] }, {}), true);
  });
});

describe('host resource ids', () => {
  it('parses /subscriptions/{s}/resourceGroups/{g}/providers/{namespace}/{type}/{name}, literals in any casing', () => {
    assert.deepEqual(parseTopLevelId('/SUBSCRIPTIONS/s/resourcegroups/g/Providers/Microsoft.Kubernetes/connectedClusters/c1'),
      { subscriptionId: 's', resourceGroup: 'g', type: 'Microsoft.Kubernetes/connectedClusters', name: 'c1' });
  });
  it('refuses anything else', () => {
    for (const id of [undefined, 42, '', 'c1', '/subscriptions/s/resourceGroups/g', '/subscriptions/s/resourceGroups/g/providers/Microsoft.Kubernetes/connectedClusters/c1/',
      '/subscriptions/s/resourceGroups/g/providers/Microsoft.Kubernetes/connectedClusters/c1/providers/X/y/z', 'subscriptions/s/resourceGroups/g/providers/a/b/c',
      '/subscriptions//resourceGroups/g/providers/a/b/c', '/tenants/s/resourceGroups/g/providers/a/b/c']) {
      assert.equal(parseTopLevelId(id), undefined, String(id));
    }
  });
});

describe('the kit\'s extendedLocation check', () => {
  const ctx = {} as KitContext;
  const seen: string[] = [];
  registerExtendedLocationKind(ctx, 'CustomLocation', (name) => {
    seen.push(name);
    if (name === 'bad') throw new ArmError(400, 'InvalidExtendedLocation', 'no');
  });
  const write = (previous?: Record<string, unknown>) => ({ ctx, previous: previous && { body: previous } } as unknown as Write<KitContext>);
  const code = (f: () => void) => {
    try {
      f();
    } catch (err) {
      return (err as ArmError).code;
    }
    return undefined;
  };

  it('applies the rule of the kind, matched case-insensitively, to a new resource', () => {
    checkExtendedLocation({ extendedLocation: { type: 'customlocation', name: 'ok' } }, write());
    assert.deepEqual(seen, ['ok']);
    assert.equal(code(() => checkExtendedLocation({ extendedLocation: { type: 'CustomLocation', name: 'bad' } }, write())), 'InvalidExtendedLocation');
  });
  it('takes kinds without a rule, and bodies without one, as sent', () => {
    checkExtendedLocation({ extendedLocation: { type: 'EdgeZone', name: 'losangeles' } }, write());
    checkExtendedLocation({}, write());
    checkExtendedLocation({ extendedLocation: { type: 1, name: null } }, write());
  });
  it('keeps the extended location a resource was created with; the same one is not checked again', () => {
    const previous = { extendedLocation: { type: 'CustomLocation', name: 'bad' } };
    checkExtendedLocation({ extendedLocation: { type: 'customLocation', name: 'BAD' } }, write(previous));
    assert.equal(code(() => checkExtendedLocation({ extendedLocation: { type: 'CustomLocation', name: 'ok' } }, write(previous))), 'PropertyChangeNotAllowed');
  });
});
