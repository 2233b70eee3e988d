/**
 * One declaration builder for the neighbour resources Arc automation creates in other
 * providers (Log Analytics workspaces, Container Insights solutions, data collection rules and
 * their associations, user-assigned identities, role assignments): each is a row of a small
 * table, and this turns a row into a resource-type declaration for the kit. The kit gives every
 * one the same stateful lifecycle: PUT (validated by the vendored spec), GET, PATCH where the
 * spec has it, DELETE, the lists, and cascade with whatever holds it (its resource group, its
 * scope). Writes complete at once (Succeeded in the PUT's answer, no operation to poll), as
 * Arclight has nothing to wait for. What a row does not say is the kit's default.
 */
import { ArmError, armErrors } from '../../kit/armErrors';
import type { ProviderContext } from '../context';
import { resourceGroupId } from '../../kit/resourceIds';
import type { Props, ResourceType, Write } from '../../kit/resourceType';
import type { ArmRequest } from '../../kit/handlers';
import type { StoredResource } from '../../store/resources';

export interface StandIn {
  /** `Microsoft.OperationalInsights/workspaces`. */
  typeName: string;
  /** How messages name one: "workspace". */
  label: string;
  /** The spec's path parameter of the name. */
  nameParam: string;
  /**
   * The spec's path of one resource; by default the resource group's
   * `/subscriptions/{}/resourceGroups/{}/providers/{typeName}/{}`.
   */
  itemPath?: string;
  /** The lists; by default the resource group's and the subscription's of a group-level type. */
  lists?: ReadonlyArray<{ path: string; scope: 'parent' | 'subscription' }>;
  /** Where it lives; by default its resource group (which the ARM surface has checked exists). */
  parentId?(s: ProviderContext, req: ArmRequest): string;
  /** Its id under its parent, when that is not `{parent}/providers/{typeName}/{name}` (a child type). */
  idOf?(parentId: string, name: string): string;
  /** Refuses a name Azure refuses beyond the spec's pattern (default: the spec's pattern only). */
  validateName?(name: string): void;
  /** Tracked resources have a location from the `all` region set, and tags (default true). */
  located?: boolean;
  /** Whether bodies carry systemData (default true). */
  systemData?: boolean;
  /** Properties only the service sets. */
  serviceSet?: readonly string[];
  /** The service-set state a new one starts in (a workspace's customerId, an identity's ids). */
  initialState?(w: Write<ProviderContext>): Props;
  /** Azure's defaults and rules beyond the spec on the user's properties. */
  complete?(properties: Props, w: Write<ProviderContext>): Props;
  /** Checks of a PUT body before anything is stored. */
  checkPut?(body: Props, w: Write<ProviderContext>): void;
  /** The stored body as reads in `apiVersion` see it. */
  view?(stored: StoredResource, s: ProviderContext, apiVersion: string): Props;
  /** Its 404 (default: ARM's ResourceNotFound naming the group). */
  notFound?(req: ArmRequest, name: string): ArmError;
  /** Filters its lists by the request ($filter). */
  listFilter?(req: ArmRequest): ((r: StoredResource) => boolean) | undefined;
}

const GROUP_ITEMS = '/subscriptions/{}/resourceGroups/{}/providers';

/** The kit's declaration of one neighbour type. */
export function standInType(row: StandIn): ResourceType<ProviderContext> {
  const located = row.located ?? true;
  const collection = `${GROUP_ITEMS}/${row.typeName}`;
  return {
    typeName: row.typeName,
    label: row.label,
    itemPath: row.itemPath ?? `${collection}/{}`,
    nameParam: row.nameParam,
    lists: row.lists ?? [
      { path: collection, scope: 'parent' },
      { path: `/subscriptions/{}/providers/${row.typeName}`, scope: 'subscription' },
    ],
    parent: { parentId: row.parentId ?? ((_s, req) => resourceGroupId(req.params.subscriptionId, req.params.resourceGroupName)), idOf: row.idOf },
    validateName: row.validateName ?? (() => undefined),
    location: located
      ? {
        regionSet: 'all',
        unavailable: (location, offered) => armErrors.locationNotAvailable(location, row.typeName, offered.map((r) => r.name)),
        moved: armErrors.invalidResourceLocation,
      }
      : undefined,
    tracked: located,
    systemData: row.systemData,
    serviceSet: row.serviceSet ?? [],
    initialState: row.initialState,
    complete: row.complete,
    checkPut: row.checkPut,
    // Top-level fields the spec defines besides properties (a solution's plan, a rule's kind
    // and identity) are kept as sent: the request has been projected onto the spec's schema.
    topLevel: ({ id: _id, name: _name, type: _type, location: _location, tags: _tags, properties: _properties, systemData: _systemData, ...rest }) => rest,
    view: row.view,
    notFound: row.notFound ?? ((req, name) => armErrors.resourceNotFound(`${row.typeName}/${name}`, req.params.resourceGroupName ?? '')),
    beingDeleted: (name) => armErrors.parentResourceBeingDeleted(name),
    listFilter: row.listFilter,
  };
}
