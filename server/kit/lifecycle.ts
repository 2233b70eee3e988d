/**
 * The lifecycle every resource type shares, written once and built from a declaration
 * (resourceType.ts): PUT (create or replace), GET, PATCH, DELETE, the lists, the status of its
 * long-running operations, and the completions that finish them. Handlers run inside the
 * transaction the ARM surface opens for the request; the pipeline renders what they answer
 * for the requested api-version.
 *
 * Which writes run long is the spec's to say (the operation's x-ms-long-running-operation),
 * in the type's style (operationStyles.ts); everything else answers at once. Write-only and
 * create-only paths and defaults are the spec's too (specFacts.ts), with the type's additions.
 */
import { ArmError } from './armErrors';
import { retryHeaders } from './asyncOperations';
import type { KitContext } from './context';
import type { ArmRequest, ArmResponse } from './handlers';
import type { OperationRecord } from '../store/operations';
import type { StoredResource } from '../store/resources';
import { carryOverUndeclared } from './rendering';
import { systemDataFor } from './systemData';
import { validateTags } from './tags';
import { mergePatch, refuseUnpatchable } from './patch';
import { filteredPage, listBody, nextLink, pageRequest } from './paging';
import { deleteResourceTree, deletionCompleter, listOfType, loadResource, provisioningCompleter, saveResource } from './resources';
import { CREATING_STATE, operationHeaders, RUNNING_STATE, Verb } from './operationStyles';
import { patchWriteOnly, takeWriteOnly } from './writeOnly';
import { armKey } from './resourceIds';
import { applyDefaults, propertyDefaults, typeSpecFacts } from './specFacts';
import { checkExtendedLocation } from './extendedLocations';
import type { Props, ResourceType, Write } from './resourceType';

/** `connectedClusters/create`: what an operation does, by the last segment of the type's name. */
export function operationKind(type: ResourceType<never>, verb: Verb): string {
  return `${type.typeName.split('/').pop()}/${verb}`;
}

const get = (o: Props | undefined, path: string): unknown => path.split('.').reduce<unknown>((v, k) => (v as Props | undefined)?.[k], o);
/** Kubernetes and extension type names are case-insensitive: compare values that way. */
const sameJson = (a: unknown, b: unknown) => String(JSON.stringify(a)).toLowerCase() === String(JSON.stringify(b)).toLowerCase();

function omit(o: Props, keys: readonly string[]): Props {
  const out = { ...o };
  for (const k of keys) delete out[k];
  return out;
}

function pick(o: Props, keys: readonly string[]): Props {
  const out: Props = {};
  for (const k of keys) if (o[k] !== undefined) out[k] = o[k];
  return out;
}

export function registerResourceType<C extends KitContext>(ctx: C, t: ResourceType<C>): void {
  const type = t.typeName.toLowerCase();
  const view = (stored: StoredResource, req: ArmRequest): Props => (t.view ? t.view(stored, ctx, req.apiVersion, req) : stored.body);
  const runsLong = (req: ArmRequest) => !!t.asyncStyle && req.operation.longRunning;
  /** What a request's properties cannot set. */
  const serviceSet = [...t.serviceSet, 'provisioningState'];
  /** What of the stored properties is not the user's: the service's, and the placeholders of write-only maps. */
  const notTheUsers = [...serviceSet, ...Object.keys(t.writeOnlyPlaceholders ?? {})];
  const has = (method: string, path: string) => ctx.catalog.hasRoute(method, path);
  const spec = typeSpecFacts([...ctx.catalog.factsOf('PUT', t.itemPath), ...ctx.catalog.factsOf('PATCH', t.itemPath)],
    { writeOnly: t.writeOnlyBeyondSpec, createOnly: t.createOnlyBeyondSpec });
  /**
   * Fills what the stored properties still miss with the defaults of every version (a PUT has
   * had its own version's before its rules ran, and carried over what newer versions stored).
   */
  const withDefaults = (properties: Props): Props => {
    for (const path of t.defaultObjects ?? []) if (properties[path] === undefined) properties[path] = {};
    applyDefaults(properties, spec.defaults);
    return properties;
  };

  /** Where the name is in the item path: some versions' specs call its parameter otherwise (extensions 2020-07-01-preview: extensionInstanceName). */
  const nameIndex = t.itemPath.split('/').filter(Boolean).length - 1;
  const locate = (req: ArmRequest) => {
    const parentId = t.parent.parentId(ctx, req);
    const name = req.params[t.nameParam] ?? req.params[req.operation.pathParams.find(([, index]) => index === nameIndex)?.[0] ?? t.nameParam];
    const id = t.parent.idOf ? t.parent.idOf(parentId, name) : `${parentId}/providers/${t.typeName}/${name}`;
    return { parentId, name, id };
  };
  /** The row at `id` if it is kept under `parentId`: an id that names no parent (a tenant root role assignment) may be another tenant's. */
  const storedUnder = (id: string, parentId: string) => {
    const found = loadResource(ctx, id);
    return found?.parentKey === armKey(parentId) ? found : undefined;
  };
  const existing = (req: ArmRequest) => {
    const where = locate(req);
    const found = storedUnder(where.id, where.parentId);
    if (!found) throw t.notFound(req, where.name);
    return Object.assign(where, { found });
  };
  const refuseWhileDeleting = (found: StoredResource | undefined, name: string) => {
    if (found?.body.properties?.provisioningState === 'Deleting') throw t.beingDeleted(name);
  };
  const refuseCreateOnlyChanges = (previous: Props, next: Props) => {
    const same = t.sameValue ?? ((_field: string, a: unknown, b: unknown) => sameJson(a, b));
    for (const path of spec.createOnly) {
      if (!same(`properties.${path}`, get(previous, path), get(next, path))) {
        throw new ArmError(400, 'PropertyChangeNotAllowed',
          `Changing property 'properties.${path}' is not allowed: it is set when the ${t.label} is created. Delete and recreate the ${t.label} to change it.`,
          { target: `properties.${path}` });
      }
    }
  };
  /** The properties stored: the user's, the placeholders of write-only maps, the service-set state, provisioningState. */
  const assemble = (user: Props, serviceState: Props, provisioningState: string): Props =>
    Object.assign({}, user, t.writeOnlyPlaceholders, serviceState, { provisioningState });

  const startOperation = (req: ArmRequest, stored: StoredResource, verb: Verb) =>
    ctx.operations.start({ kind: operationKind(t, verb), subscriptionId: req.params.subscriptionId, resourceKey: stored.key, resourceId: stored.id, apiVersion: req.apiVersion, data: { verb } });
  const answerOperation = (req: ArmRequest, stored: StoredResource, op: OperationRecord, verb: Verb) =>
    operationHeaders(t.asyncStyle!, { req, id: stored.id, location: stored.body.location, op, verb, retry: ctx.operations.retryAfter(op) });

  /** Saves a write, its write-only values, and starts its operation (or provisions it at once). */
  const save = (req: ArmRequest, w: { id: string; parentId: string; previous?: StoredResource }, body: Props, secrets: Props | undefined, verb: 'create' | 'update') => {
    const stored = saveResource(ctx, { id: w.id, type, parentId: w.parentId, tracked: t.tracked ?? !!t.location, body }, w.previous);
    if (secrets) ctx.store.secrets.put(stored.key, secrets);
    ctx.events.emit({ type: 'resource.written', resource: stored, created: !w.previous });
    if (!runsLong(req)) {
      ctx.events.emit({ type: 'resource.provisioned', resource: stored });
      return { stored };
    }
    const op = startOperation(req, stored, verb);
    return { stored, headers: answerOperation(req, stored, op, verb) };
  };

  ctx.handlers.on('PUT', t.itemPath, (req): ArmResponse => {
    const { parentId, name, id } = locate(req);
    t.validateName(name);
    const previous = loadResource(ctx, id);
    refuseWhileDeleting(previous, name);
    const w: Write<C> = { ctx, req, id, name, previous };
    // A spec may make the PUT body optional (data collection rules): no body is an empty one.
    const body = (req.body ?? {}) as Props;
    const location = t.location ? resolveLocation(ctx, t, body, w, req) : undefined;
    t.checkPut?.(body, w);
    checkExtendedLocation(body, w);

    const requested = omit((body.properties ?? {}) as Props, serviceSet);
    const { properties: user, values: secrets } = takeWriteOnly(requested, spec.writeOnly);
    applyDefaults(user, propertyDefaults(req.operation.derived));
    const completed = t.complete ? t.complete(user, w) : user;
    const previousProperties = previous?.body.properties as Props | undefined;
    if (previousProperties) refuseCreateOnlyChanges(previousProperties, completed);
    const serviceState = previousProperties ? pick(previousProperties, t.serviceSet) : (t.initialState?.(w) ?? {});
    const provisioningState = runsLong(req) ? (previous ? 'Updating' : CREATING_STATE[t.asyncStyle!]) : 'Succeeded';

    const canonical: Props = { id, name, type: t.typeName };
    if (location) canonical.location = location;
    const tags = t.location ? validateTags(body.tags) : undefined;
    if (tags) canonical.tags = tags;
    Object.assign(canonical, t.topLevel?.(body, w));
    if (t.systemData !== false) canonical.systemData = systemDataFor(req.caller, ctx.clock.iso(), previous?.body.systemData);
    canonical.properties = assemble(completed, serviceState, provisioningState);
    // A PUT in an older api-version keeps what newer ones stored; defaults fill what is still missing.
    const merged = previous ? carryOverUndeclared(req.operation.requestSchema, previous.body, canonical) as Props : canonical;
    withDefaults(merged.properties);

    const { stored, headers } = save(req, { id, parentId, previous }, merged, spec.writeOnly.length ? secrets : undefined, previous ? 'update' : 'create');
    // A create is 201, but in versions whose spec answers a PUT with 200 only (extensions 2020-07-01-preview).
    return { status: previous || !req.operation.responseSchemas['201'] ? 200 : 201, body: view(stored, req), headers };
  });

  ctx.handlers.on('GET', t.itemPath, (req) => ({ status: 200, body: view(existing(req).found, req) }));

  if (has('HEAD', t.itemPath)) {
    ctx.handlers.on('HEAD', t.itemPath, (req) => {
      existing(req);
      return { status: 204 };
    });
  }

  if (has('PATCH', t.itemPath)) {
    ctx.handlers.on('PATCH', t.itemPath, (req): ArmResponse => {
      const { parentId, name, id, found } = existing(req);
      refuseWhileDeleting(found, name);
      let body: Props;
      let secrets: Props | undefined;
      if (t.patch) {
        body = t.patch(found, req, ctx);
      } else {
        refuseUnpatchable(req, `${/^[aeiou]/i.test(t.label) ? 'an' : 'a'} ${t.label}`, view(found, req), t.sameValue);
        const patch = req.body as { tags?: Record<string, string> | null; properties?: Props };
        body = Object.assign({}, found.body);
        if (patch.tags !== undefined) {
          const tags = validateTags(patch.tags);
          if (tags) body.tags = tags;
          else delete body.tags;
        }
        const { properties: userPatch, values: patchedSecrets } = takeWriteOnly(patch.properties ?? {}, spec.writeOnly);
        const w: Write<C> = { ctx, req, id, name, previous: found };
        const merged = withDefaults(mergePatch(omit(found.body.properties ?? {}, notTheUsers), userPatch) as Props);
        const completed = t.complete ? t.complete(merged, w) : merged;
        refuseCreateOnlyChanges(found.body.properties, completed);
        if (spec.writeOnly.length) secrets = patchWriteOnly(ctx.store.secrets.get(found.key) ?? {}, patchedSecrets, completed);
        const provisioningState = runsLong(req) ? 'Updating' : found.body.properties?.provisioningState ?? 'Succeeded';
        body.properties = assemble(completed, pick(found.body.properties ?? {}, t.serviceSet), provisioningState);
        if (t.systemData !== false) body.systemData = systemDataFor(req.caller, ctx.clock.iso(), found.body.systemData);
      }
      const { stored, headers } = save(req, { id, parentId, previous: found }, body, secrets, 'update');
      if (!headers) return { status: 200, body: view(stored, req) };
      // A long-running PATCH whose spec answers only 200 (resource sync rules) answers 200 with the resource and the operation's headers.
      if (!Object.hasOwn(req.operation.responseSchemas, '202')) return { status: 200, headers, body: view(stored, req) };
      // The resource comes with the 202 where the spec's 202 has a body (extensions do, clusters do not).
      return { status: 202, headers, body: req.operation.responseSchemas['202'] ? view(stored, req) : undefined };
    });
  }

  ctx.handlers.on('DELETE', t.itemPath, (req): ArmResponse => {
    const { name, id, parentId } = locate(req);
    const found = storedUnder(id, parentId);
    if (!found) {
      if (t.deleteAbsent === 'notFound') throw t.notFound(req, name);
      return { status: 204 };
    }
    if (!runsLong(req) || t.immediateDelete?.(req)) {
      deleteResourceTree(ctx, found.key);
      return { status: 200 };
    }
    // A delete already running is the answer to another DELETE.
    const running = ctx.store.operations.pendingFor(found.key).find((op) => op.kind === operationKind(t, 'delete'));
    const op = running ?? (() => {
      const deleting = saveResource(ctx, { id: found.id, type, parentId: found.parentKey, tracked: found.tracked,
        body: Object.assign({}, found.body, { properties: Object.assign({}, found.body.properties, { provisioningState: 'Deleting' }) }) }, found);
      ctx.events.emit({ type: 'resource.deleting', resource: deleting });
      return startOperation(req, deleting, 'delete');
    })();
    return { status: 202, headers: answerOperation(req, found, op, 'delete') };
  });

  for (const list of t.lists) {
    ctx.handlers.on('GET', list.path, (req): ArmResponse => {
      const scope = list.scope === 'parent' ? { parentId: t.parent.parentId(ctx, req) } : { subscriptionId: req.params.subscriptionId };
      const accept = t.listFilter?.(req) ?? (() => true);
      const page = filteredPage((after, limit) => listOfType(ctx, type, scope, after, limit), accept, pageRequest(req, ctx.config.pageSize));
      return { status: 200, body: listBody(page.items.map((item) => view(item, req)), nextLink(req, page)) };
    });
  }

  if (t.asyncStyle) {
    const provisioned = provisioningCompleter(ctx);
    ctx.operations.register(operationKind(t, 'create'), provisioned);
    ctx.operations.register(operationKind(t, 'update'), provisioned);
    ctx.operations.register(operationKind(t, 'delete'), deletionCompleter(ctx));
  }
  if (t.asyncStyle === 'nested' && has('GET', `${t.itemPath}/operations/{}`)) {
    ctx.handlers.on('GET', `${t.itemPath}/operations/{}`, (req): ArmResponse => {
      const { id, name } = locate(req);
      const op = ctx.operations.get(req.params.operationId);
      if (!op || op.resourceKey !== id.toLowerCase() || !op.kind.startsWith(`${t.typeName.split('/').pop()}/`)) {
        throw new ArmError(404, 'ResourceNotFound', `The operation '${req.params.operationId}' of ${t.label} '${name}' was not found.`);
      }
      // While it runs, Retry-After keeps Python's poller from waiting its default 30 s.
      const headers = op.status === 'InProgress' ? retryHeaders(ctx.operations.retryAfter(op)) : undefined;
      return { status: 200, body: nestedOperationStatus(op, id), headers };
    });
  }
}

/** The status resource of a `nested` operation (`OperationStatusResult`). */
export function nestedOperationStatus(op: OperationRecord, resourceId: string) {
  return {
    id: `${resourceId}/operations/${op.id}`,
    name: op.id,
    status: op.status === 'InProgress' ? RUNNING_STATE[op.data.verb as Verb] ?? 'InProgress' : op.status,
    properties: {},
    error: op.data.error ?? null,
  };
}

/** The region a tracked resource's PUT names: offered for the type, and the one it has if it exists. */
function resolveLocation<C extends KitContext>(ctx: C, t: ResourceType<C>, body: Props, w: Write<C>, req: ArmRequest): string {
  const rule = t.location!;
  const offered = ctx.regions.set(rule.regionSet);
  const region = ctx.regions.resolve(String(body.location ?? ''));
  if (!region || !offered.includes(region)) throw rule.unavailable(String(body.location), offered);
  const previous = w.previous?.body.location;
  if (previous && previous !== region.name) throw rule.moved(w.name, previous, req.params.resourceGroupName ?? '', region.name);
  return region.name;
}
