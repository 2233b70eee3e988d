/**
 * What resource providers work with: the kit's context, the certificate authority (a cluster's
 * user credentials name it), the agents' live facts (see kubernetes/connectivity.ts) and the
 * extension type catalog.
 */
import type { KitContext } from '../kit/context';
import type { CertificateAuthority } from '../pki/certificateAuthority';
import type { LiveAgentFacts } from './kubernetes/connectivity';
import type { ExtensionTypeCatalog } from './kubernetesConfiguration/extensionTypeCatalog';

export interface ProviderContext extends KitContext {
  ca: CertificateAuthority;
  liveAgents: LiveAgentFacts;
  /** The extension types Microsoft.KubernetesConfiguration offers (built-in, extended by --extension-types). */
  extensionTypes: ExtensionTypeCatalog;
}
