/**
 * What the SDK-driven bench rows share: a credential with the bench's token, an https agent
 * that trusts the server's CA, the SDK options pointing at it, the Arc clients, and a real
 * agent public key for cluster creates.
 */
import { generateKeyPairSync } from 'crypto';
import * as https from 'https';
import { ConnectedKubernetesClient } from '@azure/arm-hybridkubernetes';
import { SourceControlConfigurationClient } from '@azure/arm-kubernetesconfiguration';
import type { ServerUnderTest } from './processes';
import { benchToken, SUBSCRIPTION } from './scenarios';

export function sdkClients(server: ServerUnderTest) {
  const token = benchToken();
  const credential = { getToken: async () => ({ token, expiresOnTimestamp: Date.now() + 3600_000 }) };
  const agent = new https.Agent({ ca: server.ca, keepAlive: true });
  const options = { endpoint: server.origin, agent };
  return {
    credential,
    agent,
    options,
    clusters: new ConnectedKubernetesClient(credential, SUBSCRIPTION, options),
    config: new SourceControlConfigurationClient(credential, SUBSCRIPTION, options),
    agentKey: (generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'pkcs1', format: 'der' }) as Buffer).toString('base64'),
  };
}
