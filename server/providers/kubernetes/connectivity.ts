/**
 * connectivityStatus, derived from stored facts at read time (never from timers), with
 * Azure's rules: Connecting until the first heartbeat; Connected while the last heartbeat is
 * at most --offline-after old (15 minutes); Offline after that; Expired once the managed
 * identity certificate has expired (that wins). Agentless kinds (AWS, GCP) read AgentNotInstalled.
 */
import type { JsonObject } from '../../../protocol/json';
export type ConnectivityStatus = 'Connecting' | 'Connected' | 'Offline' | 'Expired' | 'AgentNotInstalled';

export const AGENTLESS_KINDS = new Set(['aws', 'gcp']);

export interface ConnectivityFacts {
  kind?: string;
  lastConnectivityTime?: string | null;
  managedIdentityCertificateExpirationTime?: string | null;
}

export function connectivityStatus(facts: ConnectivityFacts, nowMs: number, offlineAfterSeconds: number): ConnectivityStatus {
  const expiry = facts.managedIdentityCertificateExpirationTime ? Date.parse(facts.managedIdentityCertificateExpirationTime) : NaN;
  if (!Number.isNaN(expiry) && expiry <= nowMs) return 'Expired';
  if (facts.kind && AGENTLESS_KINDS.has(facts.kind.toLowerCase())) return 'AgentNotInstalled';
  const last = facts.lastConnectivityTime ? Date.parse(facts.lastConnectivityTime) : NaN;
  if (Number.isNaN(last)) return 'Connecting';
  return nowMs - last <= offlineAfterSeconds * 1000 ? 'Connected' : 'Offline';
}

/**
 * Agent facts kept current without a stored write for each heartbeat: Arclight's simulated
 * agents, while they run, have heartbeated "now" at every read (see server/simulator). Real
 * agents store what they report, so for their clusters this adds nothing. The simulator
 * implements it; connected clusters read through it without knowing who answers.
 */
export interface LiveAgentFacts {
  /** The agent fields an online cluster's agents have kept current until now, or undefined. */
  current(cluster: Readonly<JsonObject>): Record<string, unknown> | undefined;
}
