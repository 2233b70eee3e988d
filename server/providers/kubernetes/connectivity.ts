/**
 * connectivityStatus, derived from stored facts at read time (never from timers), with
 * Azure's rules: Connecting until the first heartbeat; Connected while the last heartbeat is
 * at most --offline-after old (15 minutes); Offline after that; Expired once the managed
 * identity certificate has expired (that wins). Agentless kinds (AWS, GCP) read AgentNotInstalled.
 */
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
