/**
 * Build step: turns the vendored Swagger 2.0 files of each provider of specs/manifest.json
 * (every spec file of its spec folders, by the api-version each says it is: see
 * scripts/specSources.ts) into one OpenAPI 3 document per (provider namespace, api-version),
 * with every external $ref resolved into components, and writes them with the manifest, the
 * files of each api-version, the region catalog and the route table to dist/specs/bundle.json,
 * and each document to a file of its own beside it (dist/specs/documents). The server loads the
 * bundle at start-up and a document when its api-version is first used: no spec parsing,
 * conversion or $ref resolution happens at run time.
 *
 * Conventions of the generated documents (the router and the renderer rely on them):
 *  - path literals are lower-cased (ARM matches them case-insensitively); the original
 *    template is kept in `x-arclight-path`, used to build canonical resource ids;
 *  - every schema keyword and vendor extension of the specs is carried over, but for the
 *    documentation and client-generator keys of DROPPED_KEYS; the Swagger 2.0 forms OpenAPI 3
 *    spells differently are converted (CONVERTED_KEYS), among them `x-nullable`, which becomes
 *    `nullable` (or an anyOf with {type: null} where there is no type);
 *  - a $ref with sibling keys becomes `allOf: [{$ref}]` beside them: OpenAPI 3.0 and
 *    openapi-backend's dereferencing ignore a $ref's siblings, and the specs put readOnly,
 *    x-ms-mutability and default there (but a sibling `type`, see IGNORED_REF_SIBLINGS);
 *  - read-only properties are removed from `required` (they only bind responses);
 *  - each operation with a JSON request body, and each GET with a 200/201 body, carries the
 *    facts its schema holds about its paths (secret, read-only, create-only, defaults, enums)
 *    in `x-arclight-derived` (see deriveFacts), so that run-time code reads lists instead of
 *    walking schemas or copying the specs by hand.
 */
import * as fs from 'fs';
import * as path from 'path';
import { pathSegments, resourceTypeOf } from '../server/kit/resourceIds';
import { providerApiVersions, sortVersionsDesc } from './specSources';
import {
  BundleManifest, SpecBundle, BundleProvider, BundleResourceType, ManifestExtract, ManifestFile, DerivedFacts, DerivedFactsSource, OpenEnum,
} from '../server/spec/bundleTypes';
import type { Json, JsonObject } from '../protocol/json';
import { documentFile, documentsDir } from '../server/spec/bundleFiles';
import { routeKeyOf } from '../server/spec/definitions';


const ROOT = path.resolve(__dirname, '..', '..');
const SPECS = path.join(ROOT, 'specs');
const OUT = path.join(ROOT, 'dist', 'specs', 'bundle.json');
const DOCUMENTS_DIR = documentsDir(OUT);

const HTTP_METHODS = ['get', 'put', 'post', 'patch', 'delete', 'head'];
const OPERATION_EXTENSIONS = ['x-ms-long-running-operation', 'x-ms-long-running-operation-options', 'x-ms-pageable'];

/**
 * The keys of Swagger 2.0 schemas (and of non-body parameters and response headers, which hold
 * schema keys) that the generated documents leave out, and why. Every other key is carried
 * over, converted where OpenAPI 3 spells it differently (CONVERTED_KEYS).
 * test/server/specBundle.test.ts walks the vendored specs and fails on a key that is in
 * neither the bundle nor this list, so a keyword the specs start using is never lost silently:
 * it has to be carried, converted, or added here with its reason.
 */
export const DROPPED_KEYS: Readonly<Record<string, string>> = {
  description: 'documentation; the largest part of the specs (over 2,600 uses) and read by nothing at run time',
  example: 'documentation (a sample value)',
  examples: 'documentation (sample values)',
  'x-ms-examples': 'documentation: references to example files, which are not part of the bundle',
  externalDocs: 'documentation (a link)',
  'x-ms-client-name': 'client generators: the SDK name of a property or parameter; the name on the wire is unchanged',
  'x-ms-client-flatten': 'client generators: the SDK lifts the nested object\'s members into its parent; the wire format keeps the nesting',
  'x-ms-parameter-location': 'client generators: whether the SDK makes a parameter a client or a method parameter',
  'x-ms-identifiers': 'tooling: the properties that identify the items of an array, for SDK and What-If diffs and the linter; what ARM accepts and returns does not depend on it',
};

/**
 * Swagger 2.0 keys whose OpenAPI 3 (and Ajv) form differs, and the form they take. The
 * keyword test checks that each one the specs use arrives in its converted form.
 */
export const CONVERTED_KEYS: Readonly<Record<string, string>> = {
  'x-nullable': 'true: `nullable: true` beside a type, else `anyOf: [schema, {type: "null"}]`; false: nothing (not nullable is the default)',
  $ref: 'to `#/components/schemas/<name>`; with sibling keys, `allOf: [{$ref}]` beside them',
  discriminator: '`discriminator: {propertyName, mapping}`, the mapping naming each definition that inherits from the base (allOf, directly or not) by its x-ms-discriminator-value, else its name',
  type: '`file` becomes `type: string, format: binary` (a response body of it is application/octet-stream); other types are unchanged',
  exclusiveMaximum: 'the draft-4 boolean beside `maximum` becomes the draft-7 number Ajv requires (`exclusiveMaximum: <maximum>`, no `maximum`)',
  exclusiveMinimum: 'the draft-4 boolean beside `minimum` becomes the draft-7 number Ajv requires (`exclusiveMinimum: <minimum>`, no `minimum`)',
  required: 'read-only properties are removed (they only bind responses, and Ajv cannot tell); an emptied list is left out',
  'x-ms-enum': 'kept, but for the `description` of each of its `values` (documentation)',
  collectionFormat: 'parameters and headers of type array: OpenAPI 3 `style` and `explode` (csv, the default, is form/simple without explode; multi is form with explode; ssv and pipes are spaceDelimited and pipeDelimited); tsv has no OpenAPI 3 form and fails the build',
};

/**
 * Keys beside a $ref that are not carried, and why. Swagger 2.0 ignores every sibling of a
 * $ref; Azure's tools honour the annotations among them (readOnly, x-ms-mutability, default,
 * x-nullable, x-ms-secret, ...), which are carried.
 */
export const IGNORED_REF_SIBLINGS: Readonly<Record<string, string>> = {
  type: 'repeats the target\'s type in every use in the specs, and validating it beside the $ref would lose the target\'s nullability (a nullable definition says `nullable` beside its own type): a PATCH\'s `"kustomizations": {"k": null}` would be refused',
};

/**
 * Parameter patterns of the specs that Azure itself does not hold to, replaced (not dropped, so
 * the keyword count the bundle test compares stays the same), each with its evidence.
 */
export const PARAMETER_CORRECTIONS: ReadonlyArray<{ name: string; in: string; pattern: string; corrected: string; reason: string }> = [
  {
    name: 'extensionTypeName', in: 'path', pattern: '^[a-zA-Z][a-zA-Z0-9-_]*$', corrected: '^[a-zA-Z][a-zA-Z0-9._-]*$',
    reason: 'extensionTypes 2023-05-01-preview, 2024-11-01-preview, 2024-11-02-preview, 2026-04-01-preview, 2026-04-01 and 2026-05-01 leave out the dot that every extension type name has '
      + '(microsoft.flux); Azure serves extensionTypes/microsoft.contoso.samples at 2023-05-01-preview '
      + '(Azure/azure-cli-extensions, src/k8s-extension/.../recordings/test_k8s_extension_types.yaml)',
  },
];

/** Swagger 2.0 parameter fields that OpenAPI 3 keeps on the parameter object, not in its schema. */
const PARAMETER_FIELDS = new Set(['name', 'in', 'required', 'collectionFormat', 'allowEmptyValue', 'schema']);

const fileCache = new Map<string, Json>();
function loadJson(file: string): Json {
  let doc = fileCache.get(file);
  if (!doc) {
    doc = JSON.parse(fs.readFileSync(file, 'utf8'));
    fileCache.set(file, doc);
  }
  return doc;
}

function pointer(doc: Json, fragment: string): Json {
  let node = doc;
  for (const raw of fragment.replace(/^#?\/?/, '').split('/').filter(Boolean)) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    node = node?.[key];
  }
  if (node === undefined) throw new Error(`unresolved pointer ${fragment}`);
  return node;
}

/**
 * `$ref`s of the vendored specs that resolve to no file, here or upstream, and what they were
 * meant to name: `<spec file relative to specs/> <ref as written>` -> the ref used instead.
 * The vendored files stay as Azure publishes them; the builder reads these refs as repaired.
 */
export const REF_REPAIRS: Readonly<Record<string, { ref: string; reason: string }>> = {
  'specification/kubernetesconfiguration/resource-manager/Microsoft.KubernetesConfiguration/operations/preview/2024-11-01-preview/operations.json ../../../../common/2022-03-01/definitions.json#/definitions/OperationStatusList': {
    ref: '../../../common/2022-03-01/definitions.json#/definitions/OperationStatusList',
    reason: 'one ../ too many: it points at resource-manager/common/, which does not exist; every sibling ref of the file (and the 2024-11-01 operations.json) uses Microsoft.KubernetesConfiguration/common/2022-03-01',
  },
  'specification/operationalinsights/resource-manager/Microsoft.OperationalInsights/stable/2020-08-01/Workspaces.json #/definitions/WorkspaceFeatures': {
    ref: '#/definitions/WorkspacesFeatures',
    reason: 'the file defines its features as WorkspacesFeatures (sic) and names them WorkspaceFeatures in WorkspaceProperties.features; the definition it means is the only features one',
  },
};

/** A $ref as the builder reads it: as written, or as REF_REPAIRS repairs it. */
export function repairedRef(fromFile: string, ref: string): string {
  const relative = path.relative(SPECS, fromFile).split(path.sep).join('/');
  return REF_REPAIRS[`${relative} ${ref}`]?.ref ?? ref;
}

/** Resolves a $ref relative to the file it appears in. */
function resolveRef(fromFile: string, ref: string): { file: string; fragment: string; node: Json } {
  const [filePart, fragment = ''] = repairedRef(fromFile, ref).split('#');
  const file = filePart ? path.resolve(path.dirname(fromFile), filePart) : fromFile;
  return { file, fragment, node: pointer(loadJson(file), fragment) };
}

const escapePointer = (name: string) => name.replace(/~/g, '~0').replace(/\//g, '~1');

/** Array serializations by Swagger 2.0 collectionFormat, then parameter location: OpenAPI 3's style and explode. */
const ARRAY_STYLES: Record<string, Record<string, { style: string; explode: boolean }>> = {
  csv: {
    query: { style: 'form', explode: false },
    formData: { style: 'form', explode: false },
    path: { style: 'simple', explode: false },
    header: { style: 'simple', explode: false },
  },
  multi: { query: { style: 'form', explode: true }, formData: { style: 'form', explode: true } },
  ssv: { query: { style: 'spaceDelimited', explode: false }, formData: { style: 'spaceDelimited', explode: false } },
  pipes: { query: { style: 'pipeDelimited', explode: false }, formData: { style: 'pipeDelimited', explode: false } },
};

/**
 * How an array parameter (or header) is serialized. Swagger 2.0's default is csv
 * (`?a=x,y`), not OpenAPI 3's exploded form (`?a=x&a=y`), so it is spelled out even when the
 * spec does not name it. A format OpenAPI 3 cannot express fails the build rather than
 * being dropped.
 */
function arrayStyle(location: string, collectionFormat = 'csv', where = ''): { style: string; explode: boolean } {
  const style = ARRAY_STYLES[collectionFormat]?.[location];
  if (!style) throw new Error(`${where}: collectionFormat ${collectionFormat} has no OpenAPI 3 form for a ${location} value`);
  return style;
}

/** Where an open enum's listed values are kept (see OpenEnum): for casing, not for validation. */
const KNOWN_VALUES = 'x-arclight-known-values';

/** x-ms-enum without the descriptions of its values (documentation). */
function enumExtension(value: Json): Json {
  if (!Array.isArray(value?.values)) return value;
  return {
    ...value,
    values: value.values.map((v: Json) => {
      if (!v || typeof v !== 'object') return v;
      return Object.fromEntries(Object.entries(v).filter(([key]) => key !== 'description'));
    }),
  };
}

/** A definition that declares a discriminator, waiting for its mapping (see mapDiscriminators). */
interface DiscriminatorBase {
  component: string;
  /** `${file}#${fragment}` of the definition. */
  key: string;
}

/**
 * A spec file's operations by path template: `paths`, then `x-ms-paths`, AutoRest's way to give
 * one path a second operation (Authorization's `RoleDefinitions_GetById` at
 * `/{roleId}?disambiguation_dummy`). The query part of an `x-ms-paths` key only tells the two
 * apart for the generators, so the route is the path before it; where that leaves a path a file
 * already has, addFile fails the build (defined twice) instead of serving one of them silently.
 */
export function specPaths(doc: Json): Array<[string, Json]> {
  const extra = Object.entries<Json>(doc['x-ms-paths'] ?? {}).map(([key, item]): [string, Json] => [key.replace(/\?.*$/, ''), item]);
  // A trailing slash (the template spec lists: `.../templateSpecs/`) is left off, as in the
  // extracts: ARM ignores empty segments, and the router would not route the template.
  const paths = Object.entries<Json>(doc.paths ?? {}).map(([key, item]): [string, Json] => [key.length > 1 ? key.replace(/\/$/, '') : key, item]);
  return [...paths, ...extra];
}

/**
 * Operations of one document whose routes have the same shape (method, and the path with every
 * parameter alike), which the router cannot tell apart: it always picks the first. Each is
 * allowed here with the operations that share it and why a handler can tell them apart; any
 * other fails the build, so an operation is never shadowed silently.
 */
export const SHARED_ROUTES: Readonly<Record<string, { operations: readonly string[]; reason: string }>> = {
  'GET /{}': {
    operations: ['RoleAssignments_GetById', 'RoleDefinitions_GetById'],
    reason: 'both take a whole ARM id (x-ms-skip-url-encoding); the handler reads a role definition id as RoleDefinitions_GetById and renders it through that operation (server/providers/neighbours/roleAssignments.ts)',
  },
};

/** Builds one OpenAPI 3 document from several Swagger 2.0 files. */
export class DocumentBuilder {
  /** Route shape -> the operationIds that have it (see SHARED_ROUTES). */
  private readonly shapes = new Map<string, string[]>();
  private readonly schemas: Record<string, Json> = {};
  private readonly nameOf = new Map<string, string>();
  private readonly paths: Record<string, Json> = {};
  /** Every file the document draws from (added or reached by a $ref), in the order met. */
  private readonly sourceFiles = new Set<string>();
  private readonly discriminatorBases: DiscriminatorBase[] = [];

  constructor(private readonly title: string, private readonly version: string, private readonly openEnums: Readonly<Record<string, OpenEnum>> = {}) {}

  addFile(file: string): void {
    const doc = loadJson(file);
    this.sourceFiles.add(file);
    for (const [template, item] of specPaths(doc)) {
      const shared = item.parameters ?? [];
      for (const method of HTTP_METHODS) {
        const op = item[method];
        if (!op) continue;
        const key = lowerLiterals(template);
        const target = (this.paths[key] ??= {});
        if (target[method]) throw new Error(`${method.toUpperCase()} ${template} defined twice in ${this.title} ${this.version}`);
        this.checkShape(`${method.toUpperCase()} ${key.replace(/\{[^}]+\}/g, '{}')}`, op.operationId);
        const consumes: string[] = op.consumes ?? doc.consumes ?? [];
        target[method] = this.convertOperation(file, method, template, [...shared, ...(op.parameters ?? [])], op, consumes);
      }
    }
  }

  private checkShape(shape: string, operationId: string): void {
    const sharing = [...(this.shapes.get(shape) ?? []), operationId];
    this.shapes.set(shape, sharing);
    if (sharing.length < 2) return;
    const allowed = SHARED_ROUTES[shape];
    if (!allowed || !sharing.every((id) => allowed.operations.includes(id))) {
      throw new Error(`${this.title} ${this.version}: ${sharing.join(' and ')} have the same route (${shape}), which the router cannot tell apart (see SHARED_ROUTES)`);
    }
  }

  build(): Json {
    this.mapDiscriminators();
    for (const item of Object.values<Json>(this.paths)) {
      for (const [method, op] of Object.entries<Json>(item)) {
        const derived = this.deriveOperationFacts(method, op);
        if (derived) op['x-arclight-derived'] = derived;
      }
    }
    return {
      openapi: '3.0.3',
      info: { title: this.title, version: this.version },
      paths: this.paths,
      components: { schemas: this.schemas },
    };
  }

  private convertOperation(file: string, method: string, template: string, rawParams: Json[], op: Json, consumes: string[]): Json {
    const where = `${method.toUpperCase()} ${template}`;
    const parameters: Json[] = [];
    const formFields: Array<{ param: Json; file: string }> = [];
    let requestBody: Json | undefined;
    for (const raw of rawParams) {
      const { node: param, file: paramFile } = raw.$ref ? resolveRef(file, raw.$ref) : { node: raw, file };
      if (param.in === 'body') {
        requestBody = {
          required: !!param.required,
          content: { 'application/json': { schema: this.convertSchema(paramFile, param.schema) } },
        };
      } else if (param.in === 'formData') {
        formFields.push({ param, file: paramFile });
      } else {
        parameters.push(this.convertParameter(paramFile, param, where));
      }
    }
    if (formFields.length) {
      if (requestBody) throw new Error(`${where}: both a body and formData parameters`);
      requestBody = this.formBody(formFields, consumes, where);
    }
    const responses: Json = {};
    for (const [code, raw] of Object.entries<Json>(op.responses ?? {})) {
      const { node: res, file: resFile } = raw.$ref ? resolveRef(file, raw.$ref) : { node: raw, file };
      const out: Json = { description: res.description ?? code };
      if (res.schema) {
        // A Swagger 2.0 `type: file` response is a binary download, not JSON.
        const media = res.schema.type === 'file' ? 'application/octet-stream' : 'application/json';
        out.content = { [media]: { schema: this.convertSchema(resFile, res.schema) } };
      }
      if (res.headers) {
        out.headers = Object.fromEntries(Object.entries<Json>(res.headers).map(([h, def]) => [h, this.convertHeader(resFile, def, `${where} ${code} header ${h}`)]));
      }
      responses[code] = out;
    }
    const converted: Json = { operationId: op.operationId, summary: op.summary ?? op.description, parameters, responses, 'x-arclight-path': template };
    if (requestBody) converted.requestBody = requestBody;
    for (const ext of OPERATION_EXTENSIONS) if (op[ext] !== undefined) converted[ext] = op[ext];
    return converted;
  }

  /**
   * A query, path or header parameter: name, location and requiredness stay on the parameter
   * (a path parameter is always required in OpenAPI 3), every other key describes its value
   * and goes to its schema.
   */
  private convertParameter(file: string, raw: Json, where: string): Json {
    const fix = PARAMETER_CORRECTIONS.find((c) => c.name === raw.name && c.in === raw.in && c.pattern === raw.pattern);
    const param = fix ? { ...raw, pattern: fix.corrected } : raw;
    const schema = this.convertSchema(file, Object.fromEntries(Object.entries(param).filter(([k]) => !PARAMETER_FIELDS.has(k))));
    const out: Json = { name: param.name, in: param.in, required: !!param.required || param.in === 'path', schema };
    if (param.allowEmptyValue !== undefined) out.allowEmptyValue = param.allowEmptyValue;
    // Swagger 2.0: collectionFormat "is used only if type is array"; elsewhere it means nothing.
    if (param.type === 'array') Object.assign(out, arrayStyle(param.in, param.collectionFormat, `${where} parameter ${param.name}`));
    return out;
  }

  /** A response header: its schema keys as a schema. */
  private convertHeader(file: string, def: Json, where: string): Json {
    const header: Json = { schema: this.convertSchema(file, Object.fromEntries(Object.entries<Json>(def).filter(([k]) => k !== 'collectionFormat'))) };
    if (def.type === 'array') Object.assign(header, arrayStyle('header', def.collectionFormat, where));
    return header;
  }

  /**
   * Swagger 2.0 formData parameters are, in OpenAPI 3, the properties of one request body
   * of the form media type the operation consumes (multipart when a file is among them).
   */
  private formBody(fields: Array<{ param: Json; file: string }>, consumes: string[], where: string): Json {
    const formTypes = ['multipart/form-data', 'application/x-www-form-urlencoded'];
    const media = consumes.find((t) => formTypes.includes(t))
      ?? (fields.some(({ param }) => param.type === 'file') ? 'multipart/form-data' : 'application/x-www-form-urlencoded');
    const schema: Json = { type: 'object', properties: {} };
    const encoding: Json = {};
    for (const { param, file } of fields) {
      schema.properties[param.name] = this.convertSchema(file, Object.fromEntries(Object.entries(param).filter(([k]) => !PARAMETER_FIELDS.has(k))));
      if (param.required) (schema.required ??= []).push(param.name);
      if (param.type === 'array') encoding[param.name] = arrayStyle('formData', param.collectionFormat, `${where} form field ${param.name}`);
    }
    const content: Json = { schema };
    if (Object.keys(encoding).length) content.encoding = encoding;
    return { required: fields.some(({ param }) => param.required), content: { [media]: content } };
  }

  /** Converts a Swagger 2.0 schema; named definitions become components (registered once). */
  private convertSchema(file: string, schema: Json): Json {
    if (schema.$ref) return this.convertRef(file, schema);
    const out: Json = {};
    for (const [key, value] of Object.entries<Json>(schema)) {
      if (Object.hasOwn(DROPPED_KEYS, key)) continue;
      switch (key) {
        case 'x-nullable':
          break; // below, once the rest is known
        case 'type':
          if (value === 'file') {
            out.type = 'string';
            out.format = 'binary';
          } else {
            out.type = value;
          }
          break;
        case 'format':
          if (schema.type !== 'file') out.format = value;
          break;
        case 'properties':
          out.properties = Object.fromEntries(Object.entries<Json>(value).map(([name, prop]) => [name, this.convertSchema(file, prop)]));
          break;
        case 'required': {
          const required = schema.properties ? value.filter((r: string) => !schema.properties[r]?.readOnly) : value;
          if (required.length) out.required = required;
          break;
        }
        case 'items':
          out.items = this.convertSchema(file, value);
          break;
        case 'additionalProperties':
          out.additionalProperties = typeof value === 'object' ? this.convertSchema(file, value) : value;
          break;
        case 'allOf':
        case 'anyOf':
        case 'oneOf':
          out[key] = value.map((s: Json) => this.convertSchema(file, s));
          break;
        case 'not':
          out.not = this.convertSchema(file, value);
          break;
        case 'discriminator':
          // The mapping is added once every subtype is known (mapDiscriminators).
          out.discriminator = typeof value === 'string' ? { propertyName: value } : value;
          break;
        case 'maximum':
          if (schema.exclusiveMaximum !== true) out.maximum = value;
          break;
        case 'exclusiveMaximum':
          if (value === true) out.exclusiveMaximum = schema.maximum;
          else if (typeof value === 'number') out.exclusiveMaximum = value;
          break;
        case 'minimum':
          if (schema.exclusiveMinimum !== true) out.minimum = value;
          break;
        case 'exclusiveMinimum':
          if (value === true) out.exclusiveMinimum = schema.minimum;
          else if (typeof value === 'number') out.exclusiveMinimum = value;
          break;
        case 'x-ms-enum':
          out[key] = enumExtension(value);
          break;
        default:
          out[key] = value;
      }
    }
    const open = typeof schema['x-ms-enum']?.name === 'string' && Object.hasOwn(this.openEnums, schema['x-ms-enum'].name) ? this.openEnums[schema['x-ms-enum'].name] : undefined;
    if (open && Array.isArray(out.enum)) {
      // Azure takes values beyond the spec's list here (the manifest's openEnums): a pattern checks them, the list still gives casing.
      out[KNOWN_VALUES] = out.enum;
      delete out.enum;
      out.pattern = open.pattern;
    }
    if (schema['x-nullable'] === true) {
      if (out.type) out.nullable = true;
      else return { anyOf: [out, { type: 'null' }] };
    }
    return out;
  }

  /**
   * A $ref. Its siblings (readOnly, x-ms-mutability, default in the specs) would be ignored
   * beside it by OpenAPI 3.0 and by openapi-backend's dereferencing, so they go beside an allOf
   * that holds it; the renderer and deriveFacts merge allOf members. IGNORED_REF_SIBLINGS
   * are left out.
   */
  private convertRef(file: string, schema: Json): Json {
    const ref = { $ref: `#/components/schemas/${this.component(file, schema.$ref)}` };
    const siblings = this.convertSchema(file, Object.fromEntries(Object.entries<Json>(schema).filter(([k]) => k !== '$ref' && k !== 'x-nullable' && !Object.hasOwn(IGNORED_REF_SIBLINGS, k))));
    const { allOf = [], ...rest } = siblings;
    const out = Object.keys(siblings).length ? { allOf: [ref, ...allOf], ...rest } : ref;
    return schema['x-nullable'] === true ? { anyOf: [out, { type: 'null' }] } : out;
  }

  private component(fromFile: string, ref: string): string {
    const { file, fragment, node } = resolveRef(fromFile, ref);
    const key = `${file}#${fragment}`;
    const existing = this.nameOf.get(key);
    if (existing) return existing;
    this.sourceFiles.add(file);
    const base = fragment.split('/').pop()!;
    let name = base;
    for (let i = 2; this.schemas[name] !== undefined; i++) name = `${base}_${i}`;
    this.nameOf.set(key, name);
    this.schemas[name] = {}; // reserve before recursing: definitions may be recursive
    this.schemas[name] = this.convertSchema(file, node);
    if (node.discriminator) this.discriminatorBases.push({ component: name, key });
    return name;
  }

  /**
   * Swagger 2.0 names a discriminator's values on the subtypes (a definition that inherits
   * from the base through allOf, valued by its x-ms-discriminator-value or else its name);
   * OpenAPI 3 lists them on the base, as a mapping. Subtypes are looked for among the
   * definitions of every file the document draws from, and become components even when no
   * path names them (a request may send any of them).
   */
  private mapDiscriminators(): void {
    // The list grows while it is walked: a subtype may be a discriminator's base in turn.
    for (let i = 0; i < this.discriminatorBases.length; i++) {
      const base = this.discriminatorBases[i];
      const mapping: Record<string, string> = {};
      for (const file of [...this.sourceFiles]) {
        for (const [name, def] of Object.entries<Json>(loadJson(file).definitions ?? {})) {
          if (!this.inheritsFrom(file, def, base.key, new Set())) continue;
          const value = def['x-ms-discriminator-value'] ?? name;
          mapping[value] = `#/components/schemas/${this.component(file, `#/definitions/${escapePointer(name)}`)}`;
        }
      }
      if (Object.keys(mapping).length) this.schemas[base.component].discriminator.mapping = mapping;
    }
  }

  /** Whether `def` (in `file`) has the definition `baseKey` among its allOf ancestors. */
  private inheritsFrom(file: string, def: Json, baseKey: string, seen: Set<string>): boolean {
    for (const member of def?.allOf ?? []) {
      if (typeof member?.$ref !== 'string') continue;
      const target = resolveRef(file, member.$ref);
      const key = `${target.file}#${target.fragment}`;
      if (key === baseKey) return true;
      if (seen.has(key)) continue;
      seen.add(key);
      if (this.inheritsFrom(target.file, target.node, baseKey, seen)) return true;
    }
    return false;
  }

  /** The facts of an operation's JSON request body, or of a GET's 200/201 body. */
  private deriveOperationFacts(method: string, op: Json): DerivedFacts | undefined {
    if (method === 'put' || method === 'patch' || method === 'post') {
      const schema = op.requestBody?.content?.['application/json']?.schema;
      return schema ? deriveFacts(this.schemas, [schema], 'requestBody') : undefined;
    }
    if (method === 'get') {
      const schemas = ['200', '201'].map((code) => op.responses?.[code]?.content?.['application/json']?.schema).filter(Boolean);
      return schemas.length ? deriveFacts(this.schemas, schemas, 'response') : undefined;
    }
    return undefined;
  }
}

/** What the schemas merged at one path say (see deriveFacts). */
interface MergedSchema {
  secret: boolean;
  readOnly: boolean;
  mutability?: string[];
  default?: { value: unknown };
  enum?: { values: unknown[]; modelAsString: boolean };
  /** The schemas of the next level, by path step: `.name`, `*` (map values) or `[]` (items). */
  next: Map<string, Json[]>;
  /** Every schema object merged here: the walk does not enter them again below (recursion). */
  merged: Set<Json>;
}

/**
 * The facts a body schema holds about its paths: the outermost paths marked x-ms-secret,
 * readOnly and create-only (x-ms-mutability with "create" but not "update"; what lies below
 * such a path is secret, read-only or create-only with it and is not listed again), and every
 * default and enum (values, and whether x-ms-enum.modelAsString makes the list open).
 *
 * A path's schema is the merge of all that applies there: $ref targets, allOf members,
 * anyOf/oneOf branches but {type: null}, and the subtypes a discriminator's mapping names
 * (a body may be any of them). Where merged schemas disagree, the first met wins for a default
 * and x-ms-mutability (a $ref's siblings come before its target), enum values are united.
 * The walk stops at recursion: a schema object already merged on the way from the root is not
 * entered again (ErrorDetail.details[] is an ErrorDetail), so facts are listed down to the
 * first repetition only.
 *
 * Of a request body, nothing below a read-only path is listed: ARM ignores what a client
 * sends there. `schemas` are the document's components, for $refs.
 */
export function deriveFacts(schemas: Record<string, Json>, roots: Json[], of: DerivedFactsSource): DerivedFacts {
  const facts: DerivedFacts = { of, secret: [], readOnly: [], createOnly: [], defaults: [], enums: [] };
  const resolve = (schema: Json): Json => {
    const ref: unknown = schema?.$ref;
    if (typeof ref !== 'string') return schema;
    const name = ref.replace(/^#\/components\/schemas\//, '');
    if (name === ref || !Object.hasOwn(schemas, name)) throw new Error(`deriveFacts: unresolved ${ref}`);
    return schemas[name];
  };

  const merge = (list: Json[], ancestors: ReadonlySet<Json>): MergedSchema => {
    const m: MergedSchema = { secret: false, readOnly: false, next: new Map(), merged: new Set() };
    const step = (key: string, schema: Json) => {
      const at = m.next.get(key);
      if (at) at.push(schema);
      else m.next.set(key, [schema]);
    };
    const visit = (raw: Json) => {
      const s = resolve(raw);
      if (!s || typeof s !== 'object' || ancestors.has(s) || m.merged.has(s)) return;
      m.merged.add(s);
      if (s.type === 'null') return;
      if (s['x-ms-secret'] === true) m.secret = true;
      if (s.readOnly === true) m.readOnly = true;
      if (Array.isArray(s['x-ms-mutability'])) m.mutability ??= s['x-ms-mutability'];
      if (Object.hasOwn(s, 'default')) m.default ??= { value: s.default };
      const values: Json[] | undefined = Array.isArray(s.enum) ? s.enum : s[KNOWN_VALUES];
      if (Array.isArray(values)) {
        const open = s['x-ms-enum']?.modelAsString === true;
        if (!m.enum) m.enum = { values: [...values], modelAsString: open };
        else {
          for (const v of values) if (!m.enum.values.includes(v)) m.enum.values.push(v);
          m.enum.modelAsString ||= open;
        }
      }
      for (const [name, prop] of Object.entries<Json>(s.properties ?? {})) step(`.${name}`, prop);
      if (s.additionalProperties && typeof s.additionalProperties === 'object') step('*', s.additionalProperties);
      if (s.items && typeof s.items === 'object') step('[]', s.items);
      for (const member of s.allOf ?? []) visit(member);
      for (const branch of [...(s.anyOf ?? []), ...(s.oneOf ?? [])]) visit(branch);
      for (const target of Object.values<string>(s.discriminator?.mapping ?? {})) visit({ $ref: target });
    };
    for (const schema of list) visit(schema);
    return m;
  };

  /** `under`: the marks an enclosing path already has (only the outermost path is listed). */
  const walk = (list: Json[], at: string, ancestors: ReadonlySet<Json>, under: { secret: boolean; readOnly: boolean; createOnly: boolean }) => {
    const m = merge(list, ancestors);
    const createOnly = !!m.mutability && m.mutability.includes('create') && !m.mutability.includes('update');
    if (m.readOnly && !under.readOnly) facts.readOnly.push(at);
    if (m.readOnly && of === 'requestBody') return;
    if (m.secret && !under.secret) facts.secret.push(at);
    if (createOnly && !under.createOnly) facts.createOnly.push(at);
    if (m.default) facts.defaults.push({ path: at, value: m.default.value });
    if (m.enum) facts.enums.push({ path: at, ...m.enum });
    if (!m.next.size) return;
    const inner = new Set([...ancestors, ...m.merged]);
    const marks = { secret: under.secret || m.secret, readOnly: under.readOnly || m.readOnly, createOnly: under.createOnly || createOnly };
    for (const [key, next] of m.next) {
      const child = key === '*' || key === '[]' ? `${at}${at && key === '*' ? '.' : ''}${key}` : `${at}${at ? '.' : ''}${key.slice(1)}`;
      walk(next, child, inner, marks);
    }
  };

  walk(roots, '', new Set(), { secret: false, readOnly: false, createOnly: false });
  return facts;
}

/** Lower-cases the literal segments of a path template, keeping {parameter} names as they are. */
function lowerLiterals(template: string): string {
  return template.split('/').map((seg) => (seg.startsWith('{') ? seg : seg.toLowerCase())).join('/');
}

/**
 * Writes a manifest extract (see ManifestExtract): the matching paths of a vendored file with
 * the local definitions and parameters they reach (transitively), other `$ref`s re-pointed from
 * the generated file's folder, `x-ms-examples` dropped (the examples are not vendored), trailing
 * slashes of path templates left off.
 */
export function extractSpec(extract: ManifestExtract): Json {
  const fromAbs = path.join(SPECS, extract.from);
  const toAbs = path.join(SPECS, extract.file);
  const source = JSON.parse(fs.readFileSync(fromAbs, 'utf8'));
  const patterns = extract.paths.map((p) => new RegExp(p, 'i'));
  const wanted = { definitions: new Set<string>(), parameters: new Set<string>() };
  const rewrite = (node: Json): Json => {
    if (Array.isArray(node)) return node.map(rewrite);
    if (node === null || typeof node !== 'object') return node;
    const out: Record<string, Json> = {};
    for (const [k, v] of Object.entries<Json>(node)) {
      if (k === 'x-ms-examples') continue;
      if (k === '$ref' && typeof v === 'string') {
        const local = /^#\/(definitions|parameters)\/(.+)$/.exec(v);
        if (local) (wanted as Record<string, Set<string>>)[local[1]].add(local[2].replace(/~1/g, '/').replace(/~0/g, '~'));
        if (!v.startsWith('#')) {
          const [filePart, fragment] = v.split('#');
          const target = path.resolve(path.dirname(fromAbs), filePart);
          out[k] = path.relative(path.dirname(toAbs), target).split(path.sep).join('/') + (fragment !== undefined ? `#${fragment}` : '');
          continue;
        }
      }
      out[k] = rewrite(v);
    }
    return out;
  };
  const doc: Record<string, Json> = {};
  for (const [k, v] of Object.entries<Json>(source)) if (!['paths', 'definitions', 'parameters'].includes(k)) doc[k] = rewrite(v);
  doc.paths = {};
  for (const [template, item] of Object.entries<Json>(source.paths ?? {})) {
    // A trailing slash (the deployments lists: `.../deployments/`) is left off: ARM ignores empty
    // segments, and openapi-backend, the validator's reference, would not route the template.
    if (patterns.some((re) => re.test(template))) doc.paths[template.length > 1 ? template.replace(/\/$/, '') : template] = rewrite(item);
  }
  if (!Object.keys(doc.paths).length) throw new Error(`extract ${extract.file}: no path of ${extract.from} matches`);
  const definitions: Record<string, Json> = {};
  const parameters: Record<string, Json> = {};
  for (let grew = true; grew;) {
    grew = false;
    for (const name of wanted.definitions) if (!Object.hasOwn(definitions, name)) { definitions[name] = rewrite(source.definitions[name]); grew = true; }
    for (const name of wanted.parameters) if (!Object.hasOwn(parameters, name)) { parameters[name] = rewrite(source.parameters[name]); grew = true; }
  }
  doc.definitions = definitions;
  doc.parameters = parameters;
  fs.mkdirSync(path.dirname(toAbs), { recursive: true });
  const text = JSON.stringify(doc, null, 2) + '\n';
  if (!fs.existsSync(toAbs) || fs.readFileSync(toAbs, 'utf8') !== text) fs.writeFileSync(toAbs, text);
  fileCache.delete(toAbs);
  return doc;
}

function main(): void {
  const manifest: BundleManifest = loadJson(path.join(SPECS, 'manifest.json'));
  for (const extract of manifest.extracts ?? []) extractSpec(extract);
  const regions = loadJson(path.join(SPECS, 'arclight', 'regions.json'));
  const bundle: SpecBundle = { generatedFrom: 'specs/manifest.json', regions: regions.regions, regionSets: manifest.regionSets, providers: {}, documentKeys: [], routes: {} };
  const documents = new Map<string, JsonObject>();

  for (const provider of manifest.providers) {
    const nsLower = provider.namespace.toLowerCase();
    const versionsByType = new Map<string, Set<string>>();
    const out: BundleProvider = {
      namespace: provider.namespace,
      armOwned: !!provider.armOwned,
      authorizations: provider.authorizations ?? [],
      definitions: {},
      files: {},
      resourceTypes: [],
    };
    const docKeyByFiles = new Map<string, string>();
    const apiVersions = providerApiVersions(SPECS, provider);
    for (const [apiVersion, files] of Object.entries<ManifestFile[]>(apiVersions)) {
      // api-versions made of the same files share one document.
      const filesKey = JSON.stringify(files);
      const shared = docKeyByFiles.get(filesKey);
      const docKey = shared ?? `${provider.namespace}@${apiVersion}`;
      docKeyByFiles.set(filesKey, docKey);
      const builder = new DocumentBuilder(provider.namespace, apiVersion, provider.openEnums);
      for (const file of files) {
        const abs = path.join(SPECS, file);
        builder.addFile(abs);
        const doc = loadJson(abs);
        for (const [template, item] of specPaths(doc)) {
          for (const method of HTTP_METHODS.filter((m) => item[m])) {
            const type = resourceTypeOf(pathSegments(template), nsLower, method)?.toLowerCase();
            if (!type) continue;
            if (!versionsByType.has(type)) versionsByType.set(type, new Set());
            versionsByType.get(type)!.add(apiVersion);
          }
        }
      }
      if (!shared) documents.set(docKey, builder.build() as JsonObject);
      out.definitions[apiVersion] = docKey;
      out.files[apiVersion] = files;
    }
    const allVersions = Object.keys(apiVersions);
    for (const [typeName, decl] of Object.entries(provider.resourceTypes ?? {})) {
      const fromSpecs = versionsByType.get(typeName.toLowerCase());
      const typeVersions = decl.apiVersions ?? (fromSpecs ? [...fromSpecs] : allVersions);
      const rt: BundleResourceType = { ...decl, resourceType: typeName, apiVersions: sortVersionsDesc(typeVersions) };
      out.resourceTypes.push(rt);
    }
    bundle.providers[nsLower] = out;
  }

  bundle.documentKeys = [...documents.keys()].sort();
  bundle.routes = routeTable(documents);
  fs.rmSync(DOCUMENTS_DIR, { recursive: true, force: true });
  fs.mkdirSync(DOCUMENTS_DIR, { recursive: true });
  let bytes = 0;
  for (const [key, document] of documents) {
    const text = JSON.stringify(document);
    bytes += text.length;
    fs.writeFileSync(documentFile(DOCUMENTS_DIR, key), text);
  }
  fs.writeFileSync(OUT, JSON.stringify(bundle));
  const kb = (n: number) => Math.round(n / 1024);
  console.log(`spec bundle: ${documents.size} definitions, ${kb(fs.statSync(OUT).size)} KiB -> ${path.relative(ROOT, OUT)}, ${kb(bytes)} KiB of documents -> ${path.relative(ROOT, DOCUMENTS_DIR)}`);
}

/**
 * Every operation's route key; for writes (PUT, PATCH: what resource types are declared from),
 * the distinct derived facts of the api-versions that have it, newest first (keys are
 * `namespace@api-version`, so descending key order is newest first per route). Reads' facts
 * stay in their documents, which their requests load anyway.
 */
function routeTable(documents: Map<string, JsonObject>): Record<string, DerivedFacts[]> {
  const routes: Record<string, DerivedFacts[]> = {};
  const seen = new Map<string, Set<string>>();
  for (const key of [...documents.keys()].sort().reverse()) {
    const paths = (documents.get(key)!.paths ?? {}) as Record<string, Record<string, { 'x-arclight-derived'?: DerivedFacts }>>;
    for (const [template, item] of Object.entries(paths)) {
      for (const [method, op] of Object.entries(item)) {
        const route = routeKeyOf(method, template);
        const facts = (routes[route] ??= []);
        const derived = op?.['x-arclight-derived'];
        if (!derived || !['put', 'patch'].includes(method)) continue;
        const text = JSON.stringify(derived);
        const known = seen.get(route) ?? new Set<string>();
        seen.set(route, known);
        if (!known.has(text)) facts.push(derived);
        known.add(text);
      }
    }
  }
  return routes;
}

if (require.main === module) main();
