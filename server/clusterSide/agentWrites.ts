/**
 * What the cluster's agents change in ARM, whoever the agents are (a real agent through the data
 * plane, `arclight agent`, or Arclight's simulated agents): the connected cluster's agent fields,
 * and the agent-reported state of its configurations. Agent writes are recorded in systemData
 * as the Microsoft.Kubernetes first-party application, as Azure records them.
 */
import { ArmError } from '../kit/armErrors';
import type { ClusterSideContext } from './context';
import type { StoredResource } from '../store/resources';
import { saveResource } from '../kit/resources';
import { systemDataFor } from '../kit/systemData';
import { configurationTypeOf } from '../providers/kubernetesConfiguration';
import type { JsonObject } from '../../protocol/json';

type Props = JsonObject;

/** The Microsoft.Kubernetes application: `lastModifiedBy` once the agents report (as seen in Azure). */
export const KUBERNETES_APPLICATION_ID = '64b12d6e-6549-484c-8cc6-6281839ba394';
const AGENTS = { name: KUBERNETES_APPLICATION_ID, type: 'Application' as const };

/** Saves `properties` (merged) and `top` (merged) on the cluster, as its agents. */
export function updateClusterAsAgent(s: ClusterSideContext, cluster: StoredResource, properties: Props, top: Props = {}): StoredResource {
  const body = {
    ...cluster.body,
    ...top,
    systemData: systemDataFor(AGENTS, s.clock.iso(), cluster.body.systemData),
    properties: { ...cluster.body.properties, ...properties },
  };
  const saved = saveResource(s, { id: cluster.id, type: cluster.type, parentId: cluster.parentKey, tracked: cluster.tracked, body }, cluster);
  s.events.emit({ type: 'agents.reported', resource: saved });
  return saved;
}

/** Applies what the agents report about one configuration; refuses fields they do not report. */
export function applyConfigurationReport(s: ClusterSideContext, config: StoredResource, report: Props): StoredResource {
  const collection = config.type.split('/')[1];
  const allowed = configurationTypeOf(config.type)!.agentReports;
  for (const [field, value] of Object.entries(report)) {
    const check = allowed.get(field);
    if (!check) {
      throw new ArmError(400, 'InvalidStatusReport',
        `Agents do not report '${field}' for ${collection}. They report ${[...allowed.keys()].map((f) => `'${f}'`).join(', ')}.`);
    }
    // null clears what an earlier report said (an error once the install succeeds); states cannot be cleared.
    const clearable = value === null && field !== 'provisioningState' && field !== 'complianceState';
    if (!clearable && !check(value)) throw new ArmError(400, 'InvalidStatusReport', `The reported value of '${field}' is not valid.`);
  }
  const body = { ...config.body, properties: { ...config.body.properties, ...report } };
  const saved = saveResource(s, { id: config.id, type: config.type, parentId: config.parentKey, tracked: config.tracked, body }, config);
  s.events.emit({ type: 'agents.reported', resource: saved });
  return saved;
}
