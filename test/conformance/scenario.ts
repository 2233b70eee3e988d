/**
 * The conformance runner: a provider's x-ms-examples, per api-version, sent through the server
 * (supertest on testArclight()) in an order that makes each one meaningful, and checked for the
 * example's status code, the headers it shows and the shape of its body (see shape.ts).
 *
 * Order within an api-version: creates (PUT), reads of one resource, lists, actions (POST),
 * updates (PATCH), deletes. An example that acts on or lists a resource first needs that
 * resource: its *precondition* is the create example of the same variant (see
 * ConformanceProvider.variant), taken from the same api-version when there is one, else from
 * the nearest other api-version. The runner brings the resource into that state (delete, then
 * the create example) before the example runs, so each example's outcome does not depend on
 * which others failed.
 *
 * Statuses: a create is sent twice, expecting 201 and then 200 (both when the example documents
 * both); a delete is sent twice, expecting 202 (or 200) and then 204 when documented; any other
 * example must answer its one documented status, or one of its documented statuses. Long-running
 * operations are followed to their end (they finish at the first poll with --lro-delay 0).
 *
 * Adding a provider is a ConformanceProvider object and one describeConformance() call.
 */
import { strict as assert } from 'assert';
import * as path from 'path';
import request from 'supertest';
import { bearer, testArclight, TestArclight } from '../support/arclight';
import { ExampleCase, exampleCases, ExampleReference, ROOT, urlOf } from './exampleCatalog';
import { shapeMismatches, Tolerance } from './shape';
import { pathSegments, resourceTypeOf } from '../../server/kit/resourceIds';


export interface ConformanceProvider {
  namespace: string;
  /** Seed file (relative to the repository root) that makes the examples' subscriptions and tenants exist. */
  seed: string;
  /** Location of the resource groups the examples use (created before each api-version runs). */
  groupLocation: string;
  /**
   * Which kind of resource a create example makes (role 'create') or an example expects
   * (role 'use'), so reads find the resource they describe. Default: all the same.
   */
  variant?(c: ExampleCase, role: 'create' | 'use'): string;
  /** Changes to example requests the server cannot take as written; each documents its reason. */
  prepare?(c: ExampleCase): ExampleCase;
  /** What must exist before an api-version's examples run, besides their resource groups (e.g. a parent cluster). */
  setup?(a: TestArclight): Promise<void>;
  /** Keys of example bodies the server may leave out, each with its reason. */
  tolerances: readonly Tolerance[];
  /** Examples not run, by caseKey(), with the reason. */
  exceptions?: Readonly<Record<string, string>>;
  /**
   * Resource types (as provider documents name them, e.g. `locations/extensionTypes`) whose
   * operations Arclight serves in the spec but does not implement yet, with the reason. Their
   * examples are sent as written and must get the documented refusal, 501 NotImplemented; once
   * a type is implemented that test fails, and the type comes off this list.
   */
  notImplemented?: Readonly<Record<string, string>>;
}

/** The reason `c` is not implemented, if its resource type is on the provider's notImplemented list. */
export function notImplementedReason(provider: Pick<ConformanceProvider, 'namespace' | 'notImplemented'>, c: Pick<ExampleReference, 'template' | 'method'>): string | undefined {
  if (!provider.notImplemented) return undefined;
  const type = resourceTypeOf(pathSegments(c.template), provider.namespace.toLowerCase(), c.method)?.toLowerCase();
  const found = Object.entries(provider.notImplemented).find(([t]) => t.toLowerCase() === type);
  return found?.[1];
}

/** `${apiVersion} ${operationId} ${title}`: how exceptions name an example. */
export const caseKey = (c: Pick<ExampleReference, 'apiVersion' | 'operationId' | 'title'>) => `${c.apiVersion} ${c.operationId} ${c.title}`;

const PHASES = ['create', 'read', 'list', 'action', 'update', 'delete'] as const;
type Phase = (typeof PHASES)[number];

function phaseOf(c: ExampleCase): Phase {
  switch (c.method) {
    case 'PUT': return 'create';
    case 'POST': return 'action';
    case 'PATCH': return 'update';
    case 'DELETE': return 'delete';
    default: return c.pageable ? 'list' : 'read';
  }
}

const lower = (s: string) => s.toLowerCase();
/** A resource path without its resource group: how a subscription-wide list sees it. */
const withoutGroup = (p: string) => p.replace(/\/resourcegroups\/[^/]+/i, '');
const parentOf = (p: string) => p.slice(0, p.lastIndexOf('/'));

/** Whether example `c` acts on, under, or lists the resource `create` makes. */
function needs(c: ExampleCase, create: ExampleCase): boolean {
  const target = lower(create.path);
  const own = lower(c.path);
  if (c.pageable) return parentOf(target) === own || parentOf(withoutGroup(target)) === own;
  return own === target || own.startsWith(`${target}/`);
}

const relative = (url: string) => {
  const u = new URL(url);
  return u.pathname + u.search;
};

function documentedStatuses(c: ExampleCase): number[] {
  return Object.keys(c.responses).filter((s) => /^\d+$/.test(s)).map(Number);
}

export function describeConformance(provider: ConformanceProvider): void {
  const all = exampleCases(provider.namespace).map((c) => provider.prepare?.(c) ?? c);
  const runnable = all.filter((c) => !provider.exceptions?.[caseKey(c)] && !notImplementedReason(provider, c));
  const versions = [...new Set(all.map((c) => c.apiVersion))].sort();
  const variant = (c: ExampleCase, role: 'create' | 'use') => lower(provider.variant?.(c, role) ?? '');
  const creates = runnable.filter((c) => c.method === 'PUT');

  /**
   * The create example `c` needs: same variant, the deepest resource it acts on or under (a
   * resource sync rule's own create, not its custom location's), same api-version if possible,
   * else the nearest.
   */
  const preconditionOf = (c: ExampleCase): ExampleCase | undefined => {
    if (c.method === 'PUT') return undefined;
    const wanted = variant(c, 'use');
    const distance = (v: string) => Math.abs(versions.indexOf(v) - versions.indexOf(c.apiVersion));
    const depth = (p: ExampleCase) => p.path.split('/').length;
    const candidates = creates.filter((p) => needs(c, p) && variant(p, 'create') === wanted);
    return candidates.sort((x, y) => depth(y) - depth(x) || distance(x.apiVersion) - distance(y.apiVersion))[0];
  };

  /** The create example of the resource a create example's resource is nested in (a custom location's, for a resource sync rule), if any. */
  const parentCreateOf = (create: ExampleCase): ExampleCase | undefined => {
    const distance = (v: string) => Math.abs(versions.indexOf(v) - versions.indexOf(create.apiVersion));
    const candidates = creates.filter((p) => lower(create.path).startsWith(`${lower(p.path)}/`) && variant(p, 'create') === variant(create, 'use'));
    return candidates.sort((x, y) => y.path.length - x.path.length || distance(x.apiVersion) - distance(y.apiVersion))[0];
  };

  describe(`conformance: ${provider.namespace} x-ms-examples`, () => {
    let a: TestArclight;
    /** The create example each resource path was last made by. */
    const madeBy = new Map<string, ExampleCase>();
    /** The operation status URL of the last long-running operation on each resource path. */
    const lastOperation = new Map<string, string>();

    before(async () => {
      a = await testArclight({ seed: path.join(ROOT, provider.seed) });
    });
    after(() => a?.close());

    const send = async (c: Pick<ExampleCase, 'method' | 'path' | 'query' | 'body'>) => {
      const req = request(a.app)[lower(c.method) as 'get'](urlOf(c)).set('Authorization', bearer());
      const res = await (c.body !== undefined ? req.send(c.body) : req);
      if (res.headers['azure-asyncoperation']) lastOperation.set(lower(c.path), res.headers['azure-asyncoperation']);
      return res;
    };

    /** Follows a long-running operation to its end and checks it succeeded. */
    const settle = async (res: request.Response) => {
      const asyncOp = res.headers['azure-asyncoperation'];
      const location = res.headers.location;
      for (let polls = 0; polls < 5; polls++) {
        if (asyncOp) {
          const status = await request(a.app).get(relative(asyncOp)).set('Authorization', bearer()).expect(200);
          if (['Succeeded', 'Failed', 'Canceled'].includes(status.body.status)) {
            assert.equal(status.body.status, 'Succeeded', `operation ${asyncOp}: ${JSON.stringify(status.body.error)}`);
            return;
          }
        } else if (location && res.status === 202) {
          const polled = await request(a.app).get(relative(location)).set('Authorization', bearer());
          if (polled.status !== 202) {
            assert.ok([200, 204].includes(polled.status), `operation ${location} ended with ${polled.status} ${polled.text}`);
            return;
          }
        } else {
          return;
        }
      }
      assert.fail('the operation did not finish after 5 polls');
    };

    /** A resource is deleted with everything under it: none of them is made any more. */
    const forget = (resourcePath: string) => {
      for (const key of [...madeBy.keys()]) if (key === lower(resourcePath) || key.startsWith(`${lower(resourcePath)}/`)) madeBy.delete(key);
    };

    /** Deletes the resource a create example makes (if it is there), so the next create is a first one. */
    const remove = async (create: ExampleCase) => {
      forget(create.path);
      await settle(await send({ ...create, method: 'DELETE', body: undefined }));
    };

    /** Brings the resource `create` makes into the state that example leaves it in, its parent's create example first. */
    const establish = async (create: ExampleCase) => {
      if (madeBy.get(lower(create.path)) === create) return;
      const parent = parentCreateOf(create);
      if (parent) await establish(parent);
      await remove(create);
      const res = await send(create);
      assert.ok(res.status === 200 || res.status === 201, `precondition ${caseKey(create)}: ${res.status} ${res.text}`);
      await settle(res);
      madeBy.set(lower(create.path), create);
    };

    /** One answer against the example's documented response for `status`. */
    const check = (c: ExampleCase, res: request.Response, status: number) => {
      assert.equal(res.status, status, `${c.method} ${urlOf(c)}: expected ${status}, got ${res.status} ${res.text}`);
      const documented = c.responses[String(status)] ?? {};
      for (const header of Object.keys(documented.headers ?? {})) {
        assert.ok(res.headers[lower(header)] !== undefined, `header ${header} is missing`);
      }
      const rules = provider.tolerances.filter((t) => !t.only || t.only.includes(caseKey(c)));
      const mismatches = shapeMismatches(documented.body, res.body, rules);
      assert.deepEqual(mismatches, [], `the body does not have the example's shape:\n  ${mismatches.join('\n  ')}`);
    };

    /**
     * An example that reads an operation status names a made-up operation id: the runner reads
     * the last operation its resource ran instead (operation ids are the server's own).
     */
    const operationOf = (c: ExampleCase): ExampleCase => {
      if (!/\/operations\/\{[^}]+\}$/.test(c.template)) return c;
      const resource = parentOf(parentOf(c.path));
      const url = lastOperation.get(lower(resource));
      assert.ok(url, `no operation has run on ${resource}`);
      return { ...c, path: new URL(url).pathname };
    };

    const run = async (c: ExampleCase) => {
      const statuses = documentedStatuses(c);
      const key = lower(c.path);
      if (c.method === 'PUT') {
        const parent = parentCreateOf(c);
        if (parent) await establish(parent);
        await remove(c);
        const created = await send(c);
        check(c, created, statuses.includes(201) ? 201 : statuses[0]);
        await settle(created);
        madeBy.set(key, c);
        if (statuses.includes(200) && statuses.includes(201)) {
          const again = await send(c);
          check(c, again, 200);
          await settle(again);
        }
        return;
      }
      const pre = preconditionOf(c);
      if (pre) await establish(pre);
      if (c.method === 'DELETE') {
        forget(c.path);
        const first = await send(c);
        // 202 when documented; a delete documented with 200 too may answer at once (private link scopes 2022-04-02-preview).
        const immediate = first.status === 200 && statuses.includes(200) && !first.headers['azure-asyncoperation'] && !first.headers.location;
        check(c, first, statuses.includes(202) && !immediate ? 202 : statuses.includes(200) ? 200 : statuses[0]);
        await settle(first);
        if (statuses.includes(204)) check(c, await send(c), 204);
        return;
      }
      const res = await send(operationOf(c));
      assert.ok(statuses.includes(res.status), `${c.method} ${urlOf(c)}: expected one of ${statuses.join(', ')}, got ${res.status} ${res.text}`);
      check(c, res, res.status);
      await settle(res);
    };

    /** An example of a type Arclight does not implement yet: the documented refusal, nothing stored. */
    const refused = async (c: ExampleCase) => {
      const res = await send(c);
      assert.equal(res.status, 501, `${c.method} ${urlOf(c)}: expected 501 NotImplemented, got ${res.status} ${res.text}`);
      assert.equal(res.body.error?.code, 'NotImplemented');
    };

    for (const version of versions) {
      describe(version, () => {
        before(async () => {
          a.reset();
          madeBy.clear();
          const groups = new Map<string, string>();
          for (const c of all.filter((x) => x.apiVersion === version)) {
            const m = /^\/subscriptions\/([^/]+)\/resourcegroups\/([^/]+)/i.exec(c.path);
            if (m) groups.set(lower(`${m[1]}/${m[2]}`), `/subscriptions/${m[1]}/resourcegroups/${m[2]}`);
          }
          for (const group of groups.values()) {
            const res = await request(a.app).put(`${group}?api-version=2021-04-01`).set('Authorization', bearer()).send({ location: provider.groupLocation });
            assert.ok(res.status === 201 || res.status === 200, `${group}: ${res.status} ${res.text} (is the subscription in ${provider.seed}?)`);
          }
          await provider.setup?.(a);
        });

        const ordered = all
          .filter((c) => c.apiVersion === version)
          .map((c, index) => ({ c, index, phase: PHASES.indexOf(phaseOf(c)), pre: preconditionOf(c) }))
          .sort((x, y) => x.phase - y.phase || (x.pre ? all.indexOf(x.pre) : -1) - (y.pre ? all.indexOf(y.pre) : -1) || x.index - y.index);
        for (const { c } of ordered) {
          const title = `${c.operationId}: ${c.title} (${path.basename(c.exampleFile)})`;
          const exception = provider.exceptions?.[caseKey(c)];
          const unimplemented = notImplementedReason(provider, c);
          if (exception) it(`${title}: not run, ${exception}`);
          else if (unimplemented) it(`${title}: refused with 501 NotImplemented, ${unimplemented}`, () => refused(c));
          else it(title, () => run(c));
        }
      });
    }
  });
}
