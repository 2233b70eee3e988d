/**
 * A resource type, declared: the rules that make it what it is, from which the kit builds its
 * create, read, update, patch, delete, list, operation status and cascade once (lifecycle.ts).
 * A provider file declares one of these per type and registers it; what the specs say about
 * the type (which operations are long-running, write-only, create-only and read-only
 * properties, defaults, schemas per api-version) comes from the spec bundle (specFacts.ts), not
 * from the declaration: a declaration adds only what Azure does beyond the spec's marks.
 */
import type { ArmError } from './armErrors';
import type { ArmRequest } from './handlers';
import type { KitContext } from './context';
import type { StoredResource } from '../store/resources';
import type { Region } from '../spec/bundleTypes';
import type { AsyncStyle } from './operationStyles';
import type { JsonObject } from '../../protocol/json';

export type Props = JsonObject;

/** Where a resource lives, found from the request (and checked to exist where the ARM surface does not). */
export interface ParentRule<C extends KitContext> {
  parentId(ctx: C, req: ArmRequest): string;
  /** The resource's id under its parent (by default `{parent}/providers/{typeName}/{name}`). */
  idOf?(parentId: string, name: string): string;
}

/** Tracked resources have a location, chosen at creation from a region set. */
export interface LocationRule {
  /** A region set of the manifest (arcKubernetes, all, ...). */
  regionSet: string;
  unavailable(location: string, offered: readonly Region[]): ArmError;
  /** A PUT that names another location than the resource has. */
  moved(name: string, from: string, group: string, to: string): ArmError;
}

/** What a write knows while the type's rules run. */
export interface Write<C extends KitContext> {
  ctx: C;
  req: ArmRequest;
  id: string;
  name: string;
  previous?: StoredResource;
}

export interface ResourceType<C extends KitContext = KitContext> {
  /** `Microsoft.Kubernetes/connectedClusters`, as ids and bodies spell it. */
  typeName: string;
  /** How messages name one of them: "connected cluster", "Extension". */
  label: string;
  /** The spec's path of one resource; literal casing and parameter names do not matter. */
  itemPath: string;
  /** The path parameter that carries the name. */
  nameParam: string;
  /** The lists: their spec paths, and whether they list a parent's children or a subscription's. */
  lists: ReadonlyArray<{ path: string; scope: 'parent' | 'subscription' }>;
  parent: ParentRule<C>;
  /** Refuses a name Azure refuses (after the ARM surface has refused '/', '\' and control characters). */
  validateName(name: string): void;
  /** For resources with a location (and tags). */
  location?: LocationRule;
  /** Whether the generic /resources lists show them (default: when they have a location; resource groups do not). */
  tracked?: boolean;
  /** Whether bodies carry ARM's systemData (resource groups do not). */
  systemData?: boolean;
  /**
   * How long-running writes answer and are polled. Which writes run long is the spec's to say
   * (x-ms-long-running-operation); a type without a style answers every write at once.
   */
  asyncStyle?: AsyncStyle;
  /** Properties only the service or the cluster's agents set: ignored in requests, carried over across writes. */
  serviceSet: readonly string[];
  /**
   * Paths under `properties` of values Azure never returns though no served spec marks them
   * x-ms-secret (see writeOnly.ts); the marked ones are write-only anyway.
   */
  writeOnlyBeyondSpec?: readonly string[];
  /** What a body shows in place of write-only maps (`configurationProtectedSettings: {}`, as Azure answers). */
  writeOnlyPlaceholders?: Props;
  /** Paths under `properties` Azure fixes at creation though no served spec marks them create-only. */
  createOnlyBeyondSpec?: readonly string[];
  /**
   * Objects under `properties` every resource has (created empty when a write leaves them out),
   * so that the spec's defaults inside them apply.
   */
  defaultObjects?: readonly string[];
  /**
   * Whether a value a client sends back is unchanged, for create-only properties and for what a
   * PATCH may not change; `field` is its path from the body's root (`location`,
   * `properties.scope`). Default: equal as JSON, case-insensitively for create-only properties.
   */
  sameValue?(field: string, previous: unknown, next: unknown): boolean;
  /** Checks of a PUT body before anything is stored (e.g. a cluster's onboarding key). */
  checkPut?(body: Props, w: Write<C>): void;
  /** Azure's rules on the user's properties, once the spec's defaults are in (after a PATCH's merge too). */
  complete?(properties: Props, w: Write<C>): Props;
  /** The service-set state a new resource starts in. */
  initialState?(w: Write<C>): Props;
  /** Top-level fields besides id, name, type, location, tags, systemData and properties. */
  topLevel?(body: Props, w: Write<C>): Props;
  /**
   * The stored body as every read in `apiVersion` sees it (derived state, aliases and shapes of
   * older api-versions); `req` is the request that reads it (a template spec's `$expand`).
   */
  view?(stored: StoredResource, ctx: C, apiVersion: string, req?: ArmRequest): Props;
  /** A PATCH's effect, when it is not "tags replace, properties merge" (resource groups). */
  patch?(found: StoredResource, req: ArmRequest, ctx: C): Props;
  notFound(req: ArmRequest, name: string): ArmError;
  /** A write to a resource whose delete is running. */
  beingDeleted(name: string): ArmError;
  /** A DELETE of a resource that does not exist: 204 (Azure's default) or the type's 404. */
  deleteAbsent?: 'noContent' | 'notFound';
  /** A DELETE the request asks to be immediate (forceDelete=true): 200, no operation. */
  immediateDelete?(req: ArmRequest): boolean;
  /** Filters a list page by the request ($filter). */
  listFilter?(req: ArmRequest): ((r: StoredResource) => boolean) | undefined;
}
