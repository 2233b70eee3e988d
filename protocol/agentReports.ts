/**
 * What a healthy (or failing) set of agents reports for a configuration, once they have acted on
 * it: extensions installed at their version, flux sources fetched and kustomizations applied
 * (Compliant), Flux v1 operators running. Arclight's simulated agents and `arclight agent` send
 * the same reports, so both move ARM the same way.
 */
import { createHash } from 'crypto';
import { sourcePropertyOf } from './fluxSources';
import type { JsonObject } from './json';

type Props = JsonObject;

/** The Arc agents' version Arclight names, and its agents report. */
export const AGENT_VERSION = '1.21.10';

/** The cluster metadata Arclight's agents report in their heartbeats. */
export const CLUSTER_METADATA = { agentVersion: AGENT_VERSION, kubernetesVersion: '1.30.4', totalNodeCount: 3, totalCoreCount: 12 };

/** Agents renew on day 46 of a 90-day certificate (Azure's renewal window); the same share of other lifetimes. */
export const RENEWAL_SHARE = 46 / 90;

/** Agents act on a configuration once ARM has provisioned it; its provisioning completion (or the next cycle) reports it. */
export function awaitingProvisioning(properties: Props | undefined): boolean {
  return ['Accepted', 'Creating', 'Updating', 'Deleting'].includes(properties?.provisioningState);
}

/** The version an extension without an explicit one reports as installed. */
export const DEFAULT_EXTENSION_VERSION = '1.0.0';

/** `<reference>/<sha>`, as Flux names a synced revision; the sha is derived from the source so it is stable. */
function syncedRevision(source: Props): string {
  const ref = source.repositoryRef ?? {};
  const name = ref.branch ?? ref.tag ?? ref.semver ?? ref.commit ?? ref.digest ?? source.bucketName ?? source.containerName ?? 'latest';
  const sha = ref.commit ?? createHash('sha1').update(`${source.url ?? ''}#${name}`).digest('hex');
  return `${name}/${sha}`;
}


function condition(ready: boolean, message: string, reason: string, now: string) {
  return { lastTransitionTime: now, message, reason, status: ready ? 'True' : 'False', type: 'Ready' };
}

function fluxReport(name: string, p: Props, now: string, failure?: string): Props {
  const kind = p.sourceKind ?? 'GitRepository';
  const source = sourcePropertyOf(kind);
  const revision = syncedRevision((source && p[source]) ?? {});
  const namespace = p.namespace ?? 'default';
  const state = failure ? 'Non-Compliant' : p.suspend ? 'Suspended' : 'Compliant';
  const statuses = [
    { name, namespace, kind, complianceState: state, statusConditions: [condition(!failure, failure ?? `stored artifact for revision '${revision}'`, failure ? 'ReconciliationFailed' : 'Succeeded', now)] },
    ...Object.keys(p.kustomizations ?? {}).map((k) => ({
      name: `${name}-${k}`, namespace, kind: 'Kustomization', complianceState: state,
      statusConditions: [condition(!failure, failure ?? `Applied revision: ${revision}`, failure ? 'ReconciliationFailed' : 'ReconciliationSucceeded', now)],
    })),
  ];
  return {
    complianceState: state,
    statuses,
    sourceSyncedCommitId: revision,
    sourceUpdatedAt: now,
    statusUpdatedAt: now,
    errorMessage: failure ?? '',
  };
}

/** The report for one configuration of `collection` (as the data plane names them); `failure` makes it a failed one. */
export function agentReport(collection: string, name: string, properties: Props, now: string, failure?: string): Props {
  switch (collection.toLowerCase()) {
    case 'extensions':
      return failure
        ? {
          provisioningState: 'Failed',
          errorInfo: { code: 'ExtensionOperationFailed', message: `The extension operation failed with the following error: ${failure}` },
          statuses: [{ code: 'InstallationFailed', displayStatus: 'Failed', level: 'Error', message: failure, time: now }],
        }
        : { provisioningState: 'Succeeded', currentVersion: properties.version ?? DEFAULT_EXTENSION_VERSION, statuses: [], errorInfo: null };
    case 'fluxconfigurations':
      return fluxReport(name, properties, now, failure);
    default:
      return {
        complianceStatus: failure
          ? { complianceState: 'Failed', lastConfigApplied: now, message: failure, messageLevel: 'Error' }
          : { complianceState: 'Compliant', lastConfigApplied: now, message: 'Configuration successfully applied', messageLevel: 'Information' },
      };
  }
}
