/**
 * What exists before the fuzzing starts, created the way users create it (ARM over HTTPS, the
 * agent protocol for the cluster identity), so that fuzzed requests on nested paths get past
 * "not found" to the handlers. Names are split into those the fuzzer may destroy (DELETE goes
 * only there) and those it must keep, so one lucky DELETE cannot hide every later case.
 */
import { strict as assert } from 'assert';
import { signProof } from '../../protocol/agentCredentials';
import type { RunningArclight } from '../../server/arclight';
import { fakeToken, SUB, TENANT, CLIENT_ID } from '../support/arclight';
import { AgentProtocol } from '../support/agentProtocol';
import { clusterBody } from '../support/clusters';
import { extensionBody, fluxBody, sourceControlBody } from '../support/configurations';
import { agentKeys } from '../support/keys';
import { send, Target } from './httpClient';
import type { Json } from '../../protocol/json';

export const COLLECTIONS = ['extensions', 'fluxConfigurations', 'sourceControlConfigurations'] as const;
export type Collection = (typeof COLLECTIONS)[number];

export interface NamePool {
  /** Exist and must keep existing. */
  keep: string[];
  /** Exist, and may be deleted. */
  doomed: string[];
  /** Never exist. */
  absent: string[];
}

export interface Fixtures {
  subscriptionId: string;
  tenantId: string;
  groups: NamePool;
  clusters: NamePool;
  configurations: Record<Collection, NamePool>;
  /** The stand-in AKS parent (Microsoft.ContainerService/managedClusters). */
  managedCluster: string;
  /** Template deployments, under these names in every kept group, the subscription and the tenant. */
  deployments: NamePool;
  /** ARM id of the kept cluster ARM requests are fuzzed on. */
  clusterId: string;
  /**
   * ARM id of the cluster whose agents the data plane is fuzzed for. No ARM case names it: a
   * fuzzed PUT may well remove a cluster's identity, and with it every data-plane request's caller.
   */
  agentClusterId: string;
  /** Ids of operations that ran (cluster and configuration creates). */
  operationIds: string[];
  /** Authorization header value for ARM; a function, so the strict pass can renew on a moved clock. */
  armAuthorization: () => string;
  /** Authorization header value of the agent cluster's own identity (the data plane's caller). */
  clusterAuthorization: string;
  clusterClientId: string;
  /** A proof of possession of the agent cluster's onboarding key, valid for ten minutes. */
  validProof: string;
  onboardingKeyPkcs1: string;
}

const RG_VERSION = '2022-09-01';
const CLUSTER_VERSION = '2024-01-01';
const CONFIG_VERSION = '2024-11-01';
const AKS_VERSION = '2024-05-01';
const DEPLOYMENT_VERSION = '2024-03-01';

const SECRET = 'arclight-secret';
const ARM_SCOPE = 'https://management.azure.com/.default';

export const groupPath = (group: string) => `/subscriptions/${SUB}/resourcegroups/${group}`;
export const clusterPath = (group: string, name: string) => `${groupPath(group)}/providers/Microsoft.Kubernetes/connectedClusters/${name}`;
const configPath = (group: string, cluster: string, collection: string, name: string) =>
  `${clusterPath(group, cluster)}/providers/Microsoft.KubernetesConfiguration/${collection}/${name}`;

async function call(target: Target, method: string, path: string, authorization: string | undefined, json?: unknown, form?: string) {
  const headers: Record<string, string> = {};
  if (authorization) headers.Authorization = authorization;
  if (json !== undefined) headers['Content-Type'] = 'application/json';
  if (form !== undefined) headers['Content-Type'] = 'application/x-www-form-urlencoded';
  const outcome = await send(target, { surface: 'arm', kind: 'fixture', origin: 'fixture', method, path, headers, body: form ?? (json === undefined ? undefined : JSON.stringify(json)) });
  const text = outcome.body.toString('utf8');
  return { status: outcome.status, headers: outcome.headers, text, json: text ? safeJson(text) : undefined, failure: outcome.failure };
}

function safeJson(text: string): Json {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

async function created(target: Target, path: string, authorization: string, body: unknown): Promise<string | undefined> {
  const res = await call(target, 'PUT', path, authorization, body);
  assert.ok(res.status === 200 || res.status === 201, `fixture PUT ${path}: ${res.status} ${res.failure ?? res.text.slice(0, 500)}`);
  const operation = String(res.headers['azure-asyncoperation'] ?? '');
  // The operation id is the async operation URL's last segment.
  return /\/([^/?]+)(?:\?|$)/.exec(operation.split('?')[0] + '?')?.[1];
}

/** An ARM token from the token service (what strict mode requires), for the default service principal. */
export async function issuedArmToken(target: Target): Promise<string | undefined> {
  const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: CLIENT_ID, client_secret: SECRET, scope: ARM_SCOPE }).toString();
  const res = await call(target, 'POST', `/${TENANT}/oauth2/v2.0/token`, undefined, undefined, form);
  return res.status === 200 ? res.json?.access_token : undefined;
}

export async function createFixtures(server: RunningArclight, target: Target, auth: 'lenient' | 'strict'): Promise<Fixtures> {
  let armAuthorization: () => string;
  if (auth === 'strict') {
    const token = await issuedArmToken(target);
    assert.ok(token, 'the token service issued no ARM token for the default service principal');
    armAuthorization = () => `Bearer ${token}`;
  } else {
    const bearer = `Bearer ${fakeToken()}`;
    armAuthorization = () => bearer;
  }
  const authz = armAuthorization();

  const groups: NamePool = { keep: ['fuzz-rg', 'fuzz-rg-2'], doomed: ['fuzz-rg-doomed'], absent: ['fuzz-rg-absent'] };
  for (const group of [...groups.keep, ...groups.doomed]) await created(target, `${groupPath(group)}?api-version=${RG_VERSION}`, authz, { location: 'eastus', tags: { purpose: 'fuzz' } });

  const [group] = groups.keep;
  const clusters: NamePool = { keep: ['fuzz-cluster'], doomed: ['fuzz-cluster-doomed'], absent: ['fuzz-cluster-absent'] };
  const operationIds: string[] = [];
  for (const name of [...clusters.keep, ...clusters.doomed]) {
    const id = await created(target, `${clusterPath(group, name)}?api-version=${CLUSTER_VERSION}`, authz, clusterBody());
    if (id) operationIds.push(id);
  }

  const bodies: Record<Collection, () => unknown> = { extensions: extensionBody, fluxConfigurations: fluxBody, sourceControlConfigurations: sourceControlBody };
  const agentCluster = 'fuzz-agent-cluster';
  await created(target, `${clusterPath(group, agentCluster)}?api-version=${CLUSTER_VERSION}`, authz, clusterBody());
  const configurations = {} as Record<Collection, NamePool>;
  for (const collection of COLLECTIONS) {
    const short = { extensions: 'ext', fluxConfigurations: 'flux', sourceControlConfigurations: 'scc' }[collection];
    configurations[collection] = { keep: [`fuzz-${short}`], doomed: [`fuzz-${short}-doomed`], absent: [`fuzz-${short}-absent`] };
    for (const name of [...configurations[collection].keep, ...configurations[collection].doomed]) {
      const id = await created(target, `${configPath(group, clusters.keep[0], collection, name)}?api-version=${CONFIG_VERSION}`, authz, bodies[collection]());
      if (id) operationIds.push(id);
    }
    // The agent cluster has the kept ones too, so status reports name something that exists.
    await created(target, `${configPath(group, agentCluster, collection, configurations[collection].keep[0])}?api-version=${CONFIG_VERSION}`, authz, bodies[collection]());
  }

  const managedCluster = 'fuzz-aks';
  await created(target, `${groupPath(group).replace('resourcegroups', 'resourceGroups')}/providers/Microsoft.ContainerService/managedClusters/${managedCluster}?api-version=${AKS_VERSION}`, authz, { location: 'eastus' });

  // Deployments of an empty template at each scope Arclight has (it has no management groups).
  const deployments: NamePool = { keep: ['fuzz-deployment'], doomed: ['fuzz-deployment-doomed'], absent: ['fuzz-deployment-absent'] };
  const empty = { $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#', contentVersion: '1.0.0.0', resources: [] };
  for (const name of [...deployments.keep, ...deployments.doomed]) {
    for (const kept of groups.keep) await created(target, `${groupPath(kept)}/providers/Microsoft.Resources/deployments/${name}?api-version=${DEPLOYMENT_VERSION}`, authz, { properties: { mode: 'Incremental', template: empty } });
    await created(target, `/subscriptions/${SUB}/providers/Microsoft.Resources/deployments/${name}?api-version=${DEPLOYMENT_VERSION}`, authz, { location: 'eastus', properties: { mode: 'Incremental', template: empty } });
    await created(target, `/providers/Microsoft.Resources/deployments/${name}?api-version=${DEPLOYMENT_VERSION}`, authz, { location: 'eastus', properties: { mode: 'Incremental', template: empty } });
  }

  // The agent cluster's own identity: certificate by proof of possession, then a token from it.
  const armId = (name: string) => clusterPath(group, name).replace('/resourcegroups/', '/resourceGroups/');
  const agentClusterId = armId(agentCluster);
  const { issued, token } = await new AgentProtocol({ url: server.url, caCertPem: server.caCertPem }).signIn(agentClusterId, agentKeys().privateKey);
  const validProof = signProof(agentKeys().privateKey, agentClusterId, `${server.url}/arc/regions/eastus/his/certificates`);

  assert.ok(operationIds.length >= 2, `fixture creates named no operation ids: ${operationIds.join(',')}`);
  return {
    subscriptionId: SUB,
    tenantId: TENANT,
    groups,
    clusters,
    configurations,
    managedCluster,
    deployments,
    clusterId: armId(clusters.keep[0]),
    agentClusterId,
    operationIds,
    armAuthorization,
    clusterAuthorization: `Bearer ${token}`,
    clusterClientId: issued.clientId,
    validProof,
    onboardingKeyPkcs1: agentKeys().pkcs1,
  };
}
