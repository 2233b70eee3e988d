/** Fault rules' path globs: `**` segments span segments, `*` stays in one; linear in practice, never exponential. */
import { strict as assert } from 'assert';
import { PathGlob } from '../../../server/kit/faults/pathGlob';

describe('PathGlob', () => {
  const cases: Array<[string, string, boolean]> = [
    ['/subscriptions/*/resourceGroups/g1', '/subscriptions/s/resourcegroups/G1', true],
    ['/subscriptions/*/resourceGroups/g1', '/subscriptions/s/resourceGroups/g1/providers', false],
    ['/subscriptions/*/resourceGroups/g1/**', '/subscriptions/s/resourceGroups/g1', true],
    ['/subscriptions/*/resourceGroups/g1/**', '/subscriptions/s/resourceGroups/g1/a/b/c', true],
    ['/subscriptions/**/c1', '/subscriptions/s/resourceGroups/g/providers/p/connectedClusters/c1', true],
    ['/subscriptions/**/c1', '/subscriptions/s/c2', false],
    ['/**', '/anything/at/all', true],
    ['/**/extensions/*', '/s/x/providers/Microsoft.KubernetesConfiguration/extensions/flux', true],
    ['/**/extensions/*', '/s/x/extensions', false],
    ['/a/c*-*1/b', '/a/cluster-01/b', true],
    ['/a/c*-*1/b', '/a/cluster-02/b', false],
    ['/a/*', '/a/', false],
    ['/a/b/', '/a/b', true],
    ['/', '/', true],
  ];
  for (const [glob, path, expected] of cases) {
    it(`${glob} ${expected ? 'matches' : 'does not match'} ${path}`, () => assert.equal(new PathGlob(glob).matches(path), expected));
  }

  it('stays fast on a path built to make a backtracking matcher explode', () => {
    const glob = new PathGlob(`/${Array(40).fill('**').join('/')}/*a*a*a*a*a*a*a*a*b`);
    const path = `/${Array(2000).fill('a'.repeat(40)).join('/')}`;
    const started = process.hrtime.bigint();
    assert.equal(glob.matches(path), false);
    // Generous: a quadratic walk takes milliseconds here; an exponential one would not end.
    assert.ok(Number(process.hrtime.bigint() - started) / 1e6 < 5000);
  });
});
