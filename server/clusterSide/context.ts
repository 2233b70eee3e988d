/**
 * What the cluster side works with: the providers' context, the directory's principals (a
 * cluster's identity is registered with its certificate) and the token service (the data plane
 * recognises the cluster identity's tokens).
 */
import type { ProviderContext } from '../providers/context';
import type { Principals } from '../identity/principals';
import type { TokenService } from '../identity/tokenService';

export interface ClusterSideContext extends ProviderContext {
  principals: Principals;
  tokens: TokenService;
}
