/**
 * The neighbour types as rows for the stand-in builder (standIn.ts): what each one is beyond
 * its vendored spec. Only the user-assigned identity's token-service identity
 * (managedIdentities.ts) and the role assignments' scope and checks (roleAssignments.ts) need
 * rules of their own.
 */
import { randomBytes, randomUUID } from 'crypto';
import { ArmError, armErrors } from '../../kit/armErrors';
import type { ProviderContext } from '../context';
import { loadResource } from '../../kit/resources';
import type { StandIn } from './standIn';
import { resolveScope } from './scopes';
import { managedIdentityState } from './managedIdentities';

const UAI_PATH = '/subscriptions/{}/resourceGroups/{}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/{}';

/** A Log Analytics workspace: Azure gives it a customerId (the workspace id agents send to), and a sku and retention by default. */
export const workspaces: StandIn = {
  typeName: 'Microsoft.OperationalInsights/workspaces',
  label: 'workspace',
  nameParam: 'workspaceName',
  serviceSet: ['customerId', 'createdDate', 'modifiedDate'],
  initialState: (w) => ({ customerId: randomUUID(), createdDate: w.ctx.clock.iso(), modifiedDate: w.ctx.clock.iso() }),
  complete: (p) => ({
    ...p,
    // Azure's default pricing tier; the spec's defaults may have made an sku without a name.
    sku: (p.sku as { name?: string } | undefined)?.name ? p.sku : { ...(p.sku as object | undefined), name: 'PerGB2018' },
    retentionInDays: p.retentionInDays ?? 30,
    publicNetworkAccessForIngestion: p.publicNetworkAccessForIngestion ?? 'Enabled',
    publicNetworkAccessForQuery: p.publicNetworkAccessForQuery ?? 'Enabled',
  }),
};

/** A solution (ContainerInsights(<workspace>)) on a workspace, which must exist. */
export const solutions: StandIn = {
  typeName: 'Microsoft.OperationsManagement/solutions',
  label: 'solution',
  nameParam: 'solutionName',
  complete: (p, w) => {
    const workspace = typeof p.workspaceResourceId === 'string' ? loadResource(w.ctx, p.workspaceResourceId) : undefined;
    if (!workspace || workspace.type !== 'microsoft.operationalinsights/workspaces') {
      throw new ArmError(400, 'InvalidParameter', `The workspace '${String(p.workspaceResourceId)}' named by properties.workspaceResourceId was not found.`, { target: 'properties.workspaceResourceId' });
    }
    return { ...p, workspaceResourceId: workspace.id };
  },
};

/** A data collection rule: Azure gives it an immutableId (`dcr-` and 32 hex digits). */
export const dataCollectionRules: StandIn = {
  typeName: 'Microsoft.Insights/dataCollectionRules',
  label: 'data collection rule',
  nameParam: 'dataCollectionRuleName',
  serviceSet: ['immutableId'],
  initialState: () => ({ immutableId: `dcr-${randomBytes(16).toString('hex')}` }),
  // 2022-06-01 requires a log file source's format, which 2023-03-11 lets a PUT leave out: the
  // rule is stored once for both, so a missing format is 'text' (the only value 2022-06-01 knows).
  complete: (p) => {
    const logFiles = (p.dataSources as { logFiles?: unknown } | undefined)?.logFiles;
    if (Array.isArray(logFiles)) for (const f of logFiles) if (f && typeof f === 'object' && !Array.isArray(f) && (f as { format?: unknown }).format === undefined) (f as { format?: string }).format = 'text';
    return p;
  },
  // A log file source in a format 2022-06-01 does not know (json, from 2023-03-11) cannot be
  // told in that version, whose schema requires a format it lists: its answer leaves the source out.
  view: (stored, _s, apiVersion) => {
    const logFiles = stored.body.properties?.dataSources?.logFiles;
    if (apiVersion !== '2022-06-01' || !Array.isArray(logFiles)) return stored.body;
    const told = logFiles.filter((f: { format?: unknown }) => f?.format === 'text');
    const dataSources = Object.assign({}, stored.body.properties.dataSources, { logFiles: told });
    return Object.assign({}, stored.body, { properties: Object.assign({}, stored.body.properties, { dataSources }) });
  },
};

/**
 * A data collection rule association, on any resource (`/{resourceUri}/providers/...`): the
 * resource must exist, and it goes with it. Listed by resource here; by rule and by endpoint
 * in index.ts.
 */
export const dataCollectionRuleAssociations: StandIn = {
  typeName: 'Microsoft.Insights/dataCollectionRuleAssociations',
  label: 'data collection rule association',
  nameParam: 'associationName',
  itemPath: '/{resourceUri}/providers/Microsoft.Insights/dataCollectionRuleAssociations/{}',
  lists: [{ path: '/{resourceUri}/providers/Microsoft.Insights/dataCollectionRuleAssociations', scope: 'parent' }],
  parentId: (s, req) => resolveScope(s, req.params.resourceUri),
  located: false,
};

/** A user-assigned identity: a real managed identity of the token service (managedIdentities.ts). */
export const userAssignedIdentities: StandIn = {
  typeName: 'Microsoft.ManagedIdentity/userAssignedIdentities',
  label: 'user assigned identity',
  nameParam: 'resourceName',
  serviceSet: ['tenantId', 'principalId', 'clientId'],
  initialState: (w) => managedIdentityState(w),
};

/** Federated credentials of a user-assigned identity, which must exist. */
export const federatedIdentityCredentials: StandIn = {
  typeName: 'Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials',
  label: 'federated identity credential',
  nameParam: 'federatedIdentityCredentialResourceName',
  itemPath: `${UAI_PATH}/federatedIdentityCredentials/{}`,
  lists: [{ path: `${UAI_PATH}/federatedIdentityCredentials`, scope: 'parent' }],
  parentId: (s: ProviderContext, req) => {
    const id = `/subscriptions/${req.params.subscriptionId}/resourceGroups/${req.params.resourceGroupName}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${req.params.resourceName}`;
    const found = loadResource(s, id);
    if (!found) throw new ArmError(404, 'ResourceNotFound', `The Resource 'Microsoft.ManagedIdentity/userAssignedIdentities/${req.params.resourceName}' under resource group '${req.params.resourceGroupName}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`);
    return found.id;
  },
  idOf: (parentId, name) => `${parentId}/federatedIdentityCredentials/${name}`,
  // The spec makes `properties` optional on the request but requires these in every answer.
  checkPut: (body) => {
    const p = (body.properties ?? {}) as Record<string, unknown>;
    for (const field of ['issuer', 'subject', 'audiences']) {
      if (p[field] === undefined) throw armErrors.invalidRequestContent(`Required property 'properties.${field}' not found in JSON`);
    }
  },
  located: false,
};
