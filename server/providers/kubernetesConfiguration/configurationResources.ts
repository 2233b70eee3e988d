/**
 * What the three Microsoft.KubernetesConfiguration resource types share: they live on a
 * cluster, keep write-only values apart, carry fields only the service and the cluster's
 * agents set, and (extensions, flux) run their writes as Azure-AsyncOperation long-running
 * operations with a status resource at `{resource}/operations/{id}`. Each type's own rules
 * (defaults, validation, create-only fields) come in a ConfigurationType.
 */
import { ArmError } from '../../kit/armErrors';
import type { ProviderContext } from '../context';
import type { ArmRequest, ArmResponse } from '../../kit/handlers';
import type { StoredResource } from '../../store/resources';
import type { OperationRecord } from '../../store/operations';
import { carryOverUndeclared } from '../../kit/rendering';
import { systemDataFor } from '../../kit/systemData';
import { deleteResourceTree, deletionCompleter, listOfType, loadResource, provisioningCompleter, saveResource } from '../../kit/resources';
import { filteredPage, listBody, nextLink, pageRequest } from '../../kit/paging';
import { retryHeaders } from '../../kit/asyncOperations';
import { mergePatch, refuseUnpatchable } from '../../kit/patch';
import { resolveClusterParent } from './clusterParent';
import { patchWriteOnly, takeWriteOnly } from './writeOnlyValues';

type Props = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export const NAMESPACE = 'Microsoft.KubernetesConfiguration';
/** Every cluster's path, as the specs spell it; the pipeline matches it case-insensitively. */
export const CLUSTER_PATH = '/subscriptions/{}/resourceGroups/{}/providers/{}/{}/{}';

export interface ConfigurationType {
  /** The path segment and type name: extensions, fluxConfigurations, sourceControlConfigurations. */
  collection: string;
  /** The spec's path parameter for the resource name. */
  nameParam: string;
  /** How messages name one resource: "Extension". */
  label: string;
  /** Writes run as long-running operations (extensions, flux); otherwise they are synchronous. */
  longRunning: boolean;
  /** Dotted paths under `properties` of write-only values. */
  writeOnly: readonly string[];
  /** Properties only the service and the cluster's agents set: ignored in requests, kept across writes. */
  reported: readonly string[];
  /** Dotted paths under `properties` that cannot change once the resource exists. */
  createOnly: readonly string[];
  validateName(name: string): void;
  /** Azure's defaults and rules on the complete user properties (after a PATCH merge too). */
  complete(properties: Props, name: string): Props;
  /** The agent-reported state a new resource starts in. */
  initialState(): Props;
  /** Top-level fields besides properties (identity, plan, managedBy). */
  topLevel?(request: Props, previous: Props | undefined, tenantId: string): Props;
  /** The stored body as every read sees it (e.g. aliases older api-versions use). */
  view?(body: Props): Props;
}

/** Operation status values while running, as the KubernetesConfiguration RP reports them. */
const RUNNING_STATE: Record<string, string> = { create: 'Creating', update: 'Updating', delete: 'Deleting' };
const TIMEOUT: Record<string, string> = { create: 'PT48H', update: 'PT48H', delete: 'PT1H' };

const get = (o: Props | undefined, path: string): unknown => path.split('.').reduce<unknown>((v, k) => (v as Props | undefined)?.[k], o);
/** Kubernetes and extension type names are case-insensitive: compare values that way. */
const sameValue = (a: unknown, b: unknown) => String(JSON.stringify(a)).toLowerCase() === String(JSON.stringify(b)).toLowerCase();

function omit(o: Props, keys: readonly string[]): Props {
  const out = { ...o };
  for (const k of keys) delete out[k];
  return out;
}

function typeOf(t: ConfigurationType): string {
  return `${NAMESPACE}/${t.collection}`.toLowerCase();
}

/** The operation status resource (`OperationStatusResult`). */
export function operationStatusBody(op: OperationRecord, resourceId: string) {
  return {
    id: `${resourceId}/operations/${op.id}`,
    name: op.id,
    status: op.status === 'InProgress' ? RUNNING_STATE[op.data.verb] ?? 'InProgress' : op.status,
    properties: {},
    error: op.data.error ?? null,
  };
}

export function registerConfigurationType(s: ProviderContext, t: ConfigurationType): void {
  const { store } = s;
  const itemPath = `${CLUSTER_PATH}/providers/${NAMESPACE}/${t.collection}/{}`;
  const type = typeOf(t);
  const kind = (verb: string) => `${t.collection}/${verb}`;
  const view = (body: Props) => (t.view ? t.view(body) : body);

  const locate = (req: ArmRequest) => {
    const parent = resolveClusterParent(s, req);
    const name = req.params[t.nameParam];
    return { parent, name, id: `${parent.id}/providers/${NAMESPACE}/${t.collection}/${name}` };
  };
  const existing = (req: ArmRequest) => {
    const where = locate(req);
    const found = loadResource(s, where.id);
    if (!found) throw new ArmError(404, 'ResourceNotFound', `${t.label} with name '${where.name}' not found.`);
    return { ...where, found };
  };
  const refuseWhileDeleting = (found: StoredResource | undefined, name: string) => {
    if (found?.body.properties?.provisioningState === 'Deleting') {
      throw new ArmError(409, 'AnotherOperationInProgress', `The ${t.label} '${name}' is being deleted. Wait for the deletion to complete before changing it.`);
    }
  };

  /** Saves and, for long-running types, starts the operation; answers with its headers. */
  const write = (req: ArmRequest, id: string, parentId: string, body: Props, previous: StoredResource | undefined, secrets: Props, verb: 'create' | 'update') => {
    const { stored, op } = store.transaction(() => {
      const stored = saveResource(s, { id, type, parentId, tracked: false, body }, previous);
      store.secrets.put(stored.key, secrets);
      const op = t.longRunning ? startOperation(req, stored, verb) : undefined;
      // A synchronous write is provisioned at once: the cluster's agents may act on it now.
      if (!op) s.events.emit({ type: 'resource.provisioned', resource: stored });
      return { stored, op };
    });
    return { body: view(stored.body), headers: op ? operationHeaders(req, stored.id, op, verb) : undefined };
  };
  const startOperation = (req: ArmRequest, stored: StoredResource, verb: string) =>
    s.operations.start({ kind: kind(verb), subscriptionId: req.params.subscriptionId, resourceKey: stored.key, resourceId: stored.id, apiVersion: req.apiVersion, data: { verb } });
  const operationHeaders = (req: ArmRequest, id: string, op: OperationRecord, verb: string): Record<string, string> => {
    // Azure sends both, pointing at the same status resource (clients prefer Operation-Location).
    const status = `${req.baseUrl}${id}/operations/${op.id}?api-Version=${req.apiVersion}`;
    return {
      'Azure-AsyncOperation': status,
      'Operation-Location': status,
      'x-ms-async-operation-timeout': TIMEOUT[verb],
      ...retryHeaders(s.operations.retryAfter(op)),
    };
  };
  /** The create-only fields of `next` must equal those of `previous`. */
  const refuseCreateOnlyChanges = (previous: Props, next: Props) => {
    for (const path of t.createOnly) {
      if (!sameValue(get(previous, path), get(next, path))) {
        throw new ArmError(400, 'PropertyChangeNotAllowed',
          `Changing property 'properties.${path}' is not allowed: it is set when the ${t.label} is created. Delete and recreate the ${t.label} to change it.`,
          { target: `properties.${path}` });
      }
    }
  };
  /** The stored properties: the user's, the write-only placeholder, the reported state, provisioningState. */
  const assemble = (user: Props, reported: Props, provisioningState: string): Props => ({
    ...user,
    configurationProtectedSettings: {},
    ...reported,
    provisioningState,
  });

  s.handlers.on('PUT', itemPath, (req) => {
    const { parent, name, id } = locate(req);
    t.validateName(name);
    const previous = loadResource(s, id);
    refuseWhileDeleting(previous, name);
    const requested = (req.body.properties ?? {}) as Props;
    const { properties: user, values: secrets } = takeWriteOnly(omit(requested, t.reported), t.writeOnly);
    const completed = t.complete(user, name);
    const previousProps = previous?.body.properties as Props | undefined;
    if (previousProps) refuseCreateOnlyChanges(previousProps, completed);
    const reported = previousProps ? pick(previousProps, t.reported) : t.initialState();
    const tenantId = store.directory.subscription(req.params.subscriptionId)!.tenantId;
    const canonical: Props = {
      id,
      name,
      type: `${NAMESPACE}/${t.collection}`,
      ...(t.topLevel?.(req.body, previous?.body, tenantId) ?? {}),
      systemData: systemDataFor(req.caller, s.clock.iso(), previous?.body.systemData),
      properties: assemble(completed, reported, t.longRunning ? (previous ? 'Updating' : 'Creating') : 'Succeeded'),
    };
    // A PUT in an older api-version keeps what newer ones stored.
    const body = previous ? carryOverUndeclared(req.operation.requestSchema, previous.body, canonical) as Props : canonical;
    const result = write(req, id, parent.id, body, previous, secrets, previous ? 'update' : 'create');
    return { status: previous ? 200 : 201, ...result };
  });

  s.handlers.on('GET', itemPath, (req) => ({ status: 200, body: view(existing(req).found.body) }));

  s.handlers.on('GET', `${CLUSTER_PATH}/providers/${NAMESPACE}/${t.collection}`, (req): ArmResponse => {
    const scope = { parentId: resolveClusterParent(s, req).id };
    const page = filteredPage((after, limit) => listOfType(s, type, scope, after, limit), () => true, pageRequest(req, s.config.pageSize));
    return { status: 200, body: listBody(page.items.map((r) => view(r.body)), nextLink(req, page)) };
  });

  s.handlers.on('DELETE', itemPath, (req) => {
    const found = loadResource(s, locate(req).id);
    if (!found) return { status: 204 };
    const force = /^true$/i.test(req.query.forceDelete ?? '');
    if (!t.longRunning || force) {
      store.transaction(() => deleteResourceTree(s, found.key));
      return { status: 200 };
    }
    const running = store.operations.pendingFor(found.key).find((op) => op.kind === kind('delete'));
    const op = running ?? store.transaction(() => {
      saveResource(s, { id: found.id, type, parentId: found.parentKey, tracked: false,
        body: { ...found.body, properties: { ...found.body.properties, provisioningState: 'Deleting' } } }, found);
      return startOperation(req, found, 'delete');
    });
    return { status: 202, headers: operationHeaders(req, found.id, op, 'delete') };
  });

  if (t.longRunning) {
    s.handlers.on('PATCH', itemPath, (req) => {
      const { parent, name, id, found } = existing(req);
      refuseWhileDeleting(found, name);
      refuseUnpatchable(req, `a${/^[AEIOU]/.test(t.label) ? 'n' : ''} ${t.label}`, found.body);
      const patch = (req.body.properties ?? {}) as Props;
      const { properties: userPatch, values: patchedSecrets } = takeWriteOnly(patch, t.writeOnly);
      const previousUser = omit(found.body.properties, [...t.reported, 'provisioningState', 'configurationProtectedSettings']);
      const completed = t.complete(mergePatch(previousUser, userPatch) as Props, name);
      refuseCreateOnlyChanges(found.body.properties, completed);
      const secrets = patchWriteOnly(store.secrets.get(found.key) ?? {}, patchedSecrets, completed);
      const body = {
        ...found.body,
        systemData: systemDataFor(req.caller, s.clock.iso(), found.body.systemData),
        properties: assemble(completed, pick(found.body.properties, t.reported), 'Updating'),
      };
      const result = write(req, id, parent.id, body, found, secrets, 'update');
      return { status: 202, ...result };
    });

    s.handlers.on('GET', `${itemPath}/operations/{}`, (req) => {
      const { id } = locate(req);
      const op = s.operations.get(req.params.operationId);
      if (!op || op.resourceKey !== id.toLowerCase() || !op.kind.startsWith(`${t.collection}/`)) {
        throw new ArmError(404, 'ResourceNotFound', `The operation '${req.params.operationId}' of ${t.label} '${req.params[t.nameParam]}' was not found.`);
      }
      // While it runs, Retry-After keeps Python's poller from waiting its default 30 s.
      const headers = op.status === 'InProgress' ? retryHeaders(s.operations.retryAfter(op)) : undefined;
      return { status: 200, body: operationStatusBody(op, id), headers };
    });

    const provisioned = provisioningCompleter(s);
    s.operations.register(kind('create'), provisioned);
    s.operations.register(kind('update'), provisioned);
    s.operations.register(kind('delete'), deletionCompleter(s));
  }
}

function pick(o: Props, keys: readonly string[]): Props {
  const out: Props = {};
  for (const k of keys) if (o[k] !== undefined) out[k] = o[k];
  return out;
}
