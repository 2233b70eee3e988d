/**
 * The OData $filter subset of ARM's list operations (`compileFilter`): `prop eq|ne 'value'`,
 * `substringof('value', prop)`, `startswith(tagName, 'prefix')`, `and`/`or` with `and` binding
 * tighter, parentheses, and `tagName eq 'k' and tagValue eq 'v'` as one tag. Names, keywords and
 * values are matched case-insensitively; anything else is 400 InvalidFilterInQueryString.
 */
import { strict as assert } from 'assert';
import { compileFilter, Filterable } from '../../../server/kit/odataFilter';
import { ArmError } from '../../../server/kit/armErrors';

/** What GET /resources allows (genericResources.ts), and what resource group lists allow. */
const RESOURCES = ['location', 'resourcetype', 'name', 'resourcegroup', 'tagname', 'tagvalue', 'identity', 'identity/principalid', 'kind'];
const GROUPS = ['tagname', 'tagvalue'];

interface Item {
  name: string;
  props?: Record<string, string>;
  tags?: Record<string, string>;
}

const ITEMS: Item[] = [
  { name: 'alpha', props: { location: 'eastus', resourcetype: 'Microsoft.Kubernetes/connectedClusters', 'identity/principalid': 'p-1' }, tags: { Env: 'Prod', owner: 'ana' } },
  { name: 'beta', props: { location: 'westeurope', resourcetype: 'Microsoft.Kubernetes/connectedClusters' }, tags: { env: 'test' } },
  { name: "o'brien", props: { location: 'EastUS', resourcetype: 'Microsoft.Resources/resourceGroups' } },
  { name: 'gamma', props: { location: 'westus', kind: 'ProvisionedCluster' }, tags: { team: 'prod', 'environment-x': 'dev' } },
];

const filterable = (item: Item): Filterable => ({
  tags: item.tags,
  get: (property) => (property === 'name' ? item.name : item.props?.[property]),
});

/** The names of the items `filter` keeps. */
function matching(filter: string, allowed: readonly string[] = RESOURCES): string[] {
  const predicate = compileFilter(filter, allowed);
  assert.ok(predicate, `a predicate for ${filter}`);
  return ITEMS.filter((item) => predicate(filterable(item))).map((item) => item.name);
}

/** Asserts that compileFilter refuses `filter` as ARM does. */
function refused(filter: string, allowed: readonly string[] = RESOURCES): void {
  assert.throws(() => compileFilter(filter, allowed), (err: unknown) => {
    assert.ok(err instanceof ArmError, String(err));
    assert.equal(err.status, 400);
    assert.equal(err.code, 'InvalidFilterInQueryString');
    assert.equal(err.message, `Invalid $filter '${filter}' specified in the query string.`);
    assert.equal(err.options.gateway, true, 'ARM itself refuses it, before any resource provider');
    return true;
  }, filter);
}

describe('compileFilter (OData $filter)', () => {
  describe('no filter', () => {
    it('is no predicate when $filter is absent, empty or blank', () => {
      assert.equal(compileFilter(undefined, RESOURCES), undefined);
      assert.equal(compileFilter('', RESOURCES), undefined);
      assert.equal(compileFilter('  \t ', RESOURCES), undefined);
    });
  });

  describe('eq and ne', () => {
    it('eq keeps the items whose property has the value', () => {
      assert.deepEqual(matching("location eq 'westeurope'"), ['beta']);
      assert.deepEqual(matching("resourceType eq 'Microsoft.Kubernetes/connectedClusters'"), ['alpha', 'beta']);
    });

    it('ne keeps the others, items without the property included', () => {
      assert.deepEqual(matching("location ne 'westeurope'"), ['alpha', "o'brien", 'gamma']);
      assert.deepEqual(matching("kind ne 'ProvisionedCluster'"), ['alpha', 'beta', "o'brien"]);
    });

    it('eq never matches an item without the property', () => {
      assert.deepEqual(matching("kind eq ''"), []);
    });

    it('takes property names with a slash (identity/principalId)', () => {
      assert.deepEqual(matching("identity/principalId eq 'P-1'"), ['alpha']);
    });
  });

  describe('case', () => {
    it('compares values case-insensitively', () => {
      assert.deepEqual(matching("location eq 'EASTUS'"), ['alpha', "o'brien"]);
      assert.deepEqual(matching("name eq 'ALPHA'"), ['alpha']);
    });

    it('reads property names, operators, keywords and functions in any case', () => {
      assert.deepEqual(matching("LOCATION EQ 'westus' OR Name Eq 'beta'"), ['beta', 'gamma']);
      assert.deepEqual(matching("location eq 'eastus' AND name NE 'alpha'"), ["o'brien"]);
      assert.deepEqual(matching("SubstringOf('ET', Name)"), ['beta']);
      assert.deepEqual(matching("StartsWith(TagName, 'ENV')"), ['alpha', 'beta', 'gamma']);
    });
  });

  describe('quoting', () => {
    it('a doubled quote inside a value stands for one quote', () => {
      assert.deepEqual(matching("name eq 'o''brien'"), ["o'brien"]);
      assert.deepEqual(matching("substringof('''', name)"), ["o'brien"]);
    });

    it('a value may hold spaces, parentheses, commas and keywords', () => {
      const predicate = compileFilter("name eq 'a (b, c) and d or e'", RESOURCES)!;
      assert.equal(predicate(filterable({ name: 'A (B, C) AND D OR E' })), true);
      assert.equal(predicate(filterable({ name: 'a' })), false);
    });

    it('an empty value is a value', () => {
      assert.equal(compileFilter("name eq ''", RESOURCES)!(filterable({ name: '' })), true);
    });

    it('needs no spaces around parentheses and quotes, and ignores extra whitespace', () => {
      assert.deepEqual(matching("(name eq'alpha')or(name eq'beta')"), ['alpha', 'beta']);
      assert.deepEqual(matching("  name   eq\t'beta'  "), ['beta']);
    });
  });

  describe('and, or and parentheses', () => {
    it('and keeps the items both sides keep', () => {
      assert.deepEqual(matching("resourceType eq 'Microsoft.Kubernetes/connectedClusters' and location eq 'eastus'"), ['alpha']);
    });

    it('or keeps the items either side keeps', () => {
      assert.deepEqual(matching("name eq 'alpha' or name eq 'gamma' or name eq 'nobody'"), ['alpha', 'gamma']);
    });

    it('and binds tighter than or', () => {
      // alpha or (beta and eastus): beta is not in eastus.
      assert.deepEqual(matching("name eq 'alpha' or name eq 'beta' and location eq 'eastus'"), ['alpha']);
      // (beta and eastus) or alpha: the same.
      assert.deepEqual(matching("name eq 'beta' and location eq 'eastus' or name eq 'alpha'"), ['alpha']);
    });

    it('parentheses group', () => {
      assert.deepEqual(matching("(name eq 'alpha' or name eq 'beta') and location eq 'westeurope'"), ['beta']);
      assert.deepEqual(matching("((name eq 'gamma'))"), ['gamma']);
    });
  });

  describe('substringof', () => {
    it('keeps the items whose property contains the value, in any case', () => {
      assert.deepEqual(matching("substringof('A', name)"), ['alpha', 'beta', 'gamma']);
      assert.deepEqual(matching("substringof('kubernetes/', resourceType)"), ['alpha', 'beta']);
    });

    it('an item without the property is not kept, and the empty value is in every property', () => {
      assert.deepEqual(matching("substringof('', kind)"), ['gamma']);
    });

    it('combines with and/or', () => {
      assert.deepEqual(matching("substringof('a', name) and location eq 'westus'"), ['gamma']);
    });
  });

  describe('tags', () => {
    it('tagName eq keeps the items with a tag of that name, in any case', () => {
      assert.deepEqual(matching("tagName eq 'env'"), ['alpha', 'beta']);
      assert.deepEqual(matching("tagName eq 'OWNER'"), ['alpha']);
    });

    it('tagValue eq keeps the items with a tag of that value, whatever its name', () => {
      assert.deepEqual(matching("tagValue eq 'prod'"), ['alpha', 'gamma']);
    });

    it('tagName eq \'k\' and tagValue eq \'v\' is one tag: k with the value v', () => {
      assert.deepEqual(matching("tagName eq 'env' and tagValue eq 'prod'"), ['alpha'], 'gamma has a prod tag, but it is not env');
      assert.deepEqual(matching("tagName eq 'Env' and tagValue eq 'TEST'"), ['beta']);
      assert.deepEqual(matching("tagName eq 'owner' and tagValue eq 'prod'"), []);
    });

    it('the tag pair combines with or, and groups in parentheses', () => {
      assert.deepEqual(matching("tagName eq 'env' and tagValue eq 'test' or tagName eq 'team' and tagValue eq 'prod'"), ['beta', 'gamma']);
      assert.deepEqual(matching("(tagName eq 'env' and tagValue eq 'prod') and location eq 'eastus'"), ['alpha']);
    });

    it('the tag pair is one tag after another and-condition too', () => {
      const mixed = filterable({ name: 'mixed', props: { location: 'eastus' }, tags: { env: 'test', team: 'prod' } });
      assert.equal(compileFilter("(tagName eq 'env' and tagValue eq 'prod') and location eq 'eastus'", RESOURCES)!(mixed), false, 'the pair first');
      assert.equal(compileFilter("location eq 'eastus' and tagName eq 'env' and tagValue eq 'prod'", RESOURCES)!(mixed), false, 'the pair after another condition');
    });

    it('tagName ne keeps the items without a tag of that name, untagged ones included', () => {
      assert.deepEqual(matching("tagName ne 'env'"), ["o'brien", 'gamma']);
    });

    it('startswith(tagName, prefix) keeps the items with a tag whose name starts so', () => {
      assert.deepEqual(matching("startswith(tagName, 'env')"), ['alpha', 'beta', 'gamma']);
      assert.deepEqual(matching("startswith(tagName, 'team')"), ['gamma']);
    });

    it('resource group lists allow the tag filters only', () => {
      assert.deepEqual(matching("tagName eq 'env' and tagValue eq 'prod'", GROUPS), ['alpha']);
      assert.deepEqual(matching("startswith(tagName, 'o')", GROUPS), ['alpha']);
      refused("location eq 'eastus'", GROUPS);
      refused("substringof('a', name)", GROUPS);
    });
  });

  describe('what is refused (400 InvalidFilterInQueryString)', () => {
    /** [why, filter]. */
    const MALFORMED: Array<[string, string]> = [
      ['a property the list does not support', "provisioningState eq 'Succeeded'"],
      ['a property named like an Object.prototype member', "constructor eq 'x'"],
      ['an unquoted value', 'name eq alpha'],
      ['a number', 'name eq 5'],
      ['a double-quoted value', 'name eq "alpha"'],
      ['an unterminated quote', "name eq 'alpha"],
      ['an odd quote inside a value', "name eq 'o'brien'"],
      ['an operator ARM does not take here', "name gt 'a'"],
      ['not', "not name eq 'a'"],
      ['a missing value', 'name eq'],
      ['a property alone', 'name'],
      ['the value first', "'alpha' eq name"],
      ['and with nothing after it', "name eq 'a' and"],
      ['or with nothing before it', "or name eq 'a'"],
      ['two conditions without and/or', "name eq 'a' name eq 'b'"],
      ['a trailing value', "name eq 'a' 'b'"],
      ['an unclosed parenthesis', "(name eq 'a'"],
      ['an unopened parenthesis', "name eq 'a')"],
      ['empty parentheses', '()'],
      ['a function ARM does not take', "endswith(name, 'a')"],
      ['contains, which is not substringof', "contains(name, 'a')"],
      ['substringof with its arguments swapped', "substringof(name, 'a')"],
      ['substringof with one argument', "substringof('a')"],
      ['substringof of an unsupported property', "substringof('a', provisioningState)"],
      ['startswith of another property than tagName', "startswith(name, 'a')"],
      ['startswith with its arguments swapped', "startswith('env', tagName)"],
      ['a character outside the grammar', "name eq 'a' & location eq 'b'"],
      ['a semicolon', "name eq 'a'; drop table"],
    ];
    for (const [why, filter] of MALFORMED) {
      it(`${why}: ${filter}`, () => refused(filter));
    }
  });
});
