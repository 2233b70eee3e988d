/**
 * The spec bundle (scripts/buildSpecBundle.ts): every schema key the vendored Swagger files
 * use reaches the generated documents, or is on the builder's explicit drop list; the
 * Swagger 2.0 forms are converted to valid OpenAPI 3 that Ajv accepts; and each operation
 * carries the facts its body schema holds (secret, read-only and create-only paths, defaults,
 * enums), which the providers used to copy from the specs by hand.
 */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { OpenAPIBackend } from 'openapi-backend';
import {
  CONVERTED_KEYS, DROPPED_KEYS, DocumentBuilder, IGNORED_REF_SIBLINGS, deriveFacts, repairedRef,
} from '../../scripts/buildSpecBundle';
import type { DerivedFacts } from '../../server/spec/bundleTypes';
import { Definition } from '../../server/spec/definitions';
import { SpecCatalog } from '../../server/spec/specCatalog';
import { typeSpecFacts } from '../../server/kit/specFacts';
import { removeScratch, scratchDir } from '../support/startup';

type Node = Record<string, unknown>;
const isNode = (v: unknown): v is Node => typeof v === 'object' && v !== null && !Array.isArray(v);
const members = (v: unknown): Node[] => (Array.isArray(v) ? v.filter(isNode) : []);
const children = (v: unknown): Node[] => (isNode(v) ? Object.values(v).filter(isNode) : []);
/** The value at `keys` below `root`, or undefined. */
const at = (root: unknown, ...keys: string[]): unknown => keys.reduce<unknown>((node, key) => (isNode(node) ? node[key] : undefined), root);

const SPECS = path.resolve(__dirname, '..', '..', '..', 'specs');
const readJson = (file: string): unknown => JSON.parse(fs.readFileSync(file, 'utf8'));

/** The keys used in the schemas of a document, counted once per schema node that has them. */
class KeyCounts {
  readonly counts = new Map<string, number>();
  /** Schema nodes that say null is allowed (Swagger: x-nullable true; bundle: nullable or anyOf with {type: null}). */
  nullable = 0;
  add(key: string): void {
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }
  get(key: string): number {
    return this.counts.get(key) ?? 0;
  }
}

/** The schema nodes directly below a schema node: where both walkers descend. */
function subschemas(node: Node): Node[] {
  const below: Node[] = [...children(node.properties), ...members(node.allOf), ...members(node.anyOf), ...members(node.oneOf)];
  for (const key of ['items', 'additionalProperties', 'not']) if (isNode(node[key])) below.push(node[key] as Node);
  return below;
}

/**
 * The schema keys of the Swagger files of one api-version, as the builder reads them: from the
 * operations of their paths, following $refs (each definition counted once). Non-body
 * parameters and response headers are schema nodes too, but for the fields that stay on the
 * parameter (name, in, required, allowEmptyValue).
 */
function swaggerKeys(files: string[]): KeyCounts {
  const counts = new KeyCounts();
  const seen = new Set<string>();
  const resolve = (from: string, ref: string) => {
    const [filePart, fragment = ''] = repairedRef(from, ref).split('#');
    const file = filePart ? path.resolve(path.dirname(from), filePart) : from;
    const node = fragment.split('/').filter(Boolean).reduce<unknown>((n, raw) => at(n, raw.replace(/~1/g, '/').replace(/~0/g, '~')), readJson(file));
    return { file, key: `${file}#${fragment}`, node };
  };
  const schema = (file: string, node: Node) => {
    const ref = node.$ref;
    for (const key of Object.keys(node)) {
      // A $ref's siblings the builder ignores on purpose are counted apart.
      counts.add(typeof ref === 'string' && key !== '$ref' && Object.hasOwn(IGNORED_REF_SIBLINGS, key) ? `$ref sibling ${key}` : key);
    }
    if (node['x-nullable'] === true) counts.nullable++;
    if (Array.isArray(node.required) && node.required.some((name) => at(node, 'properties', String(name), 'readOnly') !== true)) counts.add('required (not all read-only)');
    if (typeof ref === 'string') {
      const target = resolve(file, ref);
      if (!seen.has(target.key) && isNode(target.node)) {
        seen.add(target.key);
        schema(target.file, target.node);
      }
    }
    for (const below of subschemas(node)) schema(file, below);
  };
  const parameterFields = new Set(['name', 'in', 'required', 'allowEmptyValue']);
  for (const file of files) {
    for (const item of children(at(readJson(file), 'paths'))) {
      for (const [method, op] of Object.entries(item)) {
        if (method === 'parameters' || !isNode(op)) continue;
        for (const raw of [...members(item.parameters), ...members(op.parameters)]) {
          const { node: param, file: paramFile } = typeof raw.$ref === 'string' ? resolve(file, raw.$ref) : { node: raw, file };
          if (!isNode(param)) continue;
          if (param.in === 'body') {
            if (isNode(param.schema)) schema(paramFile, param.schema);
          } else {
            schema(paramFile, Object.fromEntries(Object.entries(param).filter(([k]) => !parameterFields.has(k))));
          }
        }
        for (const raw of children(op.responses)) {
          const { node: res, file: resFile } = typeof raw.$ref === 'string' ? resolve(file, raw.$ref) : { node: raw, file };
          if (isNode(at(res, 'schema'))) schema(resFile, at(res, 'schema') as Node);
          for (const header of children(at(res, 'headers'))) schema(resFile, header);
        }
      }
    }
  }
  return counts;
}

/** The schema keys of a generated document: its components and the schemas inline in its operations. */
function bundleKeys(doc: unknown): KeyCounts {
  const counts = new KeyCounts();
  const schema = (node: Node) => {
    // An open enum's list is kept beside its pattern (specs/manifest.json openEnums): it still counts as the enum.
    for (const key of Object.keys(node)) counts.add(key === 'x-arclight-known-values' ? 'enum' : key);
    if (node.nullable === true || members(node.anyOf).some((b) => b.type === 'null')) counts.nullable++;
    if (Array.isArray(node.required) && node.required.length) counts.add('required (not all read-only)');
    for (const below of subschemas(node)) schema(below);
  };
  for (const component of children(at(doc, 'components', 'schemas'))) schema(component);
  for (const item of children(at(doc, 'paths'))) {
    for (const op of children(item)) {
      for (const param of members(op.parameters)) if (isNode(param.schema)) schema(param.schema);
      for (const media of children(at(op, 'requestBody', 'content'))) if (isNode(media.schema)) schema(media.schema);
      for (const res of children(op.responses)) {
        for (const media of children(res.content)) if (isNode(media.schema)) schema(media.schema);
        for (const header of children(res.headers)) if (isNode(header.schema)) schema(header.schema);
      }
    }
  }
  return counts;
}

/**
 * How each converted key the vendored specs use must show in the bundle. A converted key that
 * the specs start using needs a line here (the test says so), and its conversion a test below.
 */
const CONVERTED_FORM: Record<string, (swagger: KeyCounts, bundle: KeyCounts) => boolean> = {
  'x-nullable': (s, b) => b.nullable >= s.nullable,
  $ref: (s, b) => b.get('$ref') >= s.get('$ref'),
  type: (s, b) => b.get('type') >= s.get('type'),
  required: (s, b) => b.get('required (not all read-only)') >= s.get('required (not all read-only)'),
  'x-ms-enum': (s, b) => b.get('x-ms-enum') >= s.get('x-ms-enum'),
};

describe('spec bundle', () => {
  const catalog = SpecCatalog.load();

  describe('schema keywords', () => {
    it('gives a reason for every key it drops, converts or ignores', () => {
      for (const list of [DROPPED_KEYS, CONVERTED_KEYS, IGNORED_REF_SIBLINGS]) {
        for (const [key, reason] of Object.entries(list)) assert.ok(reason.length > 20, key);
      }
      for (const key of Object.keys(DROPPED_KEYS)) assert.ok(!Object.hasOwn(CONVERTED_KEYS, key), key);
    });

    it('carries every key the vendored specs use in a schema, or has it on the drop list', () => {
      const problems: string[] = [];
      const used = new Set<string>();
      for (const provider of catalog.providers()) {
        const done = new Set<string>();
        for (const [apiVersion, files] of Object.entries(provider.files)) {
          const docKey = provider.definitions[apiVersion];
          if (done.has(docKey)) continue;
          done.add(docKey);
          const swagger = swaggerKeys(files.map((f) => path.join(SPECS, f)));
          const bundle = bundleKeys(catalog.document(docKey));
          for (const [key, count] of swagger.counts) {
            used.add(key);
            if (key.startsWith('$ref sibling ') || key === 'required (not all read-only)') continue;
            if (Object.hasOwn(DROPPED_KEYS, key)) {
              if (bundle.get(key)) problems.push(`${docKey}: dropped key ${key} is in the bundle ${bundle.get(key)} times`);
            } else if (Object.hasOwn(CONVERTED_KEYS, key)) {
              const check = CONVERTED_FORM[key];
              if (!check) problems.push(`${docKey}: the specs use ${key} (converted: ${CONVERTED_KEYS[key]}); add a check of its form to CONVERTED_FORM`);
              else if (!check(swagger, bundle)) problems.push(`${docKey}: ${key} is not in its converted form as often as the specs use it`);
            } else if (bundle.get(key) < count) {
              problems.push(`${docKey}: ${key} is used by ${count} schema nodes of the specs and ${bundle.get(key)} of the bundle; carry it, or add it to DROPPED_KEYS with the reason`);
            }
          }
        }
      }
      assert.deepEqual(problems, []);
      // The walk did reach the keys this test is about.
      for (const key of ['description', 'x-ms-secret', 'x-ms-mutability', 'x-ms-enum', 'x-nullable', 'title', 'default', '$ref sibling type']) assert.ok(used.has(key), key);
    });

    it('produces documents that are valid OpenAPI 3 and schemas that are valid JSON Schema', async () => {
      for (const key of catalog.bundle.documentKeys) {
        const api = new OpenAPIBackend({ definition: catalog.document(key) as never, quick: true, validate: false });
        await api.loadDocument();
        assert.doesNotThrow(() => api.validateDefinition(), key);
      }
      // Ajv's meta-schema check of every schema: test/server/specDefinitions.test.ts.
    });
  });

  describe('Swagger 2.0 forms', () => {
    let dir: string;
    before(() => {
      dir = scratchDir('arclight-bundle-');
    });
    after(() => removeScratch(dir));

    let files = 0;
    const build = (spec: object) => {
      const file = path.join(dir, `spec-${++files}.json`);
      fs.writeFileSync(file, JSON.stringify({ swagger: '2.0', info: { title: 'T', version: '1' }, ...spec }));
      const builder = new DocumentBuilder('Test.Provider', '1');
      builder.addFile(file);
      return builder.build();
    };
    const ok = (schema: object) => ({ description: 'ok', schema });

    it('serves the operations of x-ms-paths at the path before their query part, and refuses routes the router could not tell apart', () => {
      const get = (operationId: string, param: string) => ({ get: { operationId, parameters: [{ name: param, in: 'path', required: true, type: 'string' }], responses: { 200: ok({ type: 'object' }) } } });
      const doc = build({ paths: { '/things/{name}': get('Things_Get', 'name') }, 'x-ms-paths': { '/widgets/{id}?disambiguation_dummy': get('Widgets_GetById', 'id') } });
      assert.equal(at(doc, 'paths', '/widgets/{id}', 'get', 'operationId'), 'Widgets_GetById');
      assert.equal(at(doc, 'paths', '/widgets/{id}?disambiguation_dummy'), undefined);
      // Same shape (the parameters' names aside): the second would never be reached.
      assert.throws(() => build({ paths: { '/{first}': get('First_Get', 'first') }, 'x-ms-paths': { '/{second}?x': get('Second_Get', 'second') } }),
        /First_Get and Second_Get have the same route \(GET \/\{\}\)/);
    });

    const pets = {
      paths: {
        '/pets/{name}': {
          put: {
            operationId: 'Pets_Put',
            parameters: [
              { name: 'name', in: 'path', required: true, type: 'string', maxLength: 10, description: 'The name.', 'x-ms-parameter-location': 'method' },
              { name: 'tags', in: 'query', type: 'array', items: { type: 'string' }, collectionFormat: 'pipes' },
              { name: 'ids', in: 'query', type: 'array', items: { type: 'string' } },
              { name: 'body', in: 'body', required: true, schema: { $ref: '#/definitions/Pet' } },
            ],
            responses: {
              200: { ...ok({ $ref: '#/definitions/Pet' }), headers: { 'X-Sizes': { type: 'array', items: { type: 'integer', format: 'int32' }, description: 'Sizes.' } } },
            },
          },
        },
        '/pets/{name}/photo': {
          get: { operationId: 'Photo_Get', parameters: [{ name: 'name', in: 'path', required: true, type: 'string' }], responses: { 200: ok({ type: 'file' }) } },
          post: {
            operationId: 'Photo_Upload',
            consumes: ['multipart/form-data'],
            parameters: [
              { name: 'name', in: 'path', required: true, type: 'string' },
              { name: 'photo', in: 'formData', required: true, type: 'file' },
              { name: 'labels', in: 'formData', type: 'array', items: { type: 'string' }, collectionFormat: 'multi' },
            ],
            responses: { 204: { description: 'stored' } },
          },
        },
      },
      definitions: {
        Pet: {
          type: 'object',
          discriminator: 'kind',
          required: ['kind', 'id'],
          properties: {
            kind: { type: 'string' },
            id: { type: 'string', readOnly: true },
            weight: { type: 'number', minimum: 0, maximum: 100, exclusiveMaximum: true, multipleOf: 0.5 },
            owner: { $ref: '#/definitions/Owner', 'x-nullable': true, readOnly: true, description: 'The owner.' },
            nick: { type: 'string', 'x-nullable': true },
            color: {
              type: 'string', enum: ['red', 'blue'],
              'x-ms-enum': { name: 'Color', modelAsString: true, values: [{ value: 'red', description: 'Red.' }, { value: 'blue' }] },
            },
            notes: { 'x-nullable': true, 'x-ms-client-flatten': true, example: 'x', title: 'Notes' },
            extra: { type: 'object', minProperties: 1, 'x-ms-not-seen-before': { kept: true } },
          },
        },
        Cat: { allOf: [{ $ref: '#/definitions/Pet' }], 'x-ms-discriminator-value': 'cat', properties: { lives: { type: 'integer' } } },
        Kitten: { allOf: [{ $ref: '#/definitions/Cat' }] },
        Dog: { allOf: [{ $ref: '#/definitions/Pet' }], properties: { password: { type: 'string', 'x-ms-secret': true } } },
        Owner: { type: 'object', properties: { name: { type: 'string', default: 'nobody' } } },
      },
    };

    it('keeps the keys it does not know, drops documentation and client hints, and converts bounds and nullability', () => {
      const doc = build(pets);
      assert.deepEqual(doc.components.schemas.Pet.properties, {
        kind: { type: 'string' },
        id: { type: 'string', readOnly: true },
        weight: { type: 'number', minimum: 0, exclusiveMaximum: 100, multipleOf: 0.5 },
        owner: { anyOf: [{ allOf: [{ $ref: '#/components/schemas/Owner' }], readOnly: true }, { type: 'null' }] },
        nick: { type: 'string', nullable: true },
        color: { type: 'string', enum: ['red', 'blue'], 'x-ms-enum': { name: 'Color', modelAsString: true, values: [{ value: 'red' }, { value: 'blue' }] } },
        notes: { anyOf: [{ title: 'Notes' }, { type: 'null' }] },
        extra: { type: 'object', minProperties: 1, 'x-ms-not-seen-before': { kept: true } },
      });
      // A read-only property binds responses only.
      assert.deepEqual(doc.components.schemas.Pet.required, ['kind']);
    });

    it('maps a discriminator to every definition that inherits from its base', () => {
      const doc = build(pets);
      assert.deepEqual(doc.components.schemas.Pet.discriminator, {
        propertyName: 'kind',
        mapping: { cat: '#/components/schemas/Cat', Kitten: '#/components/schemas/Kitten', Dog: '#/components/schemas/Dog' },
      });
      // The subtypes are components though no path names them, and keep their value.
      assert.equal(doc.components.schemas.Cat['x-ms-discriminator-value'], 'cat');
      assert.deepEqual(doc.components.schemas.Kitten, { allOf: [{ $ref: '#/components/schemas/Cat' }] });
    });

    it('converts collectionFormat, file types and formData parameters', () => {
      const doc = build(pets);
      const put = doc.paths['/pets/{name}'].put;
      assert.deepEqual(put.parameters, [
        { name: 'name', in: 'path', required: true, schema: { type: 'string', maxLength: 10 } },
        { name: 'tags', in: 'query', required: false, schema: { type: 'array', items: { type: 'string' } }, style: 'pipeDelimited', explode: false },
        // Swagger 2.0's default, csv, is not OpenAPI 3's.
        { name: 'ids', in: 'query', required: false, schema: { type: 'array', items: { type: 'string' } }, style: 'form', explode: false },
      ]);
      assert.deepEqual(put.responses['200'].headers, {
        'X-Sizes': { schema: { type: 'array', items: { type: 'integer', format: 'int32' } }, style: 'simple', explode: false },
      });
      const photo = doc.paths['/pets/{name}/photo'];
      assert.deepEqual(photo.get.responses['200'].content, { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } });
      assert.deepEqual(photo.post.requestBody, {
        required: true,
        content: {
          'multipart/form-data': {
            schema: { type: 'object', properties: { photo: { type: 'string', format: 'binary' }, labels: { type: 'array', items: { type: 'string' } } }, required: ['photo'] },
            encoding: { labels: { style: 'form', explode: true } },
          },
        },
      });
    });

    it('fails the build on a collectionFormat OpenAPI 3 cannot express', () => {
      const spec = {
        paths: { '/x': { get: { operationId: 'X', parameters: [{ name: 'a', in: 'query', type: 'array', items: { type: 'string' }, collectionFormat: 'tsv' }], responses: { 200: { description: 'ok' } } } } },
      };
      assert.throws(() => build(spec), /GET \/x parameter a: collectionFormat tsv has no OpenAPI 3 form/);
    });

    it('gives openapi-backend and Ajv a document they accept, the discriminator kept as data', async () => {
      const doc = build(pets);
      const api = new OpenAPIBackend({ definition: structuredClone(doc), quick: true, validate: false });
      await api.loadDocument();
      assert.doesNotThrow(() => api.validateDefinition());
      const definition = new Definition('Test.Provider@1', doc);
      assert.deepEqual(definition.schemaErrors(), []);
      const put = definition.operations.find((o) => o.operationId === 'Pets_Put')!;
      const validate = (body: unknown) => definition.validateRequest(put, { name: 'rex' }, {}, body);
      // Ajv's discriminator option stays off: Swagger 2.0 polymorphism (subtypes that allOf
      // the base) does not fit it, and the keyword is kept for readers of the document.
      assert.equal(validate({ kind: 'cat', lives: 'nine' }), null);
      assert.equal(validate({ kind: 'dog', weight: 100 })?.[0]?.keyword, 'exclusiveMaximum');
      assert.equal(validate({ kind: 'dog', nick: null, owner: null, weight: 99.5 }), null);
      assert.equal(validate({ kind: 'dog', weight: 0.25 })?.[0]?.keyword, 'multipleOf');
      assert.equal(validate({ kind: 'dog', extra: {} })?.[0]?.keyword, 'minProperties');
    });

    it('derives facts through discriminator subtypes and a $ref\'s siblings', () => {
      const doc = build(pets);
      const facts: DerivedFacts = doc.paths['/pets/{name}'].put['x-arclight-derived'];
      assert.deepEqual(facts, {
        of: 'requestBody',
        secret: ['password'],
        readOnly: ['id', 'owner'],
        createOnly: [],
        defaults: [],
        enums: [{ path: 'color', values: ['red', 'blue'], modelAsString: true }],
      });
      // A GET without a JSON body has none; the PUT's response is not derived (its GET's is).
      assert.equal(doc.paths['/pets/{name}/photo'].get['x-arclight-derived'], undefined);
    });
  });

  describe('derived facts', () => {
    const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
    const schemas = {
      Node: {
        type: 'object',
        properties: {
          name: { type: 'string', default: 'n' },
          key: { type: 'string', 'x-ms-secret': true, 'x-ms-mutability': ['create'] },
          children: { type: 'array', items: ref('Node') },
        },
      },
      Fixed: { type: 'string', default: 'inner', 'x-ms-mutability': ['create', 'read', 'update'] },
      Body: {
        properties: {
          root: ref('Node'),
          status: { readOnly: true, properties: { state: { type: 'string', enum: ['a', 'b'], default: 'a' } } },
          fixed: { allOf: [ref('Fixed')], 'x-ms-mutability': ['create', 'read'], default: 'outer' },
          maybe: { anyOf: [ref('Fixed'), { type: 'null' }] },
          map: { additionalProperties: { properties: { k: { type: 'string', enum: ['x'] } } } },
          secrets: { type: 'object', 'x-ms-secret': true, additionalProperties: { type: 'string', 'x-ms-secret': true } },
        },
      },
    };

    it('follows $ref, allOf and anyOf, names maps and arrays, and stops at recursion', () => {
      const facts = deriveFacts(schemas, [ref('Body')], 'response');
      assert.deepEqual(facts, {
        of: 'response',
        // Outermost only: secrets.* is secret with secrets.
        secret: ['root.key', 'secrets'],
        readOnly: ['status'],
        // The $ref's sibling comes before its target.
        createOnly: ['root.key', 'fixed'],
        defaults: [
          { path: 'root.name', value: 'n' },
          { path: 'status.state', value: 'a' },
          { path: 'fixed', value: 'outer' },
          { path: 'maybe', value: 'inner' },
        ],
        // root.children[] is a Node again: not entered (no root.children[].name).
        enums: [
          { path: 'status.state', values: ['a', 'b'], modelAsString: false },
          { path: 'map.*.k', values: ['x'], modelAsString: false },
        ],
      });
    });

    it('lists nothing below a read-only path of a request body', () => {
      const facts = deriveFacts(schemas, [ref('Body')], 'requestBody');
      assert.deepEqual(facts.readOnly, ['status']);
      assert.ok(!facts.defaults.some((d) => d.path.startsWith('status.')));
      assert.ok(!facts.enums.some((e) => e.path.startsWith('status.')));
    });

    it('walks an array root and merges the schemas of several roots', () => {
      const facts = deriveFacts(schemas, [{ type: 'array', items: ref('Fixed') }, { default: [] }], 'response');
      assert.deepEqual(facts.defaults, [{ path: '', value: [] }, { path: '[]', value: 'inner' }]);
    });
  });

  describe('facts of the vendored specs', () => {
    const operation = (namespace: string, apiVersion: string, operationId: string) => {
      const op = catalog.definition(namespace, apiVersion)!.operations.find((o) => o.operationId === operationId);
      assert.ok(op, `${namespace} ${apiVersion} ${operationId}`);
      return op;
    };
    const derived = (namespace: string, apiVersion: string, operationId: string): DerivedFacts => {
      const facts = operation(namespace, apiVersion, operationId).derived;
      assert.ok(facts, `${operationId} has derived facts`);
      return facts;
    };
    const K8S_CONFIG = 'Microsoft.KubernetesConfiguration';

    it('has the write-only flux paths, from x-ms-secret, and the kit takes them with the create-only ones for every version', () => {
      const facts = derived(K8S_CONFIG, '2024-11-01', 'FluxConfigurations_CreateOrUpdate');
      assert.equal(facts.of, 'requestBody');
      const secrets = [
        'configurationProtectedSettings',
        'azureBlob.accountKey', 'azureBlob.sasToken',
        'azureBlob.servicePrincipal.clientSecret', 'azureBlob.servicePrincipal.clientCertificate', 'azureBlob.servicePrincipal.clientCertificatePassword',
        'ociRepository.tlsConfig.clientCertificate', 'ociRepository.tlsConfig.privateKey', 'ociRepository.tlsConfig.caCertificate',
      ];
      assert.deepEqual(new Set(facts.secret), new Set(secrets.map((p) => `properties.${p}`)));
      assert.deepEqual(new Set(facts.createOnly), new Set(['properties.scope', 'properties.namespace']));
      // 2025-04-01 no longer marks configurationProtectedSettings: a mark in any served version counts.
      const itemPath = `/subscriptions/{}/resourceGroups/{}/providers/{}/{}/{}/providers/${K8S_CONFIG}/fluxConfigurations/{}`;
      const kit = typeSpecFacts([...catalog.factsOf('PUT', itemPath), ...catalog.factsOf('PATCH', itemPath)], {});
      assert.deepEqual(new Set(kit.writeOnly), new Set(secrets));
      assert.deepEqual(new Set(kit.createOnly), new Set(['scope', 'namespace']));
      assert.equal(kit.defaults.find((d) => d.path === 'kustomizations.*.wait')?.value, true, 'a default of a newer version fills for all');
    });

    it('has the flux defaults the spec states', () => {
      const defaults = new Map(derived(K8S_CONFIG, '2024-11-01', 'FluxConfigurations_CreateOrUpdate').defaults.map((d) => [d.path, d.value]));
      const expected: Record<string, unknown> = {
        'properties.scope': 'cluster',
        'properties.namespace': 'default',
        'properties.sourceKind': 'GitRepository',
        'properties.suspend': false,
        'properties.gitRepository.syncIntervalInSeconds': 600,
        'properties.gitRepository.timeoutInSeconds': 600,
        'properties.bucket.insecure': true,
        'properties.azureBlob.syncIntervalInSeconds': 600,
        'properties.ociRepository.useWorkloadIdentity': false,
        'properties.kustomizations.*.path': '',
        'properties.kustomizations.*.syncIntervalInSeconds': 600,
        'properties.kustomizations.*.timeoutInSeconds': 600,
        'properties.kustomizations.*.prune': false,
        'properties.kustomizations.*.force': false,
        'properties.kustomizations.*.wait': true,
        'properties.kustomizations.*.postBuild.substituteFrom[].optional': false,
      };
      for (const [p, value] of Object.entries(expected)) assert.deepEqual(defaults.get(p), value, p);
      // complianceState defaults to Unknown, but is read-only: not a request fact.
      assert.ok(!defaults.has('properties.complianceState'));
    });

    it('has the create-only paths the extension specs mark', () => {
      // 2024-11-01 marks none: extensionType and scope, fixed at creation in
      // server/providers/kubernetesConfiguration/extensions.ts, are Azure's behaviour, not the spec's.
      assert.deepEqual(derived(K8S_CONFIG, '2024-11-01', 'Extensions_Create').createOnly, []);
      assert.deepEqual(derived(K8S_CONFIG, '2025-03-01', 'Extensions_Create').createOnly, ['managedBy']);
      // A tracked resource's location: TrackedResource marks it ["read", "create"].
      assert.deepEqual(derived('Microsoft.Kubernetes', '2024-07-01-preview', 'ConnectedCluster_Create').createOnly, ['location']);
    });

    it('has the secret agentry settings of connected clusters, in the GET response too', () => {
      const put = derived('Microsoft.Kubernetes', '2024-07-01-preview', 'ConnectedCluster_Create');
      assert.ok(put.secret.includes('properties.arcAgentryConfigurations[].protectedSettings'));
      const list = derived('Microsoft.Kubernetes', '2024-07-01-preview', 'ConnectedCluster_ListBySubscription');
      assert.equal(list.of, 'response');
      assert.ok(list.secret.includes('value[].properties.arcAgentryConfigurations[].protectedSettings'));
      assert.ok(list.readOnly.includes('value[].properties.connectivityStatus'));
    });

    it('has the enums, open or closed as x-ms-enum says', () => {
      const enums = derived(K8S_CONFIG, '2024-11-01', 'SourceControlConfigurations_CreateOrUpdate').enums;
      assert.deepEqual(enums.find((e) => e.path === 'properties.operatorType'), { path: 'properties.operatorType', values: ['Flux'], modelAsString: true });
      const identity = derived('Microsoft.Kubernetes', '2024-07-01-preview', 'ConnectedCluster_Create').enums.find((e) => e.path === 'identity.type');
      assert.deepEqual(identity, { path: 'identity.type', values: ['None', 'SystemAssigned'], modelAsString: false });
    });

    it('are there for every operation with a JSON body to read, and only those', () => {
      for (const definition of catalog.allDefinitions()) {
        for (const op of definition.operations) {
          const body = op.requestSchema !== undefined && ['put', 'patch', 'post'].includes(op.method);
          const response = op.method === 'get' && (op.responseSchemas['200'] !== undefined || op.responseSchemas['201'] !== undefined);
          assert.equal(op.derived?.of, body ? 'requestBody' : response ? 'response' : undefined, `${definition.key} ${op.method} ${op.operationId}`);
        }
      }
    });
  });
});
