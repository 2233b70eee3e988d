/** Shortcuts for Microsoft.KubernetesConfiguration tests: paths and request bodies. */
import { clusterPath } from './clusters';

export const EXTENSION_VERSIONS = ['2022-03-01', '2022-07-01', '2022-11-01', '2023-05-01', '2024-11-01', '2025-03-01'];
export const FLUX_VERSIONS = ['2022-03-01', '2022-07-01', '2022-11-01', '2023-05-01', '2024-04-01-preview', '2024-11-01', '2025-04-01', '2026-07-01-preview'];
export const SOURCE_CONTROL_VERSIONS = ['2022-03-01', '2022-07-01', '2022-11-01', '2023-05-01', '2024-11-01'];

export const configPath = (group: string, cluster: string, collection: string, name?: string) =>
  `${clusterPath(group, cluster)}/providers/Microsoft.KubernetesConfiguration/${collection}${name ? `/${name}` : ''}`;

export function extensionBody(properties: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) {
  return {
    ...extra,
    properties: {
      extensionType: 'microsoft.azuremonitor.containers',
      configurationSettings: { 'logAnalytics.workspace': 'ws1' },
      configurationProtectedSettings: { 'omsagent.secret.key': 'extension-secret-value' },
      ...properties,
    },
  };
}

export function fluxBody(properties: Record<string, unknown> = {}) {
  return {
    properties: {
      gitRepository: { url: 'https://github.com/Azure/arc-k8s-demo', repositoryRef: { branch: 'main' } },
      kustomizations: { infra: { path: './infrastructure' }, apps: { path: './apps', dependsOn: ['infra'] } },
      configurationProtectedSettings: { httpsKey: 'Zmx1eC1zZWNyZXQtdmFsdWU=' },
      ...properties,
    },
  };
}

export function sourceControlBody(properties: Record<string, unknown> = {}) {
  return {
    properties: {
      repositoryUrl: 'git@github.com:Azure/arc-k8s-demo.git',
      operatorParams: '--git-readonly',
      configurationProtectedSettings: { sshPrivateKey: 'c2NjLXNlY3JldC12YWx1ZQ==' },
      ...properties,
    },
  };
}

/** Secret values the bodies above carry: none may appear in any response or log. */
export const SECRET_VALUES = ['extension-secret-value', 'Zmx1eC1zZWNyZXQtdmFsdWU=', 'c2NjLXNlY3JldC12YWx1ZQ=='];
