import type { StoredResource } from '../../store/resources';

/** What test control asks of the simulated agents (server/simulator implements it). */
export interface SimulatedAgentControl {
  /** The cluster's agents come online (certificate, heartbeat, every configuration reported). */
  connect(cluster: StoredResource): StoredResource;
  /** They stop: what they reported stays, and ages. */
  disconnect(cluster: StoredResource): StoredResource;
  /** They report `config` failed with `message` until called with undefined. */
  setFailure(config: StoredResource, message: string | undefined): StoredResource;
}
