/**
 * Every operation the server's specs define, in one shape the case generator works from: the
 * ARM operations of every definition (with the api-versions that select it) and the agent
 * protocol's operations (specs/arclight/agent-protocol.json).
 */
import * as fs from 'fs';
import * as path from 'path';
import type { SpecCatalog } from '../../server/spec/specCatalog';
import type { Surface } from './httpClient';
import type { Json } from '../../protocol/json';

type Schema = Json;

export interface QueryParameter {
  name: string;
  required: boolean;
  schema: Schema;
}

/** Which credential an operation's requests normally carry. */
export type Credential = 'arm' | 'cluster' | 'none';

export interface SpecOperation {
  surface: Surface;
  /** `${definition key} ${operationId}`: where a failing request came from. */
  origin: string;
  method: string;
  /** The spec path, `{name}` for each parameter. */
  template: string;
  query: QueryParameter[];
  requestSchema?: Schema;
  /** The document `$ref`s in the request schema point into. */
  root: Schema;
  /** The api-versions that select this operation's definition (ARM); empty when there is no such parameter. */
  apiVersions: string[];
  credential: Credential;
}

/** The api-versions served for each definition key (several map to one definition, e.g. Microsoft.Resources). */
function apiVersionsByKey(catalog: SpecCatalog): Map<string, string[]> {
  const byKey = new Map<string, string[]>();
  for (const provider of catalog.providers()) {
    for (const [apiVersion, key] of Object.entries(provider.definitions)) byKey.set(key, [...(byKey.get(key) ?? []), apiVersion]);
  }
  return byKey;
}

/**
 * A schema as text, with its `#/components/schemas/...` references replaced by what they name
 * and dereferenced cycles cut (a schema met again on its own path is written as a mark): two
 * operations whose requests have the same fingerprint accept and refuse the same bodies.
 */
function fingerprint(schema: Schema, root: Schema): string {
  const parts: string[] = [];
  const write = (node: Schema, path: Set<object>, refs: ReadonlySet<string>): void => {
    if (node === null || typeof node !== 'object') {
      parts.push(JSON.stringify(node ?? null));
      return;
    }
    if (path.has(node)) {
      parts.push('"<cycle>"');
      return;
    }
    const ref = node.$ref;
    if (typeof ref === 'string' && ref.startsWith('#/components/schemas/')) {
      const name = ref.slice('#/components/schemas/'.length);
      if (refs.has(name)) parts.push(JSON.stringify(`<ref ${name}>`));
      else write(root.components?.schemas?.[name], path, new Set([...refs, name]));
      return;
    }
    path.add(node);
    if (Array.isArray(node)) {
      parts.push('[');
      for (const item of node) write(item, path, refs);
      parts.push(']');
    } else {
      parts.push('{');
      for (const key of Object.keys(node).sort()) {
        parts.push(JSON.stringify(key), ':');
        write(node[key], path, refs);
      }
      parts.push('}');
    }
    path.delete(node);
  };
  write(schema, new Set(), new Set());
  return parts.join('');
}

/**
 * The ARM operations of every definition. An operation the same in several definitions (same
 * method, path, query parameters and request schema, as most are across api-versions) is one,
 * with the api-versions of all of them: each case picks one, so every version is reached
 * without sending the same cases once per version. `implemented` tells the operations the
 * server has a handler for: the others (extension types, private endpoint connections) answer
 * the documented 501 NotImplemented by design, whatever the request, so they are left out.
 */
export function armOperations(catalog: SpecCatalog, implemented: (routeKey: string) => boolean = () => true): SpecOperation[] {
  const versions = apiVersionsByKey(catalog);
  const out: SpecOperation[] = [];
  const byShape = new Map<string, SpecOperation>();
  for (const definition of catalog.allDefinitions()) {
    const apiVersions = versions.get(definition.key) ?? [];
    if (!apiVersions.length) throw new Error(`no api-version selects ${definition.key}`);
    const root = catalog.document(definition.key);
    for (const op of definition.operations) {
      if (!implemented(op.routeKey)) continue;
      const parameters = ((op.raw as Schema).parameters ?? []) as Schema[];
      const query = parameters.filter((p) => p.in === 'query' && p.name !== 'api-version').map((p) => ({ name: p.name, required: !!p.required, schema: p.schema }));
      const shape = `${op.method} ${op.template} ${fingerprint(query, root)} ${fingerprint(op.requestSchema, root)}`;
      const same = byShape.get(shape);
      if (same) {
        same.apiVersions.push(...apiVersions);
        continue;
      }
      const operation: SpecOperation = {
        surface: 'arm',
        origin: `${definition.key} ${op.operationId}`,
        method: op.method.toUpperCase(),
        template: op.template,
        query,
        requestSchema: op.requestSchema,
        root,
        apiVersions: [...apiVersions],
        credential: 'arm',
      };
      byShape.set(shape, operation);
      out.push(operation);
    }
  }
  return out;
}

export const AGENT_SPEC = path.resolve(__dirname, '..', '..', '..', 'specs', 'arclight', 'agent-protocol.json');

/** The data plane serves only the cluster's own identity; the CLI's onboarding calls take an ARM token; discovery and certificates take none. */
function agentCredential(template: string, operationId: string): Credential {
  if (/\/dataplane\/(heartbeat|configurations)/.test(template)) return 'cluster';
  if (/GetLatestHelmPackagePath/.test(template)) return 'none';
  if (/azure-arc-k8sagents/.test(template) || /AzureCli/.test(operationId)) return 'arm';
  return 'none';
}

export function agentOperations(): SpecOperation[] {
  const doc = JSON.parse(fs.readFileSync(AGENT_SPEC, 'utf8'));
  const resolve = (p: Schema) => (typeof p?.$ref === 'string' ? p.$ref.slice(2).split('/').reduce((node: Schema, key: string) => node?.[key], doc) : p);
  const out: SpecOperation[] = [];
  for (const [template, item] of Object.entries<Schema>(doc.paths)) {
    for (const [method, op] of Object.entries<Schema>(item)) {
      if (!op || typeof op !== 'object' || !op.operationId) continue;
      const parameters = [...(item.parameters ?? []), ...(op.parameters ?? [])].map(resolve);
      // The CLI's onboarding calls are served at the global data plane and under every region.
      const templates = template.startsWith('/arc/dataplane/') ? [template, template.replace('/arc/dataplane/', '/arc/regions/{region}/dataplane/')] : [template];
      for (const served of templates) out.push({
        surface: 'agents',
        origin: `agent-protocol ${op.operationId}`,
        method: method.toUpperCase(),
        template: served,
        query: parameters.filter((p) => p.in === 'query').map((p) => ({ name: p.name, required: !!p.required, schema: p.schema })),
        requestSchema: op.requestBody?.content?.['application/json']?.schema,
        root: doc,
        apiVersions: [],
        credential: agentCredential(template, op.operationId),
      });
    }
  }
  return out;
}
