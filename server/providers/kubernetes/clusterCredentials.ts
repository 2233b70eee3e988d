/**
 * POST listClusterUserCredential: a real kubeconfig for the cluster (base64 of its YAML, as
 * the SDKs decode `value`) and, with clientProxy, the hybrid connection the Azure CLI's proxy
 * would open. Azure Relay is not emulated: the relay names and SAS token are well-formed but
 * lead nowhere (see README).
 */
import { createHash, createHmac } from 'crypto';

export interface CredentialRequest {
  clusterId: string;
  clusterName: string;
  resourceGroup: string;
  location: string;
  principalId?: string;
  tenantId: string;
  authenticationMethod: 'AAD' | 'Token';
  clientProxy: boolean;
  caCertPem: string;
  nowMs: number;
}

/** The AAD server application id AKS-style kubeconfigs ask kubelogin for. */
const AAD_SERVER_APP_ID = '6dae42f8-4368-4678-94ff-3960e28e3630';
const PROXY_LIFETIME_SECONDS = 3 * 3600;

function kubeconfig(r: CredentialRequest, server: string): string {
  const user = `clusterUser_${r.resourceGroup}_${r.clusterName}`;
  const userEntry = r.authenticationMethod === 'AAD'
    ? [
      '    exec:',
      '      apiVersion: client.authentication.k8s.io/v1beta1',
      '      command: kubelogin',
      '      args:',
      '      - get-token',
      '      - --server-id',
      `      - ${AAD_SERVER_APP_ID}`,
      '      - --login',
      '      - azurecli',
      '      provideClusterInfo: false',
    ]
    : ['    {}'];
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '- cluster:',
    `    certificate-authority-data: ${Buffer.from(r.caCertPem).toString('base64')}`,
    `    server: ${server}`,
    `  name: ${r.clusterName}`,
    'contexts:',
    '- context:',
    `    cluster: ${r.clusterName}`,
    `    user: ${user}`,
    `  name: ${r.clusterName}`,
    `current-context: ${r.clusterName}`,
    'preferences: {}',
    'users:',
    `- name: ${user}`,
    '  user:',
    ...userEntry,
    '',
  ].join('\n');
}

export function clusterUserCredentials(r: CredentialRequest) {
  const clusterHash = createHash('sha256').update(r.clusterId.toLowerCase()).digest('hex');
  const issuedNs = `${r.nowMs}000000`;
  const hybridConnectionName = `microsoft.kubernetes/connectedclusters/${clusterHash}/${issuedNs}`;
  const server = r.clientProxy
    ? `https://127.0.0.1:47011/${r.clusterName}`
    : `https://${r.principalId ?? clusterHash.slice(0, 32)}.k8sproxysvc.connectrp.${r.location}.arclight.localhost`;
  const result: Record<string, unknown> = {
    kubeconfigs: [{ name: 'credentialName1', value: Buffer.from(kubeconfig(r, server)).toString('base64') }],
  };
  if (r.clientProxy) {
    const expirationTime = Math.floor(r.nowMs / 1000) + PROXY_LIFETIME_SECONDS;
    const relay = `azgnrelay-${r.location}-l1`;
    const resource = encodeURIComponent(`https://${relay}.servicebus.windows.net/${hybridConnectionName}`);
    const signature = createHmac('sha256', clusterHash).update(`${resource}\n${expirationTime}`).digest('base64');
    result.hybridConnectionConfig = {
      expirationTime,
      hybridConnectionName,
      relay,
      token: `SharedAccessSignature sr=${resource}&sig=${encodeURIComponent(signature)}&se=${expirationTime}&skn=listener`,
      relayTid: r.tenantId,
      relayType: 'azure',
    };
  }
  return result;
}
