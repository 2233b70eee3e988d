/**
 * The store's read paths that every request takes: resource rows round-trip exactly (read in
 * raw mode), existence checks, pages, and the due-operation lookup that skips its query while
 * nothing can be due.
 */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Store } from '../../server/store';
import type { OperationRecord } from '../../server/store/operations';
import type { StoredResource } from '../../server/store/resources';

const SUB = '00000000-0000-0000-0000-000000000000';

function resource(name: string, extra: Partial<StoredResource> = {}): StoredResource {
  const id = `/subscriptions/${SUB}/resourceGroups/RG/providers/Microsoft.Kubernetes/connectedClusters/${name}`;
  return {
    key: id.toLowerCase(), id, type: 'microsoft.kubernetes/connectedclusters', subscriptionId: SUB, resourceGroup: 'rg',
    parentKey: `/subscriptions/${SUB}/resourcegroups/rg`, tracked: true, body: { id, name, properties: { n: [1, { x: null }] } },
    etag: '"1"', createdAt: 1000, updatedAt: 2000, ...extra,
  };
}

function operation(id: string, dueAt: number, status: OperationRecord['status'] = 'InProgress'): OperationRecord {
  return { id, subscriptionId: SUB, resourceKey: null, resourceId: null, kind: 'test', status, startTime: 0, endTime: null, dueAt, apiVersion: '2024-01-01', data: {} };
}

describe('store', () => {
  let store: Store;
  beforeEach(() => {
    store = Store.open(undefined);
  });
  afterEach(() => store.close());

  describe('resources', () => {
    it('reads back exactly what was written', () => {
      const r = resource('c1');
      store.resources.put(r);
      assert.deepEqual(store.resources.get(r.key), r);
      const untracked = resource('c2', { tracked: false, resourceGroup: null });
      store.resources.put(untracked);
      assert.deepEqual(store.resources.get(untracked.key), untracked);
      assert.equal(store.resources.get(`${r.key}-missing`), undefined);
    });

    it('updates in place on a second put, keeping the creation time', () => {
      store.resources.put(resource('c1'));
      store.resources.put(resource('c1', { body: { changed: true }, etag: '"2"', updatedAt: 3000, createdAt: 9999 }));
      const got = store.resources.get(resource('c1').key)!;
      assert.deepEqual(got.body, { changed: true });
      assert.equal(got.etag, '"2"');
      assert.equal(got.updatedAt, 3000);
      assert.equal(got.createdAt, 1000);
    });

    it('creates databases with 16 KiB pages, and reopens them', () => {
      assert.equal(store.db.pragma('page_size', { simple: true }), 16384);
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'arclight-store-'));
      try {
        const first = Store.open(dir);
        assert.equal(first.db.pragma('page_size', { simple: true }), 16384);
        assert.equal(first.db.pragma('journal_mode', { simple: true }), 'wal');
        first.resources.put(resource('c1'));
        first.close();
        const second = Store.open(dir);
        assert.deepEqual(second.resources.get(resource('c1').key), resource('c1'));
        second.close();
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });

    it('tells whether a resource exists without reading it', () => {
      store.resources.put(resource('c1'));
      assert.equal(store.resources.exists(resource('c1').key), true);
      assert.equal(store.resources.exists(resource('c9').key), false);
    });

    it('pages children in key order with a continuation key', () => {
      for (const n of ['c3', 'c1', 'c2']) store.resources.put(resource(n));
      const first = store.resources.children(resource('c1').parentKey, resource('c1').type, '', 2);
      assert.deepEqual(first.items.map((r) => r.body.name), ['c1', 'c2']);
      assert.equal(first.continueAfter, resource('c2').key);
      const second = store.resources.children(resource('c1').parentKey, resource('c1').type, first.continueAfter!, 2);
      assert.deepEqual(second.items.map((r) => r.body.name), ['c3']);
      assert.equal(second.continueAfter, undefined);
    });
  });

  describe('transactions', () => {
    it('commits together, rolls back together, and nests as savepoints', () => {
      store.transaction(() => {
        store.resources.put(resource('c1'));
        store.resources.put(resource('c2'));
      });
      assert.equal(store.resources.exists(resource('c2').key), true);
      assert.throws(() => store.transaction(() => {
        store.resources.put(resource('c3'));
        throw new Error('boom');
      }), /boom/);
      assert.equal(store.resources.exists(resource('c3').key), false);
      const result = store.transaction(() => {
        store.resources.put(resource('c4'));
        assert.throws(() => store.transaction(() => {
          store.resources.put(resource('c5'));
          throw new Error('inner');
        }), /inner/);
        return 'outer';
      });
      assert.equal(result, 'outer');
      assert.equal(store.resources.exists(resource('c4').key), true);
      assert.equal(store.resources.exists(resource('c5').key), false);
    });
  });

  describe('due operations', () => {
    it('finds an operation once its instant has come, and not before', () => {
      store.operations.put(operation('a', 5000));
      assert.deepEqual(store.operations.dueBy(4999), []);
      assert.deepEqual(store.operations.dueBy(4999), []);
      assert.deepEqual(store.operations.dueBy(5000).map((o) => o.id), ['a']);
    });

    it('sees an operation due earlier than the ones it already knew of', () => {
      store.operations.put(operation('late', 9000));
      assert.deepEqual(store.operations.dueBy(1000), []);
      store.operations.put(operation('early', 2000));
      assert.deepEqual(store.operations.dueBy(2000).map((o) => o.id), ['early']);
      assert.deepEqual(store.operations.dueBy(9000).map((o) => o.id), ['early', 'late']);
    });

    it('forgets operations once they are no longer in progress', () => {
      store.operations.put(operation('a', 1000));
      assert.equal(store.operations.dueBy(1000).length, 1);
      store.operations.put(operation('a', 1000, 'Succeeded'));
      assert.deepEqual(store.operations.dueBy(1_000_000), []);
      store.operations.put(operation('b', 3000));
      assert.deepEqual(store.operations.dueBy(3000).map((o) => o.id), ['b']);
    });

    it('finds operations written by an earlier run of the same database', () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'arclight-store-'));
      try {
        const first = Store.open(dir);
        first.operations.put(operation('kept', 4000));
        assert.deepEqual(first.operations.dueBy(10), []);
        first.close();
        const second = Store.open(dir);
        assert.deepEqual(second.operations.dueBy(4000).map((o) => o.id), ['kept']);
        second.close();
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });

    it('starts over cleanly after everything is cleared', () => {
      store.operations.put(operation('a', 5000));
      store.clearAll();
      assert.deepEqual(store.operations.dueBy(6000), []);
      store.operations.put(operation('b', 7000));
      assert.deepEqual(store.operations.dueBy(7000).map((o) => o.id), ['b']);
    });
  });

  describe('running operations of a resource', () => {
    it('are found by resource until they finish, then only by id', () => {
      const key = resource('c1').key;
      store.operations.put({ ...operation('run', 5000), resourceKey: key });
      store.operations.put({ ...operation('done', 5000, 'Succeeded'), resourceKey: key, endTime: 10 });
      assert.deepEqual(store.operations.pendingFor(key).map((o) => o.id), ['run']);
      assert.deepEqual(store.operations.pendingUnder(key.replace(/\/c1$/, '')).map((o) => o.id), ['run']);
      store.operations.put({ ...operation('run', 5000, 'Succeeded'), resourceKey: key, endTime: 20 });
      assert.deepEqual(store.operations.pendingFor(key), []);
      assert.equal(store.operations.get('run')?.status, 'Succeeded');
    });
  });

  describe('write-only values', () => {
    it('are sealed at rest, and writing none leaves no row behind', () => {
      const key = resource('c1').key;
      store.secrets.put(key, { configurationProtectedSettings: { token: 'kept-apart' } });
      assert.deepEqual(store.secrets.get(key), { configurationProtectedSettings: { token: 'kept-apart' } });
      const raw = store.db.prepare('SELECT body FROM secrets WHERE resource_key = ?').pluck().get(key) as string;
      assert.ok(!raw.includes('kept-apart'), 'the stored row is sealed');
      store.secrets.put(key, {});
      assert.equal(store.secrets.get(key), undefined);
      assert.equal(store.db.prepare('SELECT COUNT(*) FROM secrets').pluck().get(), 0);
    });
  });
});
