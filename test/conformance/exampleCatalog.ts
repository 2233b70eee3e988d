/**
 * From the vendored specs to runnable examples: the spec bundle names the spec files of
 * every (provider, api-version) Arclight serves (found by the build, scripts/specSources.ts); each operation in them lists its examples under
 * `x-ms-examples`; each example file holds the request parameters and the documented responses.
 * An ExampleCase is one such example turned into a request (path, query, body) that can be sent
 * as it is; an example file the specs name but specs/ does not hold is only an ExampleReference
 * (see coverage.ts for how those are accounted for). Nothing here is provider-specific.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { Json } from '../../protocol/json';
import type { BundleProvider } from '../../server/spec/bundleTypes';
import { BUNDLE_FILE } from '../../server/spec/specCatalog';
import { specPaths } from '../../scripts/buildSpecBundle';


/** The repository root (this file runs from dist/test/conformance). */
export const ROOT = path.resolve(__dirname, '..', '..', '..');
const SPECS = path.join(ROOT, 'specs');

export interface ExampleResponse {
  body?: Json;
  headers?: Record<string, string>;
}

/** One x-ms-examples entry of an operation in a vendored spec file, whether its example file is vendored or not. */
export interface ExampleReference {
  namespace: string;
  apiVersion: string;
  /** Spec file, relative to specs/. */
  specFile: string;
  operationId: string;
  /** The key under x-ms-examples. */
  title: string;
  method: string;
  /** The spec's path template, in its own casing. */
  template: string;
  /** Example file, relative to specs/. */
  exampleFile: string;
  /** Whether specs/ holds the example file (the known gaps are listed in missingExamples.json). */
  vendored: boolean;
}

/** An operation of a vendored spec file (one method on one path) with the examples its spec gives for it. */
export interface SpecOperation {
  namespace: string;
  apiVersion: string;
  specFile: string;
  operationId: string;
  method: string;
  template: string;
  examples: ExampleReference[];
}

/** A vendored example, ready to send. */
export interface ExampleCase extends ExampleReference {
  responses: Record<string, ExampleResponse>;
  /** The request: path with the example's parameters filled in, query (api-version included), body. */
  path: string;
  query: Record<string, string>;
  body?: Json;
  /** Whether the spec marks the operation long-running, and pageable (a list). */
  longRunning: boolean;
  pageable: boolean;
}

const HTTP_METHODS = ['put', 'get', 'post', 'patch', 'delete', 'head'];

const fileCache = new Map<string, Json>();
function readJson(file: string): Json {
  let doc = fileCache.get(file);
  if (doc === undefined) {
    doc = JSON.parse(fs.readFileSync(file, 'utf8'));
    fileCache.set(file, doc);
  }
  return doc;
}

/** A parameter object, following a $ref into another file when there is one. */
function resolveParameter(fromFile: string, param: Json): Json {
  if (!param.$ref) return param;
  const [filePart, fragment = ''] = String(param.$ref).split('#');
  const file = filePart ? path.resolve(path.dirname(fromFile), filePart) : fromFile;
  let node = readJson(file);
  for (const key of fragment.split('/').filter(Boolean)) node = node?.[key.replace(/~1/g, '/').replace(/~0/g, '~')];
  if (!node) throw new Error(`${fromFile}: unresolved parameter ${param.$ref}`);
  return resolveParameter(file, node);
}

/** The providers Arclight serves, with the spec files of each api-version, as the build found them (dist/specs/bundle.json). */
const servedProviders = (): BundleProvider[] => Object.values(readJson(BUNDLE_FILE).providers);
const isVendoredSpec = (file: string) => file.startsWith('specification/');

/** The provider namespaces served from vendored spec files (not only from Arclight's own). */
export function specNamespaces(): string[] {
  return servedProviders()
    .filter((p) => Object.values(p.files).some((files) => files.some(isVendoredSpec)))
    .map((p) => p.namespace);
}

/** The vendored spec files of each served api-version of `namespace` (Arclight's own files left out). */
export function specFiles(namespace: string): Array<{ apiVersion: string; file: string }> {
  const provider = servedProviders().find((p) => p.namespace.toLowerCase() === namespace.toLowerCase());
  if (!provider) throw new Error(`the spec bundle has no provider ${namespace}`);
  const out: Array<{ apiVersion: string; file: string }> = [];
  for (const [apiVersion, files] of Object.entries(provider.files)) {
    for (const file of files) if (isVendoredSpec(file)) out.push({ apiVersion, file });
  }
  return out;
}

/** Every operation of the provider's vendored spec files, with its x-ms-examples entries. */
export function specOperations(namespace: string): SpecOperation[] {
  const operations: SpecOperation[] = [];
  for (const { apiVersion, file } of specFiles(namespace)) {
    const specPath = path.join(SPECS, file);
    // x-ms-paths too, at the route the bundle serves them (their key without its query part).
    for (const [template, item] of specPaths(readJson(specPath))) {
      for (const method of HTTP_METHODS) {
        const op = item[method];
        if (!op) continue;
        const operation = { namespace, apiVersion, specFile: file, operationId: op.operationId, method: method.toUpperCase(), template };
        const examples = Object.entries<Json>(op['x-ms-examples'] ?? {}).map(([title, ref]) => {
          const exampleAbs = path.resolve(path.dirname(specPath), ref.$ref);
          return { ...operation, title, exampleFile: path.relative(SPECS, exampleAbs), vendored: fs.existsSync(exampleAbs) };
        });
        operations.push({ ...operation, examples });
      }
    }
  }
  return operations;
}

/** Every x-ms-examples entry of the provider's vendored spec files, vendored or not. */
export function exampleReferences(namespace: string): ExampleReference[] {
  return specOperations(namespace).flatMap((o) => o.examples);
}

/** The vendored examples of the provider's spec files, as requests (example files specs/ lacks are left out). */
export function exampleCases(namespace: string): ExampleCase[] {
  return exampleReferences(namespace).filter((r) => r.vendored).map(caseOf);
}

function caseOf(ref: ExampleReference): ExampleCase {
  const specPath = path.join(SPECS, ref.specFile);
  // As specOperations found it (x-ms-paths, a trailing slash left off).
  const item = new Map(specPaths(readJson(specPath))).get(ref.template);
  const op = item[ref.method.toLowerCase()];
  const parameters = [...(item.parameters ?? []), ...(op.parameters ?? [])].map((p: Json) => resolveParameter(specPath, p));
  const example = readJson(path.join(SPECS, ref.exampleFile));
  return {
    ...ref,
    longRunning: !!op['x-ms-long-running-operation'],
    pageable: op['x-ms-pageable'] !== undefined,
    ...requestOf(ref.template, parameters, example.parameters ?? {}),
    responses: example.responses ?? {},
  };
}

/** The request an example describes: path parameters filled in, query parameters, the body parameter. */
function requestOf(template: string, parameters: Json[], values: Record<string, Json>): Pick<ExampleCase, 'path' | 'query' | 'body'> {
  const byName = new Map(parameters.map((p: Json) => [p.name, p]));
  const filled = template.replace(/\{([^}]+)\}/g, (_m, name: string) => {
    if (values[name] === undefined) throw new Error(`example has no value for path parameter ${name} of ${template}`);
    return encodeURIComponent(String(values[name]));
  });
  const query: Record<string, string> = {};
  let body: Json;
  for (const [name, value] of Object.entries(values)) {
    const param = byName.get(name);
    if (param?.in === 'query') query[name] = String(value);
    else if (param?.in === 'body') body = value;
  }
  return { path: filled, query, ...(body !== undefined ? { body } : {}) };
}

/** The URL of a case, as sent: path and query string. */
export function urlOf(c: Pick<ExampleCase, 'path' | 'query'>): string {
  const q = new URLSearchParams(c.query).toString();
  return q ? `${c.path}?${q}` : c.path;
}
