/**
 * Microsoft.KubernetesConfiguration/sourceControlConfigurations: GitOps with Flux v1 (retired
 * by Azure, still served by the API). Writes are synchronous: PUT answers 201/200 with
 * provisioningState Succeeded and DELETE 200/204. A new configuration reads as Azure's did:
 * complianceState Pending, lastConfigApplied 0001-01-01, an empty repositoryPublicKey.
 * The operator's namespace, instance name and scope are fixed at creation, and the protected
 * settings never read back (Azure's rules; the specs mark neither).
 */
import type { ConfigurationType } from './configurationResources';
import { requireConfigurationName, requireGitUrl } from './validation';
import { isObject, isString } from '../../kit/valueChecks';

export const sourceControlConfigurations: ConfigurationType = {
  collection: 'sourceControlConfigurations',
  nameParam: 'sourceControlConfigurationName',
  label: 'SourceControlConfiguration',
  longRunning: false,
  writeOnlyBeyondSpec: ['configurationProtectedSettings'],
  reported: ['repositoryPublicKey', 'complianceStatus'],
  createOnlyBeyondSpec: ['operatorNamespace', 'operatorInstanceName', 'operatorScope'],

  validateName: (name) => requireConfigurationName('source control configuration', name),

  complete(p, name) {
    requireGitUrl('properties.repositoryUrl', p.repositoryUrl);
    return {
      ...p,
      operatorInstanceName: p.operatorInstanceName ?? name,
      operatorType: p.operatorType ?? 'Flux',
      enableHelmOperator: p.enableHelmOperator ?? false,
    };
  },

  agentReports: new Map([
    ['complianceStatus', isObject],
    ['repositoryPublicKey', isString],
  ]),

  initialState: () => ({
    repositoryPublicKey: '',
    complianceStatus: {
      complianceState: 'Pending',
      lastConfigApplied: '0001-01-01T00:00:00+00:00',
      message: '{"OperatorMessage":null,"ClusterState":null}',
      messageLevel: 'Information',
    },
  }),
};
