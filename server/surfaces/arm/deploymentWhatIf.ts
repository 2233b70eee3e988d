/**
 * whatIf (README "Template deployments"): what a deployment would change, resource by resource,
 * without writing anything. Each resource's body is evaluated as the deployment would send it
 * and compared with what a GET through the pipeline reads now: Create, Modify (with the
 * property deltas), NoChange; nested deployments are expanded into the changes of their own
 * templates, as Azure does. In each resource group a deployment targets, the tracked resources
 * no template declares are Delete in Complete mode and Ignore in Incremental mode.
 */
import { ArmError } from '../../kit/armErrors';
import type { Caller } from '../../kit/handlers';
import { prepareTemplate, TemplateError, type PlannedResource, type TemplatePlan } from '../../templates';
import type { Json, JsonObject } from '../../../protocol/json';
import type { Services } from '../services';
import { positionsOf, resolveContent, type Origin } from './deploymentContent';
import { groupScope, templateServices, urlOf } from './deploymentContext';
import { checkScopeRules, managementGroupNotFound, scopeOfDeploymentId, type DeploymentAt } from './deploymentScopes';
import { dispatchArm } from './pipeline';

const DEPLOYMENTS = 'microsoft.resources/deployments';
const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

interface Walk {
  s: Services;
  caller: Caller;
  baseUrl: string;
  changes: Map<string, JsonObject>;
  /** Each resource group a template deploys to (lower-cased id), and whether any of them in Complete mode. */
  groups: Map<string, { subscriptionId: string; name: string; complete: boolean }>;
  /** Every plan walked, to redact the secure values of each. */
  plans: TemplatePlan[];
}

/** The whatIf result (WhatIfOperationResult) of a prepared deployment. */
export function whatIfResult(s: Services, plan: TemplatePlan, mode: string, at: DeploymentAt, caller: Caller, baseUrl: string, origin: Origin = {}): JsonObject {
  const w: Walk = { s, caller, baseUrl, changes: new Map(), groups: new Map(), plans: [] };
  try {
    walk(w, plan, mode, at, origin.uri);
    for (const [groupId, g] of w.groups) untouched(w, groupId, g);
  } catch (err) {
    if (!(err instanceof TemplateError) && !(err instanceof ArmError)) throw err;
    return redact(w, { status: 'Failed', error: { code: err.code, message: err.message } });
  }
  return redact(w, { status: 'Succeeded', properties: { changes: [...w.changes.values()] } });
}

function redact(w: Walk, result: JsonObject): JsonObject {
  let text = JSON.stringify(result);
  for (const p of w.plans) text = p.redact(text);
  return JSON.parse(text) as JsonObject;
}

function walk(w: Walk, plan: TemplatePlan, mode: string, at: DeploymentAt, templateUri: string | undefined): void {
  w.plans.push(plan);
  if (at.kind === 'resourceGroup') {
    const key = at.id.toLowerCase();
    const seen = w.groups.get(key);
    w.groups.set(key, { subscriptionId: at.subscriptionId ?? '', name: at.resourceGroupName ?? '', complete: (seen?.complete ?? false) || mode.toLowerCase() === 'complete' });
  }
  for (let wave = plan.ready(); wave.length; wave = plan.ready()) {
    for (const r of wave) {
      plan.complete(r.key);
      if (r.existing) continue;
      let body: JsonObject;
      try {
        body = plan.body(r);
      } catch {
        // A value only deployment knows (a reference() to what is not there yet).
        set(w, { resourceId: r.id, changeType: 'Create' });
        continue;
      }
      if (r.type.toLowerCase() === DEPLOYMENTS) nested(w, plan, r, body, templateUri);
      else compare(w, r, body);
    }
  }
}

/** A change for one resource: the first one found stands (a resource two templates declare is one change). */
function set(w: Walk, change: JsonObject): void {
  const key = String(change.resourceId).toLowerCase();
  if (!w.changes.has(key)) w.changes.set(key, change);
}

function compare(w: Walk, r: PlannedResource, body: JsonObject): void {
  const after: JsonObject = { id: r.id, name: r.name, type: r.type, apiVersion: r.apiVersion, ...body };
  const current = dispatchArm(w.s, { method: 'GET', url: urlOf(r.id, r.apiVersion), caller: w.caller, baseUrl: w.baseUrl });
  if (current.status === 404 || current.error) {
    set(w, { resourceId: r.id, changeType: 'Create', after });
    return;
  }
  const before = current.body as JsonObject;
  const secret = secretPaths(w.s, r.id, r.apiVersion);
  const delta = diff('', before, after).filter((d) => !secret.some((re) => re.test(String(d.path))));
  set(w, delta.length ? { resourceId: r.id, changeType: 'Modify', before, after, delta } : { resourceId: r.id, changeType: 'NoChange', before, after });
}

/** A nested deployment: its own template's changes, in its own scope; what cannot be expanded is Ignore with the reason. */
function nested(w: Walk, parent: TemplatePlan, r: PlannedResource, evaluated: JsonObject, parentUri: string | undefined): void {
  const at = scopeOfDeploymentId(r.id);
  try {
    const content = resolveContent(w.s, isObject(evaluated.properties) ? evaluated.properties : {}, w.baseUrl, parentUri);
    const nestedDeployment = parent.nestedDeployment(r, { ...evaluated, properties: content.properties });
    const location = typeof evaluated.location === 'string' ? evaluated.location : undefined;
    if (at.kind === 'managementGroup') throw managementGroupNotFound(at.managementGroupId ?? '');
    if (at.kind !== 'resourceGroup') checkScopeRules(at, r.name, location, nestedDeployment.mode);
    if (at.kind === 'resourceGroup') nestedDeployment.scope.resourceGroup = groupScope(w.s, at.subscriptionId ?? '', at.resourceGroupName ?? '');
    else if (location) nestedDeployment.scope.location = location;
    const plan = prepareTemplate(nestedDeployment.template, parent.nestedOptions(nestedDeployment, { services: templateServices(w.s, w.caller, w.baseUrl), ...positionsOf(content.origin) }));
    walk(w, plan, nestedDeployment.mode, at, content.origin.uri);
  } catch (err) {
    if (!(err instanceof TemplateError) && !(err instanceof ArmError)) throw err;
    set(w, { resourceId: r.id, changeType: 'Ignore', unsupportedReason: `The nested deployment could not be expanded: ${err.message}` });
  }
}

/** The group's tracked resources no template declared: Delete in Complete mode, Ignore in Incremental mode. */
function untouched(w: Walk, groupId: string, g: { subscriptionId: string; name: string; complete: boolean }): void {
  for (let after = '', more = true; more;) {
    const page = w.s.store.resources.tracked(g.subscriptionId.toLowerCase(), g.name.toLowerCase(), after, 500);
    for (const r of page.items) {
      if (w.changes.has(r.id.toLowerCase()) || !r.id.toLowerCase().startsWith(`${groupId}/`)) continue;
      const before = JSON.parse(JSON.stringify(r.body)) as JsonObject;
      set(w, g.complete ? { resourceId: r.id, changeType: 'Delete', before } : { resourceId: r.id, changeType: 'Ignore', before });
    }
    more = page.continueAfter !== undefined;
    after = page.continueAfter ?? '';
  }
}

/** The write-only (x-ms-secret) paths of a type's PUT: never read back, so never a change whatIf can see. */
function secretPaths(s: Services, id: string, apiVersion: string): RegExp[] {
  const segments = id.split('/').filter(Boolean);
  const at = segments.map((x) => x.toLowerCase()).lastIndexOf('providers');
  const definition = s.catalog.definition(segments[at + 1] ?? '', apiVersion);
  const match = definition?.match('put', ('/' + segments.join('/')).toLowerCase(), segments);
  if (!match || match.kind !== 'operation') return [];
  const escape = (x: string) => x.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
  return (match.operation.derived?.secret ?? []).map((p) => new RegExp(`^${p.split('.').map((seg) => (seg === '*' ? '[^.]+' : escape(seg.replace(/\[\]$/, '')))).join('\\.')}(\\.|$)`, 'i'));
}

/** Property deltas from what the template sends: a value it sets that differs (what it leaves out is not a change). */
function diff(path: string, before: Json, after: Json): JsonObject[] {
  if (isObject(after) && isObject(before)) {
    const out: JsonObject[] = [];
    for (const [k, v] of Object.entries(after)) {
      if (['id', 'name', 'type', 'apiVersion'].includes(k) && !path) continue;
      const match = Object.keys(before).find((b) => b.toLowerCase() === k.toLowerCase());
      const p = path ? `${path}.${k}` : k;
      if (match === undefined) {
        if (v !== null) out.push({ path: p, propertyChangeType: 'Create', after: v });
      } else out.push(...diff(p, before[match], v));
    }
    return out;
  }
  if (JSON.stringify(before) === JSON.stringify(after)) return [];
  if (typeof before === 'string' && typeof after === 'string' && before.toLowerCase() === after.toLowerCase() && /location$/i.test(path)) return [];
  if (Array.isArray(before) && Array.isArray(after)) return [{ path, propertyChangeType: 'Array', before, after }];
  return [{ path, propertyChangeType: 'Modify', before, after }];
}
