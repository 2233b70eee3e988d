/**
 * The parts of a running Arclight every layer reaches through one object. Built once by
 * createArclight(); nothing here is a global.
 */
import type { ArclightConfig } from './core/config';
import type { Clock } from './core/clock';
import type { Logger } from './core/log';
import type { Store } from './store';
import type { SpecCatalog } from './spec/specCatalog';
import type { Definition, ArmOperation } from './spec/definitions';
import type { RegionCatalog } from './kit/regions';
import type { AsyncOperations } from './kit/asyncOperations';
import type { HandlerRegistry } from './kit/handlers';
import type { ArmAuthenticator } from './identity/armAuthentication';
import type { CertificateAuthority } from './pki/certificateAuthority';
import type { SimulatedAgents } from './simulator/simulatedAgents';
import type { Principals } from './identity/principals';
import type { TokenService } from './identity/tokenService';

/** A rendered ARM response, offered to the test suite's response-schema check. */
export interface RenderedResponse {
  definition: Definition;
  operation: ArmOperation;
  status: number;
  schemaStatus?: string;
  body: unknown;
}

export interface Services {
  config: ArclightConfig;
  clock: Clock;
  logger: Logger;
  store: Store;
  catalog: SpecCatalog;
  regions: RegionCatalog;
  operations: AsyncOperations;
  handlers: HandlerRegistry;
  auth: ArmAuthenticator;
  ca: CertificateAuthority;
  /** Service principals and managed identities (add a cluster's identity with putManagedIdentity). */
  principals: Principals;
  /** Issues Arclight's access tokens and recognises them for ARM. */
  tokens: TokenService;
  /** Arclight playing clusters' agents (--agents simulated, or /_arclight/clusters/{id}/connect). */
  agents: SimulatedAgents;
  defaults: { tenantId: string; subscriptionId: string; clientId: string };
  /** Set by the test suite to validate every ARM response against the spec. */
  onArmResponse?: (response: RenderedResponse) => void;
}
