/**
 * Microsoft.KubernetesConfiguration/extensions: Helm-packaged cluster extensions.
 *
 * The spec's defaults (autoUpgradeMinorVersion true, releaseTrain Stable) and Azure's: cluster
 * scope, isSystemExtension false. `version` only with autoUpgradeMinorVersion false; one scope
 * only, and a namespace scope names its targetNamespace. extensionType and scope are fixed at
 * creation (Azure's rule; the specs do not mark them). currentVersion and statuses are the agents' to report (null and [] until then).
 */
import { randomUUID } from 'crypto';
import type { ConfigurationType } from './configurationResources';
import { requireConfigurationName, requireNamespace, validationFailed } from './validation';
import { isArray, isObject, isString, oneOf } from '../../kit/valueChecks';
import type { JsonObject } from '../../../protocol/json';

type Props = JsonObject;

export const extensions: ConfigurationType = {
  collection: 'extensions',
  nameParam: 'extensionName',
  label: 'Extension',
  longRunning: true,
  reported: ['currentVersion', 'statuses', 'errorInfo', 'customLocationSettings', 'packageUri', 'isSystemExtension', 'extensionState', 'managementDetails', 'additionalDetails'],
  createOnlyBeyondSpec: ['extensionType', 'scope'],

  validateName: (name) => requireConfigurationName('extension', name),

  complete(p, name) {
    if (typeof p.extensionType !== 'string' || p.extensionType.trim() === '') {
      throw validationFailed("The property 'properties.extensionType' is required.", 'properties.extensionType');
    }
    if (p.autoUpgradeMinorVersion && typeof p.version === 'string' && p.version !== '') {
      throw validationFailed("The property 'properties.version' can only be set when 'properties.autoUpgradeMinorVersion' is false.", 'properties.version');
    }
    return { ...p, scope: scopeOf(p.scope, name) };
  },

  initialState: () => ({ currentVersion: null, statuses: [], isSystemExtension: false }),

  agentReports: new Map([
    ['provisioningState', oneOf('Succeeded', 'Failed')],
    ['currentVersion', isString],
    ['statuses', isArray],
    ['errorInfo', isObject],
  ]),

  topLevel(request, previous, tenantId) {
    const out: Props = {};
    if (request.identity?.type === 'SystemAssigned') {
      out.identity = { principalId: previous?.identity?.principalId ?? randomUUID(), tenantId, type: 'SystemAssigned' };
    }
    if (request.plan) out.plan = request.plan;
    // managedBy is set when the extension is created (mutability read, create).
    const managedBy = previous ? previous.managedBy : request.managedBy;
    if (managedBy) out.managedBy = managedBy;
    return out;
  },

  // 2022-03-01 and 2022-07-01 call currentVersion installedVersion; 2020-07-01-preview has the
  // creation and modification times in properties (what systemData holds in later versions).
  view: (body) => ({
    ...body,
    properties: {
      ...body.properties,
      installedVersion: body.properties?.currentVersion ?? null,
      creationTime: body.systemData?.createdAt,
      lastModifiedTime: body.systemData?.lastModifiedAt,
    },
  }),
};

/**
 * Exactly one scope. Without one, the extension is cluster-scoped and released into a namespace
 * named after it (Arclight's choice: Azure takes the default from the extension type).
 */
function scopeOf(scope: Props | undefined, name: string): Props {
  if (scope?.cluster && scope?.namespace) {
    throw validationFailed("Only one of 'properties.scope.cluster' and 'properties.scope.namespace' can be set.", 'properties.scope');
  }
  if (scope?.namespace) {
    if (scope.namespace.targetNamespace === undefined) {
      throw validationFailed("A namespace-scoped extension needs 'properties.scope.namespace.targetNamespace'.", 'properties.scope.namespace.targetNamespace');
    }
    requireNamespace('properties.scope.namespace.targetNamespace', scope.namespace.targetNamespace);
    return { namespace: { targetNamespace: scope.namespace.targetNamespace } };
  }
  const releaseNamespace = scope?.cluster?.releaseNamespace ?? name.toLowerCase().replace(/[^a-z0-9-]/g, '-').slice(0, 63).replace(/-+$/, '');
  requireNamespace('properties.scope.cluster.releaseNamespace', releaseNamespace);
  return { cluster: { releaseNamespace } };
}
