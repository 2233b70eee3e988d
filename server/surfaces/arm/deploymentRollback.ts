/**
 * `onErrorDeployment` (README "Template deployments"): when a deployment fails, ARM redeploys an
 * earlier successful deployment of the same scope, the last one (`LastSuccessful`) or a named one
 * (`SpecificDeployment`), with the template and parameters it ran with. Those are kept for every
 * top-level deployment, sealed in the secret store (parameters may be secure), under its key.
 * This module finds and checks the deployment to redeploy; deployments.ts runs it.
 */
import { ArmError } from '../../kit/armErrors';
import { armKey } from '../../kit/resourceIds';
import type { StoredResource } from '../../store/resources';
import type { JsonObject } from '../../../protocol/json';
import type { Services } from '../services';
import type { Origin } from './deploymentContent';
import { deploymentIdAt, type DeploymentAt } from './deploymentScopes';

const TYPE_LOWER = 'microsoft.resources/deployments';
const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/** What a deployment ran with: the request as resolved at its PUT (links inline) and where its template came from. */
export interface SavedRun {
  request: JsonObject;
  origin?: Origin;
}

export function saveRun(s: Services, key: string, run: SavedRun): void {
  s.store.secrets.put(key, run);
}

export function savedRun(s: Services, key: string): SavedRun | undefined {
  return s.store.secrets.get<SavedRun>(key);
}

function refused(message: string): ArmError {
  return new ArmError(400, 'InvalidOnErrorDeployment', message);
}

const succeeded = (r: StoredResource) => String(((r.body as JsonObject).properties as JsonObject | undefined)?.provisioningState) === 'Succeeded';

/** The type as the spec spells it (LastSuccessful when absent). */
export function onErrorType(spec: JsonObject): 'LastSuccessful' | 'SpecificDeployment' {
  return typeof spec.type === 'string' && spec.type.toLowerCase() === 'specificdeployment' ? 'SpecificDeployment' : 'LastSuccessful';
}

/** The newest successful deployment of the scope, other than `exceptKey`, that Arclight can redeploy. */
function lastSuccessful(s: Services, at: DeploymentAt, exceptKey: string): StoredResource | undefined {
  let best: StoredResource | undefined;
  for (let after = '', more = true; more;) {
    const page = s.store.resources.children(armKey(at.id), TYPE_LOWER, after, 500);
    for (const r of page.items) {
      if (r.key === exceptKey || !succeeded(r) || !savedRun(s, r.key)) continue;
      if (!best || r.updatedAt > best.updatedAt || (r.updatedAt === best.updatedAt && r.key > best.key)) best = r;
    }
    more = page.continueAfter !== undefined;
    after = page.continueAfter ?? '';
  }
  return best;
}

/**
 * The deployment `spec` names for deployment `name` at `at`, checked as the PUT is: the scope is a
 * resource group (az offers rollback there only), and the target exists, succeeded, and was run
 * by this Arclight (its template and parameters are kept). Refusals are 400 InvalidOnErrorDeployment.
 */
export function rollbackTarget(s: Services, at: DeploymentAt, name: string, spec: JsonObject): StoredResource {
  if (at.kind !== 'resourceGroup') throw refused(`The deployment '${name}' cannot have an onErrorDeployment: rollback on error is supported for deployments at resource group scope only.`);
  const ownKey = armKey(deploymentIdAt(at, name));
  if (onErrorType(spec) === 'LastSuccessful') {
    const found = lastSuccessful(s, at, ownKey);
    if (!found) throw refused(`The deployment '${name}' has onErrorDeployment 'LastSuccessful', but the resource group has no successful deployment to redeploy.`);
    return found;
  }
  const target = typeof spec.deploymentName === 'string' ? spec.deploymentName : '';
  if (!target) throw refused(`The deployment '${name}' has onErrorDeployment 'SpecificDeployment' without a deploymentName.`);
  if (target.toLowerCase() === name.toLowerCase()) throw refused(`The deployment '${name}' cannot name itself as its onErrorDeployment.`);
  const stored = s.store.resources.get(armKey(deploymentIdAt(at, target)));
  if (!stored || !succeeded(stored) || !savedRun(s, stored.key)) {
    throw refused(`The deployment '${target}' named by onErrorDeployment of '${name}' was not found in the resource group, or did not succeed.`);
  }
  return stored;
}

/** The onErrorDeployment a request carries, or undefined. */
export function onErrorOf(props: JsonObject): JsonObject | undefined {
  return isObject(props.onErrorDeployment) ? props.onErrorDeployment : undefined;
}
