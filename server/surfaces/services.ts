/**
 * Everything the surfaces (test control, Entra, the cluster side, ARM) reach: the cluster side's
 * context, ARM's bearer-token check, the simulated agents' controls, and the test suite's hook
 * on rendered ARM responses. Built once by the composition root; nothing here is a global.
 */
import type { ClusterSideContext } from '../clusterSide/context';
import type { ArmAuthenticator } from '../identity/armAuthentication';
import type { RoleAuthorizer } from '../identity/roleAuthorizer';
import type { ArmOperation, Definition } from '../spec/definitions';
import type { SimulatedAgentControl } from './testControl/simulatedAgentControl';
import type { FaultRules } from '../kit/faults/faultRules';
import type { ArmThrottle } from '../kit/throttling';
import type { RequestJournal } from '../platform/requestJournal';
import type { EventStream } from '../platform/eventStream';
import type { ConnectivityTimeline } from '../platform/connectivityTimeline';
import type { DirectoryAdmin } from '../identity/directoryAdmin';
import type { SnapshotStore } from '../store/snapshots';

/** A rendered ARM response, offered to the test suite's response-schema check. */
export interface RenderedResponse {
  definition: Definition;
  operation: ArmOperation;
  status: number;
  schemaStatus?: string;
  body: unknown;
}

export interface Services extends ClusterSideContext {
  auth: ArmAuthenticator;
  /** --rbac enforce: the role check of the ARM pipeline; absent when off (one check per request). */
  rbac?: RoleAuthorizer;
  /** Arclight playing clusters' agents on request (/_arclight/clusters/{id}/connect ...). */
  agentControl: SimulatedAgentControl;
  /** The fault rules of /_arclight/faults (matched by the gateway's fault stage). */
  faults: FaultRules;
  /** ARM's token buckets (the gateway's throttling stage). */
  throttle: ArmThrottle;
  /** The last requests, for GET /_arclight/requests and arclight.requests. */
  journal: RequestJournal;
  /** What changed, told to /_arclight/events and arclight.events once it is committed. */
  eventStream: EventStream;
  /** Each cluster's connectivity over time, for the dashboard (/_arclight/connectivity). */
  connectivityTimeline: ConnectivityTimeline;
  /** Tenants, subscriptions and principals made at run time (/_arclight/directory). */
  directoryAdmin: DirectoryAdmin;
  /** Named snapshots of the whole state (/_arclight/snapshots). */
  snapshots: SnapshotStore;
  /** Set by the test suite to validate every ARM response against the spec. */
  onArmResponse?: (response: RenderedResponse) => void;
}
