/**
 * What resource providers work with: the kit's context, the certificate authority (a cluster's
 * user credentials name it), and the agents' live facts (see kubernetes/connectivity.ts).
 */
import type { KitContext } from '../kit/context';
import type { CertificateAuthority } from '../pki/certificateAuthority';
import type { LiveAgentFacts } from './kubernetes/connectivity';

export interface ProviderContext extends KitContext {
  ca: CertificateAuthority;
  liveAgents: LiveAgentFacts;
}
