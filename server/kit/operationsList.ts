/**
 * `GET /providers/{namespace}/operations`: the provider's operations, generated from spec
 * definitions (one entry per resource type and verb), so the list always matches what
 * Arclight serves.
 */
import type { Definition } from '../spec/definitions';
import { pathSegments, resourceTypeOf } from './resourceIds';

const VERBS: Record<string, [string, string]> = {
  get: ['read', 'Get'],
  put: ['write', 'Create or update'],
  patch: ['write', 'Update'],
  delete: ['delete', 'Delete'],
};

export interface ProviderOperation {
  name: string;
  isDataAction: boolean;
  display: { provider: string; resource: string; operation: string; description: string };
  origin: string;
}

const cache = new Map<string, ProviderOperation[]>();

export function providerOperations(definitions: Definition[], namespace: string): ProviderOperation[] {
  const key = `${namespace}:${definitions.map((d) => d.key).join(',')}`;
  const cached = cache.get(key);
  if (cached) return cached;
  const byName = new Map<string, ProviderOperation>();
  for (const op of definitions.flatMap((d) => d.operations)) {
    const segments = pathSegments(op.template);
    const type = resourceTypeOf(segments, namespace.toLowerCase(), op.method);
    if (!type || /operation(s|statuses|results)$/i.test(type)) continue;
    const action = op.method === 'post' ? segments[segments.length - 1] : undefined;
    const [verb, word] = action ? [`${action}/action`, action] : VERBS[op.method] ?? ['read', 'Get'];
    const name = `${namespace}/${type}/${verb}`;
    if (byName.has(name)) continue;
    byName.set(name, {
      name,
      isDataAction: false,
      display: { provider: namespace, resource: type, operation: `${word} ${type}`, description: op.summary ?? `${word} ${type}` },
      origin: 'user,system',
    });
  }
  const list = [...byName.values()];
  cache.set(key, list);
  return list;
}
