/**
 * Build step: turns the vendored Swagger 2.0 files listed in specs/manifest.json into one
 * OpenAPI 3 document per (provider namespace, api-version), with every external $ref resolved
 * into components, and writes them with the manifest and the region catalog to
 * dist/specs/bundle.json. The server only loads that file at start-up: no spec parsing,
 * conversion or $ref resolution happens at run time.
 *
 * Conventions of the generated documents (the router and the renderer rely on them):
 *  - path literals are lower-cased (ARM matches them case-insensitively); the original
 *    template is kept in `x-arclight-path`, used to build canonical resource ids;
 *  - `x-nullable` becomes `nullable` (or an anyOf with {type: null} where there is no type);
 *  - read-only properties are removed from `required` (they only bind responses);
 *  - descriptions, examples and client-generator hints are dropped to keep the bundle small.
 */
import * as fs from 'fs';
import * as path from 'path';
import { pathSegments, resourceTypeOf } from '../server/kit/resourceIds';
import { BundleManifest, SpecBundle, BundleProvider, BundleResourceType, ManifestFile } from '../server/spec/bundleTypes';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const ROOT = path.resolve(__dirname, '..', '..');
const SPECS = path.join(ROOT, 'specs');
const OUT = path.join(ROOT, 'dist', 'specs', 'bundle.json');

const HTTP_METHODS = ['get', 'put', 'post', 'patch', 'delete', 'head'];
/** Schema keywords carried over to the generated documents. */
const SCHEMA_KEYS = [
  'type', 'format', 'enum', 'default', 'pattern', 'minLength', 'maxLength', 'minimum', 'maximum',
  'exclusiveMinimum', 'exclusiveMaximum', 'minItems', 'maxItems', 'uniqueItems', 'readOnly',
  'x-ms-secret', 'x-ms-mutability', 'x-ms-azure-resource',
];
const OPERATION_EXTENSIONS = ['x-ms-long-running-operation', 'x-ms-long-running-operation-options', 'x-ms-pageable'];

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

/** Resolves a $ref relative to the file it appears in. */
function resolveRef(fromFile: string, ref: string): { file: string; fragment: string; node: Json } {
  const [filePart, fragment = ''] = ref.split('#');
  const file = filePart ? path.resolve(path.dirname(fromFile), filePart) : fromFile;
  return { file, fragment, node: pointer(loadJson(file), fragment) };
}

/** Builds one OpenAPI 3 document from several Swagger 2.0 files. */
class DocumentBuilder {
  private readonly schemas: Record<string, Json> = {};
  private readonly nameOf = new Map<string, string>();
  private readonly paths: Record<string, Json> = {};

  constructor(private readonly title: string, private readonly version: string) {}

  addFile(file: string): void {
    const doc = loadJson(file);
    for (const [template, item] of Object.entries<Json>(doc.paths ?? {})) {
      const shared = item.parameters ?? [];
      for (const method of HTTP_METHODS) {
        const op = item[method];
        if (!op) continue;
        const key = lowerLiterals(template);
        const target = (this.paths[key] ??= {});
        if (target[method]) throw new Error(`${method.toUpperCase()} ${template} defined twice in ${this.title} ${this.version}`);
        target[method] = this.convertOperation(file, template, [...shared, ...(op.parameters ?? [])], op);
      }
    }
  }

  build(): Json {
    return {
      openapi: '3.0.3',
      info: { title: this.title, version: this.version },
      paths: this.paths,
      components: { schemas: this.schemas },
    };
  }

  private convertOperation(file: string, template: string, rawParams: Json[], op: Json): Json {
    const parameters: Json[] = [];
    let requestBody: Json | undefined;
    for (const raw of rawParams) {
      const { param, file: paramFile } = raw.$ref ? (() => { const r = resolveRef(file, raw.$ref); return { param: r.node, file: r.file }; })() : { param: raw, file };
      if (param.in === 'body') {
        requestBody = {
          required: !!param.required,
          content: { 'application/json': { schema: this.convertSchema(paramFile, param.schema) } },
        };
      } else {
        const schema: Json = {};
        for (const k of SCHEMA_KEYS) if (param[k] !== undefined) schema[k] = param[k];
        if (param.items) schema.items = this.convertSchema(paramFile, param.items);
        parameters.push({ name: param.name, in: param.in, required: !!param.required || param.in === 'path', schema });
      }
    }
    const responses: Json = {};
    for (const [code, raw] of Object.entries<Json>(op.responses ?? {})) {
      const res = raw.$ref ? resolveRef(file, raw.$ref).node : raw;
      const out: Json = { description: res.description ?? code };
      if (res.schema) out.content = { 'application/json': { schema: this.convertSchema(file, res.schema) } };
      if (res.headers) {
        out.headers = Object.fromEntries(Object.entries<Json>(res.headers).map(([h, def]) => [h, { schema: { type: def.type ?? 'string' } }]));
      }
      responses[code] = out;
    }
    const converted: Json = { operationId: op.operationId, summary: op.summary ?? op.description, parameters, responses, 'x-arclight-path': template };
    if (requestBody) converted.requestBody = requestBody;
    for (const ext of OPERATION_EXTENSIONS) if (op[ext] !== undefined) converted[ext] = op[ext];
    return converted;
  }

  /** Converts a Swagger 2.0 schema; named definitions become components (registered once). */
  private convertSchema(file: string, schema: Json): Json {
    if (schema.$ref) {
      const ref = { $ref: `#/components/schemas/${this.component(file, schema.$ref)}` };
      return schema['x-nullable'] ? { anyOf: [ref, { type: 'null' }] } : ref;
    }
    const out: Json = {};
    for (const k of SCHEMA_KEYS) if (schema[k] !== undefined) out[k] = schema[k];
    if (schema.properties) {
      out.properties = {};
      for (const [name, prop] of Object.entries<Json>(schema.properties)) out.properties[name] = this.convertSchema(file, prop);
      const required = (schema.required ?? []).filter((r: string) => !schema.properties[r]?.readOnly);
      if (required.length) out.required = required;
    } else if (schema.required?.length) {
      out.required = schema.required;
    }
    if (schema.items) out.items = this.convertSchema(file, schema.items);
    if (schema.additionalProperties !== undefined) {
      out.additionalProperties = typeof schema.additionalProperties === 'object'
        ? this.convertSchema(file, schema.additionalProperties)
        : schema.additionalProperties;
    }
    if (schema.allOf) out.allOf = schema.allOf.map((s: Json) => this.convertSchema(file, s));
    if (schema['x-nullable'] === true) {
      if (out.type) out.nullable = true;
      else return { anyOf: [out, { type: 'null' }] };
    }
    return out;
  }

  private component(fromFile: string, ref: string): string {
    const { file, fragment, node } = resolveRef(fromFile, ref);
    const key = `${file}#${fragment}`;
    const existing = this.nameOf.get(key);
    if (existing) return existing;
    const base = fragment.split('/').pop()!;
    let name = base;
    for (let i = 2; this.schemas[name] !== undefined; i++) name = `${base}_${i}`;
    this.nameOf.set(key, name);
    this.schemas[name] = {}; // reserve before recursing: definitions may be recursive
    this.schemas[name] = this.convertSchema(file, node);
    return name;
  }
}

/** Lower-cases the literal segments of a path template, keeping {parameter} names as they are. */
function lowerLiterals(template: string): string {
  return template.split('/').map((seg) => (seg.startsWith('{') ? seg : seg.toLowerCase())).join('/');
}

function main(): void {
  const manifest: BundleManifest = loadJson(path.join(SPECS, 'manifest.json'));
  const regions = loadJson(path.join(SPECS, 'arclight', 'regions.json'));
  const bundle: SpecBundle = { generatedFrom: 'specs/manifest.json', regions: regions.regions, regionSets: manifest.regionSets, providers: {}, documents: {} };

  for (const provider of manifest.providers) {
    const nsLower = provider.namespace.toLowerCase();
    const versionsByType = new Map<string, Set<string>>();
    const out: BundleProvider = {
      namespace: provider.namespace,
      armOwned: !!provider.armOwned,
      authorizations: provider.authorizations ?? [],
      definitions: {},
      resourceTypes: [],
    };
    const docKeyByFiles = new Map<string, string>();
    for (const [apiVersion, files] of Object.entries<ManifestFile[]>(provider.apiVersions)) {
      // api-versions made of the same files share one document.
      const filesKey = JSON.stringify(files);
      const shared = docKeyByFiles.get(filesKey);
      const docKey = shared ?? `${provider.namespace}@${apiVersion}`;
      docKeyByFiles.set(filesKey, docKey);
      const builder = new DocumentBuilder(provider.namespace, apiVersion);
      for (const file of files) {
        const abs = path.join(SPECS, file);
        builder.addFile(abs);
        const doc = loadJson(abs);
        for (const [template, item] of Object.entries<Json>(doc.paths ?? {})) {
          for (const method of HTTP_METHODS.filter((m) => item[m])) {
            const type = resourceTypeOf(pathSegments(template), nsLower, method)?.toLowerCase();
            if (!type) continue;
            if (!versionsByType.has(type)) versionsByType.set(type, new Set());
            versionsByType.get(type)!.add(apiVersion);
          }
        }
      }
      if (!shared) bundle.documents[docKey] = builder.build();
      out.definitions[apiVersion] = docKey;
    }
    const allVersions = Object.keys(provider.apiVersions);
    for (const [typeName, decl] of Object.entries(provider.resourceTypes ?? {})) {
      const fromSpecs = versionsByType.get(typeName.toLowerCase());
      const apiVersions = decl.apiVersions ?? (fromSpecs ? [...fromSpecs] : allVersions);
      const rt: BundleResourceType = { ...decl, resourceType: typeName, apiVersions: sortVersionsDesc(apiVersions) };
      out.resourceTypes.push(rt);
    }
    bundle.providers[nsLower] = out;
  }

  fs.mkdirSync(path.dirname(OUT), { recursive: true });
  fs.writeFileSync(OUT, JSON.stringify(bundle));
  const kb = Math.round(fs.statSync(OUT).size / 1024);
  console.log(`spec bundle: ${Object.keys(bundle.documents).length} definitions, ${kb} KiB -> ${path.relative(ROOT, OUT)}`);
}

/** Newest first, as ARM lists api-versions in provider documents. */
export function sortVersionsDesc(versions: Iterable<string>): string[] {
  return [...new Set(versions)].sort((a, b) => (a < b ? 1 : a > b ? -1 : 0));
}

if (require.main === module) main();
