/**
 * Microsoft.Resources/deployments at resource group, subscription and tenant scope; at management
 * group scope the answer for an unknown group (README "Template deployments", deploymentScopes.ts).
 * A PUT validates the template (server/templates), saves the deployment `Accepted` and starts a
 * long-running operation; its completion runs the whole template, wave by wave, each resource
 * through the ARM pipeline as the deploying principal (dispatchArm), its own long-running
 * operation settled at once. The deployment, its operations and its outputs are what Azure
 * shows; secure values are never stored in them.
 */
import { randomBytes, randomUUID } from 'crypto';
import { ArmError, type ArmErrorDetail } from '../../kit/armErrors';
import type { ArmRequest, ArmResponse, Caller } from '../../kit/handlers';
import { retryHeaders } from '../../kit/asyncOperations';
import { filteredPage, listBody, nextLink, pageRequest } from '../../kit/paging';
import { armKey, resourceGroupId } from '../../kit/resourceIds';
import { loadResource, saveResource } from '../../kit/resources';
import type { OperationRecord } from '../../store/operations';
import type { StoredResource } from '../../store/resources';
import { murmurHash64, parseTemplateText, prepareTemplate, TemplateError, type PlannedResource, type TemplatePlan, type TemplateServices } from '../../templates';
import type { Json, JsonObject } from '../../../protocol/json';
import type { Services } from '../services';
import { positionsOf, resolveContent, type Origin, type ResolvedContent } from './deploymentContent';
import { groupScope, newestVersion, templateScope, templateServices, urlOf } from './deploymentContext';
import { onErrorOf, onErrorType, rollbackTarget, savedRun, saveRun } from './deploymentRollback';
import { checkScopeRules, deploymentIdAt, managementGroupNotFound, SCOPE_ROUTES, scopeOfDeploymentId, scopeOfParams, type DeploymentAt, type ScopeRoutes } from './deploymentScopes';
import { whatIfResult } from './deploymentWhatIf';
import { dispatchArm } from './pipeline';

const TYPE = 'Microsoft.Resources/deployments';
const TYPE_LOWER = TYPE.toLowerCase();
const KIND = 'deployment';
/** A whatIf's long-running operation (its result at /subscriptions/{s}/operationresults/{id}). */
const WHATIF_KIND = 'deploymentWhatIf';
/** Deployments per list page without `$top` (Arclight's choice; each page ends with a nextLink while more follow). */
const LIST_PAGE_SIZE = 100;
/** Azure's automatic history deletions: above 700 deployments at a scope, the oldest go until 600 remain. */
const HISTORY_GROOM_ABOVE = 700;
const HISTORY_GROOM_TO = 600;
const HISTORY_LIMIT = 800;
export const DEPLOYMENT_FAILED_MESSAGE = 'At least one resource deployment operation failed. Please list deployment operations for details. Please see https://aka.ms/arm-deployment-operations for usage details.';

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);
const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

/** What a deployment keeps beside the properties it shows (never rendered: the response schema has no such keys). */
interface Internal {
  template: Json;
  operations: JsonObject[];
}


/** Azure's templateHash: a decimal 64-bit hash of the template's minified text. */
export function templateHash(template: Json): string {
  return murmurHash64(Buffer.from(JSON.stringify(template), 'utf8')).toString();
}

/** ISO 8601 duration of `ms` milliseconds, as ARM writes them (PT1.2345S). */
export function isoDuration(ms: number): string {
  const seconds = Math.max(0, ms) / 1000;
  return `PT${Number(seconds.toFixed(7))}S`;
}

function operationId(): string {
  return randomBytes(8).toString('hex').toUpperCase();
}

function notFound(name: string): ArmError {
  return new ArmError(404, 'DeploymentNotFound', `Deployment '${name}' could not be found.`);
}

function templateError(err: unknown): ArmError {
  if (err instanceof TemplateError) return new ArmError(400, err.code || 'InvalidTemplate', err.message);
  if (err instanceof ArmError) return err;
  throw err;
}

interface Prepared {
  plan: TemplatePlan;
  template: Json;
  mode: string;
  parameters: Record<string, Json>;
  /** The request's properties with linked content inline, what the links were, and the template's uri. */
  content: ResolvedContent;
}

/**
 * The request's template and parameters, checked as Azure checks them before anything is
 * deployed. `origin`: where the template of a request resolved earlier (at its PUT) came from.
 */
function prepare(s: Services, req: ArmRequest, at: DeploymentAt, services: TemplateServices = {}, origin: Origin = {}): Prepared {
  const sent = isObject(req.body) && isObject(req.body.properties) ? req.body.properties : {};
  const mode = typeof sent.mode === 'string' ? sent.mode : 'Incremental';
  checkScopeRules(at, req.params.deploymentName, isObject(req.body) ? req.body.location : undefined, mode);
  let content: ResolvedContent;
  try {
    content = resolveContent(s, sent, req.baseUrl, origin.uri);
  } catch (err) {
    throw templateError(err);
  }
  if (content.origin.text === undefined && origin.text !== undefined) content.origin = origin;
  const props = content.properties;
  if (props.template === undefined) {
    throw new ArmError(400, 'InvalidDeployment', 'The deployment must contain either a template or a templateLink.');
  }
  const parameters: Record<string, Json> = {};
  if (isObject(props.parameters)) {
    for (const [k, v] of Object.entries(props.parameters)) {
      if (isObject(v) && isObject(v.reference)) throw new ArmError(400, 'InvalidTemplateDeployment', `The parameter '${k}' is a Key Vault reference: Arclight does not serve Key Vault.`);
      parameters[k] = isObject(v) && 'value' in v ? v.value : v;
    }
  }
  const location = isObject(req.body) && typeof req.body.location === 'string' ? req.body.location : undefined;
  const scope = templateScope(s, at, req.params.deploymentName, location);
  try {
    // Positions for InvalidTemplate: a linked file's own; an inline template's in its minified text (line 1).
    const { positions } = content.origin.text !== undefined ? positionsOf(content.origin) : { positions: parseTemplateText(JSON.stringify(props.template)).positions };
    const plan = prepareTemplate(props.template, { parameters, scope, clock: () => new Date(s.clock.nowMs()), services, positions });
    return { plan, template: props.template, mode, parameters, content };
  } catch (err) {
    throw templateError(err);
  }
}

function caller(op: OperationRecord): Caller {
  return (op.data.caller ?? {}) as Caller;
}

function originOf(op: OperationRecord): Origin {
  return isObject(op.data.origin) ? (op.data.origin as Origin) : {};
}

/** The deployment a template runs for: where its operations go, who deploys, and the uri its template came from. */
interface RunningDeployment {
  id: string;
  caller: Caller;
  baseUrl: string;
  operations: JsonObject[];
  origin?: Origin;
  /** What `debugSetting.detailLevel` asks the operations to show of each resource's request and response. */
  debug?: Debug;
}

interface Debug {
  request: boolean;
  response: boolean;
}

/** `detailLevel`: none, requestContent, responseContent, or both separated by a comma. */
function debugOf(setting: unknown): Debug {
  const levels = isObject(setting) && typeof setting.detailLevel === 'string' ? setting.detailLevel.split(',').map((x) => x.trim().toLowerCase()) : [];
  return { request: levels.includes('requestcontent'), response: levels.includes('responsecontent') };
}

/** Runs a template's resources through the pipeline; returns the failures and what was deployed. */
function runTemplate(s: Services, plan: TemplatePlan, deployment: RunningDeployment): { failed: ArmErrorDetail[]; deployed: PlannedResource[] } {
  const failed: ArmErrorDetail[] = [];
  const deployed: PlannedResource[] = [];
  for (let wave = plan.ready(); wave.length; wave = plan.ready()) {
    for (const r of wave) {
      if (r.existing) {
        plan.complete(r.key);
        continue;
      }
      const started = s.clock.nowMs();
      // `http`: the resource's request and response, shown as debugSetting asks (secure values redacted with the rest).
      const record = (status: number, error?: ArmErrorDetail, http: { request?: unknown; response?: unknown } = {}) => {
        const id = operationId();
        const statusMessage: JsonObject = error ? { status: 'Failed', error: clone(error) as unknown as JsonObject } : { status: 'OK' };
        deployment.operations.push(JSON.parse(plan.redact(JSON.stringify({
          id: `${deployment.id}/operations/${id}`,
          operationId: id,
          properties: {
            provisioningOperation: 'Create',
            provisioningState: error ? 'Failed' : 'Succeeded',
            timestamp: s.clock.iso(),
            duration: isoDuration(s.clock.nowMs() - started),
            trackingId: randomUUID(),
            serviceRequestId: randomUUID(),
            statusCode: error ? (status >= 400 ? httpStatusName(status) : 'Conflict') : status === 201 ? 'Created' : 'OK',
            statusMessage,
            targetResource: { id: r.id, resourceType: r.type, resourceName: r.name },
            ...(deployment.debug?.request && http.request !== undefined ? { request: { content: http.request } } : {}),
            ...(deployment.debug?.response && http.response !== undefined ? { response: { content: http.response } } : {}),
          },
        }))) as JsonObject);
        if (error) failed.push(error);
      };
      let body: JsonObject;
      try {
        body = plan.body(r);
      } catch (err) {
        const e = templateError(err);
        record(400, { code: e.code, message: e.message });
        continue;
      }
      if (r.type.toLowerCase() === TYPE_LOWER) {
        const outcome = runNested(s, plan, r, body, deployment);
        record(outcome.error ? 400 : 201, outcome.error);
        if (!outcome.error) {
          deployed.push(r);
          plan.complete(r.key);
        }
        continue;
      }
      const answer = dispatchArm(s, { method: 'PUT', url: urlOf(r.id, r.apiVersion), body, caller: deployment.caller, baseUrl: deployment.baseUrl });
      if (answer.status >= 400) {
        const error = isObject(answer.body) && isObject(answer.body.error) ? (answer.body.error as unknown as ArmErrorDetail) : { code: 'ResourceDeploymentFailure', message: `The resource operation completed with terminal provisioning state 'Failed'.` };
        record(answer.status, error, { request: body, response: answer.body });
        continue;
      }
      const settled = s.operations.settleNow(armKey(r.id));
      const failure = settled.find((op) => op.status !== 'Succeeded');
      if (failure) {
        const error = (failure.data.error as unknown as ArmErrorDetail | undefined) ?? { code: 'ResourceDeploymentFailure', message: `The resource operation completed with terminal provisioning state '${failure.status}'.` };
        record(answer.status, { code: 'ResourceDeploymentFailure', message: `The resource write operation failed to complete successfully, because it reached terminal provisioning state '${failure.status}'.`, details: [error] }, { request: body, response: answer.body });
        continue;
      }
      record(answer.status, undefined, { request: body, response: answer.body });
      deployed.push(r);
      plan.complete(r.key);
    }
  }
  return { failed, deployed };
}

function httpStatusName(status: number): string {
  return ({ 400: 'BadRequest', 401: 'Unauthorized', 403: 'Forbidden', 404: 'NotFound', 409: 'Conflict', 412: 'PreconditionFailed', 429: 'TooManyRequests', 500: 'InternalServerError', 501: 'NotImplemented' } as Record<number, string>)[status] ?? String(status);
}

/** A nested Microsoft.Resources/deployments resource: its template runs now, its record is saved in its group. */
function runNested(s: Services, parent: TemplatePlan, r: PlannedResource, evaluated: JsonObject, deployment: RunningDeployment): { error?: ArmErrorDetail } {
  const started = s.clock.nowMs();
  let nestedPlan: TemplatePlan;
  let content: ResolvedContent;
  try {
    content = resolveContent(s, isObject(evaluated.properties) ? evaluated.properties : {}, deployment.baseUrl, deployment.origin?.uri);
  } catch (err) {
    const e = templateError(err);
    return { error: { code: e.code, message: e.message } };
  }
  const body: JsonObject = { ...evaluated, properties: content.properties };
  const nested = parent.nestedDeployment(r, body);
  // Where it lands is where the template put its id (resourceGroup, subscriptionId, scope).
  const at = scopeOfDeploymentId(r.id);
  const location = typeof body.location === 'string' ? body.location : undefined;
  try {
    if (at.kind === 'managementGroup') throw managementGroupNotFound(at.managementGroupId ?? '');
    // A nested deployment into a group may carry a location (ARM ignores it); elsewhere it needs one.
    if (at.kind !== 'resourceGroup') checkScopeRules(at, r.name, location, nested.mode);
  } catch (err) {
    const e = templateError(err);
    return { error: { code: e.code, message: e.message } };
  }
  if (at.kind === 'resourceGroup') {
    const sub = at.subscriptionId ?? '';
    const group = at.resourceGroupName ?? '';
    if (!loadResource(s, resourceGroupId(sub, group))) {
      return { error: { code: 'ResourceGroupNotFound', message: `Resource group '${group}' could not be found.` } };
    }
    // resourceGroup() in the nested template is the group as stored (a group the parent just created included).
    nested.scope.resourceGroup = groupScope(s, sub, group);
  } else if (location) nested.scope.location = location;
  try {
    nestedPlan = prepareTemplate(nested.template, parent.nestedOptions(nested, { services: templateServices(s, deployment.caller, deployment.baseUrl), ...positionsOf(content.origin) }));
  } catch (err) {
    const e = templateError(err);
    return { error: { code: e.code, message: e.message } };
  }
  const id = r.id;
  const internal: Internal = { template: nested.template, operations: [] };
  const outcome = runTemplate(s, nestedPlan, { id, caller: deployment.caller, baseUrl: deployment.baseUrl, operations: internal.operations, origin: content.origin, debug: debugOf(content.properties.debugSetting) });
  let outputs: JsonObject = {};
  let error: ArmErrorDetail | undefined;
  if (outcome.failed.length) error = { code: 'DeploymentFailed', message: DEPLOYMENT_FAILED_MESSAGE, details: outcome.failed };
  else {
    try {
      outputs = outputsOf(nestedPlan);
    } catch (err) {
      const e = templateError(err);
      error = { code: e.code, message: e.message };
    }
  }
  const properties: JsonObject = {
    ...content.shown,
    templateHash: templateHash(nested.template),
    parameters: nestedPlan.displayParameters() as unknown as JsonObject,
    mode: nested.mode,
    provisioningState: error ? 'Failed' : 'Succeeded',
    timestamp: s.clock.iso(),
    duration: isoDuration(s.clock.nowMs() - started),
    correlationId: randomUUID(),
    providers: [],
    dependencies: dependenciesOf(nestedPlan, outcome.deployed),
    outputs,
    outputResources: outcome.deployed.filter((d) => d.type.toLowerCase() !== TYPE_LOWER).map((d) => ({ id: d.id })),
  };
  if (error) properties.error = error as unknown as JsonObject;
  saveDeployment(s, id, r.name, properties, internal, undefined, at.kind === 'resourceGroup' || !location ? {} : { location });
  return error ? { error } : {};
}

/** Output types as ARM writes them in a deployment. */
const OUTPUT_TYPES: Record<string, string> = { string: 'String', securestring: 'SecureString', int: 'Int', bool: 'Bool', object: 'Object', secureobject: 'SecureObject', array: 'Array' };

function outputsOf(plan: TemplatePlan): JsonObject {
  const out: JsonObject = {};
  for (const [name, o] of Object.entries(plan.outputs())) {
    const type = OUTPUT_TYPES[o.type.toLowerCase()] ?? o.type;
    out[name] = o.secure ? { type } : { type, value: o.value };
  }
  return out;
}

function dependenciesOf(plan: TemplatePlan, deployed: PlannedResource[]): Json[] {
  const byKey = new Map(deployed.map((d) => [d.key, d]));
  const out: Json[] = [];
  for (const d of deployed) {
    if (!d.dependsOn.length) continue;
    const dependsOn = d.dependsOn.map((k) => byKey.get(k)).filter((x): x is PlannedResource => !!x)
      .map((x) => ({ id: x.id, resourceType: x.type, resourceName: x.name }));
    out.push({ id: d.id, resourceType: d.type, resourceName: d.name, dependsOn });
  }
  return out;
}

/** Saves a deployment under its scope; `top` is its location and tags (kept from `previous` when not given). */
function saveDeployment(s: Services, id: string, name: string, properties: JsonObject, internal: Internal, previous?: StoredResource, top?: JsonObject): StoredResource {
  const before = previous ?? loadResource(s, id);
  const kept: JsonObject = {};
  for (const k of ['location', 'tags']) if (before && (before.body as JsonObject)[k] !== undefined) kept[k] = (before.body as JsonObject)[k];
  const scopeId = scopeOfDeploymentId(id).id;
  const stored = saveResource(s, {
    id, type: TYPE_LOWER, parentId: scopeId, tracked: false,
    body: { id, name, type: TYPE, ...(top ?? kept), properties, _arclight: internal as unknown as JsonObject },
  }, before);
  if (!before) groomHistory(s, scopeId, stored.key);
  return stored;
}

/**
 * Azure's automatic deletions from the deployment history: when a scope holds more than 700,
 * the oldest (by last write) that are not running are deleted until 600 remain; the one just
 * written stays. Their resources stay, as a DELETE of a deployment leaves them.
 */
function groomHistory(s: Services, scopeId: string, keep: string): void {
  // From the index: no record (template, operations) is read, whatever the history holds.
  if (s.store.resources.countChildren(armKey(scopeId), TYPE_LOWER) <= HISTORY_GROOM_ABOVE) return;
  const all = s.store.resources.childStamps(armKey(scopeId), TYPE_LOWER);
  const running = new Set(s.store.operations.pendingUnder(armKey(scopeId)).map((op) => op.resourceKey));
  const removable = all
    .filter((r) => r.key !== keep && !running.has(r.key))
    .sort((x, y) => x.updatedAt - y.updatedAt || (x.key < y.key ? -1 : 1));
  for (const r of removable.slice(0, all.length - HISTORY_GROOM_TO)) dropDeployment(s, r.key);
}

/** A deployment record goes with what was kept of its run; never its resources. */
function dropDeployment(s: Services, key: string): void {
  s.store.resources.deleteTree(key);
  s.store.secrets.deleteTree(key);
}

/** The deployment as ARM shows it: Running while its operation has not completed. */
function view(s: Services, stored: StoredResource): JsonObject {
  const body = clone(stored.body as JsonObject);
  delete body._arclight;
  const props = body.properties as JsonObject;
  if (props.provisioningState === 'Accepted') {
    const pending = s.store.operations.pendingFor(stored.key);
    if (pending.length && pending[0].data.acceptedServed) props.provisioningState = 'Running';
  }
  return body;
}

function internalOf(stored: StoredResource): Internal {
  return ((stored.body as JsonObject)._arclight ?? { template: {}, operations: [] }) as unknown as Internal;
}

function load(s: Services, at: DeploymentAt, name: string): StoredResource {
  const stored = loadResource(s, deploymentIdAt(at, name));
  if (!stored) throw notFound(name);
  return stored;
}

function statusUrl(req: ArmRequest, at: DeploymentAt, op: OperationRecord): string {
  // ARM's own spelling of the group segment in this header: lower-case.
  const scope = at.id.replace(/\/resourceGroups\//, '/resourcegroups/');
  return `${req.baseUrl}${scope}/providers/${TYPE}/${req.params.deploymentName}/operationStatuses/${op.id}?api-version=${req.apiVersion}`;
}

function put(s: Services, req: ArmRequest, at: DeploymentAt): ArmResponse {
  const { plan, template, mode, content } = prepare(s, req, at);
  const id = deploymentIdAt(at, req.params.deploymentName);
  const previous = loadResource(s, id);
  // Azure's hard limit, reached only when the deletions cannot keep up (the oldest are all running).
  if (!previous && s.store.resources.countChildren(armKey(at.id), TYPE_LOWER) >= HISTORY_LIMIT) {
    const count = s.store.resources.countChildren(armKey(at.id), TYPE_LOWER);
    throw new ArmError(400, 'DeploymentQuotaExceeded', `Creating the deployment '${req.params.deploymentName}' would exceed the quota of '${HISTORY_LIMIT}'. The current deployment count is '${count}'. Please delete some deployments before creating a new one, or see https://aka.ms/800LimitFix for information on managing deployment limits.`);
  }
  if (previous && s.store.operations.pendingFor(previous.key).length) {
    throw new ArmError(409, 'DeploymentActive', `Unable to edit or replace deployment '${req.params.deploymentName}': previous deployment from '${new Date(previous.updatedAt).toISOString()}' is still active (expiration time is '${new Date(previous.updatedAt + 7 * 86400e3).toISOString()}'). Please see https://aka.ms/arm-deploy for usage details.`);
  }
  const body = req.body as JsonObject;
  const location = typeof body.location === 'string' ? body.location : undefined;
  const was = previous ? (previous.body as JsonObject).location : undefined;
  if (location && typeof was === 'string' && was.toLowerCase() !== location.toLowerCase()) {
    throw new ArmError(400, 'InvalidDeploymentLocation', `Invalid deployment location '${location}'. The deployment '${req.params.deploymentName}' already exists in location '${was}'.`);
  }
  const top: JsonObject = {};
  if (location) top.location = location;
  if (isObject(body.tags)) top.tags = body.tags;
  const props = body.properties as JsonObject;
  const properties: JsonObject = {
    templateHash: templateHash(template),
    parameters: plan.displayParameters() as unknown as JsonObject,
    mode,
    provisioningState: 'Accepted',
    timestamp: s.clock.iso(),
    duration: 'PT0S',
    correlationId: randomUUID(),
    providers: [],
    dependencies: [],
  };
  Object.assign(properties, content.shown);
  if (isObject(props.debugSetting)) properties.debugSetting = props.debugSetting;
  const onError = onErrorOf(props);
  if (onError) {
    rollbackTarget(s, at, req.params.deploymentName, onError);
    properties.onErrorDeployment = { type: onErrorType(onError), ...(typeof onError.deploymentName === 'string' ? { deploymentName: onError.deploymentName } : {}) };
  }
  const stored = saveDeployment(s, id, req.params.deploymentName, properties, { template: clone(template), operations: [] }, previous, top);
  // The request as resolved now: linked content is read once, at the PUT, as ARM reads it.
  const resolved = clone({ ...body, properties: content.properties }) as JsonObject;
  // Kept sealed, with its secure parameters, should a later deployment roll back to this one.
  saveRun(s, stored.key, { request: resolved, origin: content.origin });
  const op = s.operations.start({
    kind: KIND, subscriptionId: at.subscriptionId ?? '', resourceKey: stored.key, resourceId: id, apiVersion: req.apiVersion,
    data: {
      request: resolved, caller: clone(req.caller) as unknown as JsonObject, baseUrl: req.baseUrl,
      params: clone(req.params), at: clone(at) as unknown as JsonObject, origin: clone(content.origin) as unknown as JsonObject,
    },
  });
  return {
    status: previous ? 200 : 201,
    body: view(s, stored),
    headers: Object.assign({ 'Azure-AsyncOperation': statusUrl(req, at, op) }, retryHeaders(s.operations.retryAfter(op))),
  };
}

/** The deployment's operation completing: the whole template runs now. */
function complete(s: Services, op: OperationRecord): { status: 'Succeeded' | 'Failed'; error?: ArmErrorDetail } {
  const stored = op.resourceKey ? s.store.resources.get(op.resourceKey) : undefined;
  if (!stored) return { status: 'Failed', error: { code: 'DeploymentNotFound', message: 'The deployment was deleted.' } };
  const params = op.data.params as Record<string, string>;
  const run: Run = {
    request: op.data.request as JsonObject,
    params,
    // Operations saved before scopes were served carry no `at`: they are resource group deployments.
    at: (op.data.at as unknown as DeploymentAt | undefined) ?? scopeOfParams('resourceGroup', params),
    caller: caller(op),
    baseUrl: String(op.data.baseUrl ?? ''),
    origin: originOf(op),
  };
  const error = execute(s, stored, run, op.startTime, internalOf(stored));
  return error ? { status: 'Failed', error } : { status: 'Succeeded' };
}

/** One run of a deployment's template: the request it runs, where, as whom. */
interface Run {
  request: JsonObject;
  params: Record<string, string>;
  at: DeploymentAt;
  caller: Caller;
  baseUrl: string;
  origin?: Origin;
  /** A rollback's redeploy: it never rolls back in turn. */
  redeploy?: boolean;
}

/** Runs `stored`'s template now and saves what came of it; the error when it failed (after any rollback). */
function execute(s: Services, stored: StoredResource, run: Run, startedAt: number, internal: Internal): ArmErrorDetail | undefined {
  const { at, params, caller: who, baseUrl } = run;
  const req = { body: run.request, params, caller: who, baseUrl } as unknown as ArmRequest;
  const props = clone((stored.body as JsonObject).properties as JsonObject);
  let error: ArmErrorDetail | undefined;
  let outputs: JsonObject = {};
  let deployed: PlannedResource[] = [];
  let plan: TemplatePlan | undefined;
  try {
    const prepared = prepare(s, req, at, templateServices(s, who, baseUrl), run.origin);
    plan = prepared.plan;
    const outcome = runTemplate(s, plan, { id: stored.id, caller: who, baseUrl, operations: internal.operations, origin: run.origin, debug: debugOf(props.debugSetting) });
    deployed = outcome.deployed;
    if (outcome.failed.length) error = { code: 'DeploymentFailed', message: DEPLOYMENT_FAILED_MESSAGE, details: outcome.failed };
    else {
      if (prepared.mode.toLowerCase() === 'complete' && at.kind === 'resourceGroup') completeMode(s, params, deployed, who, baseUrl, internal.operations, stored.id);
      outputs = outputsOf(plan);
    }
  } catch (err) {
    const e = templateError(err);
    error = { code: e.code, message: e.message };
  }
  props.provisioningState = error ? 'Failed' : 'Succeeded';
  props.timestamp = s.clock.iso();
  props.duration = isoDuration(s.clock.nowMs() - startedAt);
  props.outputs = outputs;
  props.outputResources = deployed.filter((d) => d.type.toLowerCase() !== TYPE_LOWER).map((d) => ({ id: d.id }));
  if (plan) props.dependencies = dependenciesOf(plan, deployed) as Json;
  if (error) props.error = error as unknown as JsonObject;
  else delete props.error;
  const redacted = plan ? (JSON.parse(plan.redact(JSON.stringify(props))) as JsonObject) : props;
  const name = String((stored.body as JsonObject).name);
  const onError = isObject(redacted.onErrorDeployment) ? redacted.onErrorDeployment : undefined;
  if (error && onError && !run.redeploy) redacted.onErrorDeployment = rollBack(s, run, name, onError);
  saveDeployment(s, stored.id, name, redacted, internal, stored);
  return error ? (redacted.error as unknown as ArmErrorDetail) : undefined;
}

/**
 * A failed deployment's onErrorDeployment: the deployment it names is redeployed now, as a
 * redeploy of that deployment (its record runs again, with the template and parameters it ran
 * with), and the failed one shows which one ran and how it ended. The failure stays a failure.
 */
function rollBack(s: Services, run: Run, name: string, onError: JsonObject): JsonObject {
  const shown: JsonObject = { type: onErrorType(onError) };
  let target: StoredResource;
  try {
    target = rollbackTarget(s, run.at, name, onError);
  } catch {
    // Deleted or failed since the PUT: nothing to redeploy.
    if (typeof onError.deploymentName === 'string') shown.deploymentName = onError.deploymentName;
    return { ...shown, provisioningState: 'Failed' };
  }
  const targetName = String((target.body as JsonObject).name);
  const saved = savedRun(s, target.key)!;
  const error = execute(s, target, {
    ...run, request: saved.request, origin: saved.origin, params: { ...run.params, deploymentName: targetName }, redeploy: true,
  }, s.clock.nowMs(), { template: internalOf(target).template, operations: [] });
  return { ...shown, deploymentName: targetName, provisioningState: error ? 'Failed' : 'Succeeded' };
}

/** Complete mode: what the group holds and the template no longer declares is deleted. */
function completeMode(s: Services, params: Record<string, string>, deployed: PlannedResource[], who: Caller, baseUrl: string, operations: JsonObject[], deploymentIdValue: string): void {
  const declared = new Set(deployed.map((d) => d.id.toLowerCase()));
  const candidates: StoredResource[] = [];
  for (let after = '', more = true; more;) {
    const page = s.store.resources.tracked(params.subscriptionId.toLowerCase(), params.resourceGroupName.toLowerCase(), after, 500);
    candidates.push(...page.items);
    more = page.continueAfter !== undefined;
    after = page.continueAfter ?? '';
  }
  for (const r of candidates) {
    if (declared.has(r.id.toLowerCase())) continue;
    const answer = dispatchArm(s, { method: 'DELETE', url: urlOf(r.id, newestVersion(s, r.id)), caller: who, baseUrl });
    if (answer.status < 400) s.operations.settleNow(r.key);
    const id = operationId();
    operations.push({
      id: `${deploymentIdValue}/operations/${id}`, operationId: id,
      properties: {
        provisioningOperation: 'Delete', provisioningState: answer.status < 400 ? 'Succeeded' : 'Failed', timestamp: s.clock.iso(), duration: 'PT0S',
        trackingId: randomUUID(), statusCode: answer.status < 400 ? 'OK' : httpStatusName(answer.status),
        statusMessage: answer.status < 400 ? { status: 'OK' } : (answer.body as JsonObject),
        targetResource: { id: r.id, resourceType: String((r.body as JsonObject).type ?? r.type), resourceName: String((r.body as JsonObject).name ?? '') },
      },
    });
  }
}

/**
 * whatIf, long-running as in Azure: checked now (400 for a template that does not validate), then
 * 202 with Location at the subscription's operationresults (at tenant scope, which has no
 * subscription, the tenant's `/providers/Microsoft.Resources/operationresults`) and Retry-After;
 * the changes are computed when the operation completes, on the emulator clock.
 */
function whatIf(s: Services, req: ArmRequest, at: DeploymentAt): ArmResponse {
  // Checked now; the changes are computed again at completion.
  const { content } = prepare(s, req, at, templateServices(s, req.caller, req.baseUrl));
  groomHistory(s, at.id, '');
  const id = deploymentIdAt(at, req.params.deploymentName);
  const op = s.operations.start({
    // Its own key, not the deployment's: a whatIf never makes a deployment look running.
    kind: WHATIF_KIND, subscriptionId: at.subscriptionId ?? '', resourceKey: `${armKey(id)}/whatif`, resourceId: id, apiVersion: req.apiVersion,
    data: {
      request: clone({ ...(req.body as JsonObject), properties: content.properties }) as JsonObject, caller: clone(req.caller) as unknown as JsonObject,
      baseUrl: req.baseUrl, params: clone(req.params), at: clone(at) as unknown as JsonObject, origin: clone(content.origin) as unknown as JsonObject,
    },
  });
  const scope = at.subscriptionId ? `/subscriptions/${at.subscriptionId}` : '/providers/Microsoft.Resources';
  return { status: 202, headers: { Location: `${req.baseUrl}${scope}/operationresults/${op.id}?api-version=${req.apiVersion}`, ...retryHeaders(s.operations.retryAfter(op)) } };
}

function completeWhatIf(s: Services, op: OperationRecord): { status: 'Succeeded'; result: JsonObject } {
  const params = op.data.params as Record<string, string>;
  const at = op.data.at as unknown as DeploymentAt;
  const who = caller(op);
  const baseUrl = String(op.data.baseUrl ?? '');
  const origin = originOf(op);
  const req = { body: op.data.request, params, caller: who, baseUrl } as unknown as ArmRequest;
  try {
    const { plan, mode } = prepare(s, req, at, templateServices(s, who, baseUrl), origin);
    return { status: 'Succeeded', result: whatIfResult(s, plan, mode, at, who, baseUrl, origin) };
  } catch (err) {
    const e = templateError(err);
    return { status: 'Succeeded', result: { status: 'Failed', error: { code: e.code, message: e.message } } };
  }
}

export function registerDeployments(s: Services): void {
  s.operations.register(KIND, (op) => complete(s, op));
  s.operations.register(WHATIF_KIND, (op) => completeWhatIf(s, op));
  for (const routes of SCOPE_ROUTES) registerAt(s, routes);
  s.handlers.on('POST', '/providers/Microsoft.Resources/calculateTemplateHash', (req) => ({
    status: 200, body: { minifiedTemplate: JSON.stringify(req.body), templateHash: templateHash(req.body) },
  }));
}

/** One scope's deployment routes; each handler first learns where its deployment lives. */
function registerAt(s: Services, routes: ScopeRoutes): void {
  const h = s.handlers;
  const ITEM = routes.item;
  const on = (method: string, template: string, handler: (req: ArmRequest, at: DeploymentAt) => ArmResponse) => h.on(method, template, (req) => {
    const at = scopeOfParams(routes.kind, req.params);
    if (at.kind === 'managementGroup') throw managementGroupNotFound(req.params.groupId);
    return handler(req, at);
  });
  on('PUT', ITEM, (req, at) => put(s, req, at));
  on('GET', ITEM, (req, at) => {
    const stored = load(s, at, req.params.deploymentName);
    const pending = s.store.operations.pendingFor(stored.key)[0];
    if (pending && !pending.data.acceptedServed) s.store.operations.put(Object.assign({}, pending, { data: Object.assign({}, pending.data, { acceptedServed: true }) }));
    return { status: 200, body: view(s, stored) };
  });
  on('HEAD', ITEM, (req, at) => {
    load(s, at, req.params.deploymentName);
    return { status: 204 };
  });
  on('DELETE', ITEM, (req, at) => {
    const stored = loadResource(s, deploymentIdAt(at, req.params.deploymentName));
    if (!stored) return { status: 204 };
    if (s.store.operations.pendingFor(stored.key).length) {
      throw new ArmError(409, 'DeploymentActive', `The deployment '${req.params.deploymentName}' cannot be deleted while it is running. Please cancel it first.`);
    }
    dropDeployment(s, stored.key);
    return { status: 204 };
  });
  on('GET', routes.list, (req, at) => {
    const state = /provisioningState\s+eq\s+'([^']*)'/i.exec(req.query.$filter ?? '')?.[1].toLowerCase();
    const accept = (r: StoredResource) => state === undefined || String((view(s, r).properties as JsonObject).provisioningState).toLowerCase() === state;
    const page = filteredPage((after, limit) => s.store.resources.children(armKey(at.id), TYPE_LOWER, after, limit), accept, pageRequest(req, LIST_PAGE_SIZE));
    return { status: 200, body: listBody(page.items.map((r) => view(s, r)), nextLink(req, page)) };
  });
  on('POST', `${ITEM}/validate`, (req, at) => {
    const { plan, template, mode, content } = prepare(s, req, at);
    // validate and whatIf trigger Azure's history deletions too.
    groomHistory(s, at.id, '');
    const validated: JsonObject[] = [];
    for (let wave = plan.ready(); wave.length; wave = plan.ready()) {
      for (const r of wave) {
        plan.complete(r.key);
        if (!r.existing) validated.push({ id: r.id });
      }
    }
    const id = deploymentIdAt(at, req.params.deploymentName);
    return {
      status: 200,
      body: {
        id, name: req.params.deploymentName, type: TYPE,
        properties: {
          templateHash: templateHash(template), parameters: plan.displayParameters() as unknown as JsonObject, mode,
          provisioningState: 'Succeeded', timestamp: s.clock.iso(), duration: 'PT0S', correlationId: randomUUID(),
          providers: [], dependencies: [], validatedResources: validated,
          // The links as a deployment shows them (uris without their query).
          ...content.shown,
        },
      },
    };
  });
  on('POST', `${ITEM}/whatIf`, (req, at) => whatIf(s, req, at));
  on('POST', `${ITEM}/cancel`, (req, at) => {
    const stored = load(s, at, req.params.deploymentName);
    const pending = s.store.operations.pendingFor(stored.key);
    if (!pending.length) {
      throw new ArmError(409, 'DeploymentCannotBeCancelled', `The deployment '${req.params.deploymentName}' cannot be cancelled because it is not running.`);
    }
    const now = s.clock.nowMs();
    for (const op of pending) s.store.operations.put(Object.assign({}, op, { status: 'Canceled' as const, endTime: now }));
    const props = clone((stored.body as JsonObject).properties as JsonObject);
    props.provisioningState = 'Canceled';
    props.timestamp = s.clock.iso();
    saveDeployment(s, stored.id, String((stored.body as JsonObject).name), props, internalOf(stored), stored);
    return { status: 204 };
  });
  on('POST', `${ITEM}/exportTemplate`, (req, at) => ({ status: 200, body: { template: internalOf(load(s, at, req.params.deploymentName)).template } }));
  on('GET', routes.operations, (req, at) => {
    const ops = internalOf(load(s, at, req.params.deploymentName)).operations;
    const top = Number(req.query.$top);
    return { status: 200, body: { value: Number.isInteger(top) && top > 0 ? ops.slice(0, top) : ops } };
  });
  on('GET', `${routes.operations}/{operationId}`, (req, at) => {
    const found = internalOf(load(s, at, req.params.deploymentName)).operations.find((o) => String(o.operationId).toLowerCase() === req.params.operationId.toLowerCase());
    if (!found) throw new ArmError(404, 'DeploymentOperationNotFound', `Deployment operation '${req.params.operationId}' could not be found.`);
    return { status: 200, body: found };
  });
  on('GET', `${ITEM}/operationStatuses/{operationId}`, (req) => {
    const op = s.operations.get(req.params.operationId);
    if (!op || op.kind !== KIND) throw new ArmError(404, 'OperationNotFound', `The operation '${req.params.operationId}' could not be found.`);
    const status = op.status === 'InProgress' ? 'Running' : op.status;
    const body: JsonObject = { status };
    if (op.data.error) body.error = op.data.error;
    return { status: 200, body, verbatim: true, ...(op.status === 'InProgress' ? { headers: retryHeaders(s.operations.retryAfter(op)) } : {}) };
  });
}
