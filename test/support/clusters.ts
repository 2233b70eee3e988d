/** Shortcuts for tests that need a resource group and a connected cluster. */
import request from 'supertest';
import type { Express } from 'express';
import { bearer, SUB } from './arclight';
import { agentKeys } from './keys';

/** Every Microsoft.Kubernetes api-version Arclight serves (test/server/apiVersions.test.ts checks it against the bundle). */
export const CLUSTER_VERSIONS = [
  '2020-01-01-preview', '2021-03-01', '2021-04-01-preview', '2021-10-01', '2022-05-01-preview', '2022-10-01-preview', '2023-11-01-preview',
  '2024-01-01', '2024-02-01-preview', '2024-06-01-preview', '2024-07-01-preview', '2024-07-15-preview', '2024-12-01-preview',
  '2025-08-01-preview', '2025-12-01-preview', '2026-02-01-preview', '2026-05-01',
];

/** What 2020-01-01-preview requires of a cluster besides the key: its AAD profile. */
export const AAD_PROFILE = { tenantId: '00000000-0000-0000-0000-000000000001', clientAppId: '00000000-0000-0000-0000-0000000000c1', serverAppId: '00000000-0000-0000-0000-0000000000c2' };

export const groupPath = (group: string, sub = SUB) => `/subscriptions/${sub}/resourceGroups/${group}`;
export const clusterPath = (group: string, name: string, sub = SUB) => `${groupPath(group, sub)}/providers/Microsoft.Kubernetes/connectedClusters/${name}`;

export async function createGroup(app: Express, group: string, location = 'eastus', sub = SUB): Promise<void> {
  await request(app).put(`${groupPath(group, sub)}?api-version=2021-04-01`).set('Authorization', bearer()).send({ location }).expect((r) => {
    if (r.status !== 200 && r.status !== 201) throw new Error(`group ${group}: ${r.status} ${r.text}`);
  });
}

/** A cluster body `apiVersion` accepts (2020-01-01-preview requires an aadProfile). */
export function clusterBodyFor(apiVersion: string, extra: Record<string, unknown> = {}, properties: Record<string, unknown> = {}) {
  return clusterBody(extra, apiVersion === '2020-01-01-preview' ? { aadProfile: AAD_PROFILE, ...properties } : properties);
}

export function clusterBody(extra: Record<string, unknown> = {}, properties: Record<string, unknown> = {}) {
  return {
    location: 'eastus',
    identity: { type: 'SystemAssigned' },
    ...extra,
    properties: { agentPublicKeyCertificate: agentKeys().pkcs1, distribution: 'kind', infrastructure: 'generic', ...properties },
  };
}

/** Creates the group if needed and the cluster, and lets the create operation complete. */
export async function createCluster(app: Express, group: string, name: string, apiVersion = '2021-10-01', body = clusterBody()): Promise<request.Response> {
  await createGroup(app, group);
  const res = await request(app).put(`${clusterPath(group, name)}?api-version=${apiVersion}`).set('Authorization', bearer()).send(body);
  if (res.status !== 201 && res.status !== 200) throw new Error(`cluster ${name}: ${res.status} ${res.text}`);
  return res;
}
