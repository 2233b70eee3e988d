/**
 * Microsoft.KubernetesConfiguration/extensions: Helm-packaged cluster extensions.
 *
 * Defaults as Azure applies them: the spec's (autoUpgradeMinorVersion true, releaseTrain
 * Stable) and, from the extension's type (extensionDefaults.ts, the catalog in
 * extensionTypeCatalog.ts), its scope and release namespace, the version the release train
 * resolves to (a version sent without autoUpgradeMinorVersion pins it) and isSystemExtension.
 * One scope only, and a namespace scope names its targetNamespace. extensionType and scope are
 * fixed at creation (Azure's rule; the specs do not mark them). currentVersion and statuses are
 * the agents' to report (null and [] until then).
 */
import { randomUUID } from 'crypto';
import type { ConfigurationType } from './configurationResources';
import { requireConfigurationName, validationFailed } from './validation';
import { completeExtension, isSystemExtensionType } from './extensionDefaults';
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

  complete(p, name, w) {
    if (typeof p.extensionType !== 'string' || p.extensionType.trim() === '') {
      throw validationFailed("The property 'properties.extensionType' is required.", 'properties.extensionType');
    }
    return completeExtension(p, name, w);
  },

  initialState: (w) => ({ currentVersion: null, statuses: [], isSystemExtension: isSystemExtensionType(w.ctx, w.req.body?.properties?.extensionType) }),

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
