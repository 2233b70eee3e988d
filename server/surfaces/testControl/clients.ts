/**
 * The programmatic face of the directory and snapshot endpoints, on the object startArclight()
 * (and createArclight()) returns: the same calls, the same answers and the same errors
 * (ArmError, with the status and code the endpoint would answer), without HTTP in between.
 */
import type {
  CreatedManagedIdentity, CreatedServicePrincipal, CreatedSubscription, CreatedTenant, CreateManagedIdentity,
  CreateServicePrincipal, CreateSubscription, CreateTenant, DirectoryAdmin,
} from '../../identity/directoryAdmin';
import type { SnapshotInfo, SnapshotStore } from '../../store/snapshots';
import { snapshotCall } from './snapshotControl';

export interface DirectoryClient {
  createTenant(options?: CreateTenant): Promise<CreatedTenant>;
  deleteTenant(tenantId: string): Promise<void>;
  /** A subscription (Arc providers registered) with a service principal that alone may reach it. */
  createSubscription(options?: CreateSubscription): Promise<CreatedSubscription>;
  deleteSubscription(subscriptionId: string): Promise<void>;
  createServicePrincipal(options?: CreateServicePrincipal): Promise<CreatedServicePrincipal>;
  deleteServicePrincipal(clientId: string): Promise<void>;
  createManagedIdentity(options?: CreateManagedIdentity): Promise<CreatedManagedIdentity>;
  deleteManagedIdentity(clientId: string): Promise<void>;
}

export interface SnapshotClient {
  save(name: string): Promise<SnapshotInfo>;
  restore(name: string): Promise<void>;
  list(): Promise<SnapshotInfo[]>;
  delete(name: string): Promise<void>;
  /** The snapshot as a file (an SQLite database), for import elsewhere or --snapshot. */
  export(name: string): Promise<Buffer>;
  import(name: string, file: Buffer): Promise<SnapshotInfo>;
}

/** `baseUrl` names the token endpoints in the answers (the listening URL, or --public-url). */
export function directoryClient(admin: DirectoryAdmin, baseUrl: () => string): DirectoryClient {
  return {
    createTenant: async (o = {}) => admin.createTenant(o, baseUrl()),
    deleteTenant: async (id) => admin.deleteTenant(id),
    createSubscription: async (o = {}) => admin.createSubscription(o, baseUrl()),
    deleteSubscription: async (id) => admin.deleteSubscription(id),
    createServicePrincipal: async (o = {}) => admin.createServicePrincipal(o, baseUrl()),
    deleteServicePrincipal: async (id) => admin.deletePrincipal(id, 'ServicePrincipal'),
    createManagedIdentity: async (o = {}) => admin.createManagedIdentity(o, baseUrl()),
    deleteManagedIdentity: async (id) => admin.deletePrincipal(id, 'ManagedIdentity'),
  };
}

export function snapshotClient(snapshots: SnapshotStore): SnapshotClient {
  return {
    save: async (name) => snapshotCall(() => snapshots.save(name)),
    restore: async (name) => snapshotCall(() => snapshots.restore(name)),
    list: async () => snapshots.list(),
    delete: async (name) => snapshotCall(() => snapshots.delete(name)),
    export: async (name) => snapshotCall(() => snapshots.export(name)),
    import: async (name, file) => snapshotCall(() => snapshots.import(name, file)),
  };
}
