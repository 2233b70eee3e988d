/**
 * `GET /subscriptions/{s}/resources` and `.../resourceGroups/{g}/resources`: every tracked
 * resource (those with a location), as `az resource list` reads them, with ARM's $filter
 * properties and `$expand=createdTime,changedTime,provisioningState`.
 */
import type { ProviderContext } from '../context';
import type { ArmRequest } from '../../kit/handlers';
import type { StoredResource } from '../../store/resources';
import { compileFilter } from '../../kit/odataFilter';
import { filteredPage, listBody, nextLink, pageRequest } from '../../kit/paging';

const FILTERABLE = ['location', 'resourcetype', 'name', 'resourcegroup', 'tagname', 'tagvalue', 'identity', 'identity/principalid', 'kind'];

/** The resource group name as written in the resource's id. */
function groupOf(r: StoredResource): string | undefined {
  return /\/resourcegroups\/([^/]+)/i.exec(r.id)?.[1];
}

function genericView(r: StoredResource, expand: Set<string>) {
  const b = r.body;
  return {
    id: b.id,
    name: b.name,
    type: b.type,
    ...(b.sku ? { sku: b.sku } : {}),
    ...(b.kind ? { kind: b.kind } : {}),
    ...(b.managedBy ? { managedBy: b.managedBy } : {}),
    location: b.location,
    ...(b.identity ? { identity: b.identity } : {}),
    ...(b.tags ? { tags: b.tags } : {}),
    ...(b.plan ? { plan: b.plan } : {}),
    ...(expand.has('createdtime') ? { createdTime: new Date(r.createdAt).toISOString() } : {}),
    ...(expand.has('changedtime') ? { changedTime: new Date(r.updatedAt).toISOString() } : {}),
    ...(expand.has('provisioningstate') && b.properties?.provisioningState ? { provisioningState: b.properties.provisioningState } : {}),
  };
}

export function registerGenericResources(s: ProviderContext): void {
  const list = (req: ArmRequest) => {
    const filter = compileFilter(req.query.$filter, FILTERABLE);
    const expand = new Set((req.query.$expand ?? '').split(',').map((e) => e.trim().toLowerCase()).filter(Boolean));
    const group = req.params.resourceGroupName?.toLowerCase();
    const page = filteredPage(
      (after, limit) => s.store.resources.tracked(req.params.subscriptionId.toLowerCase(), group, after, limit),
      (r) => !filter || filter({
        tags: r.body.tags,
        get: (prop) => {
          switch (prop) {
            case 'resourcetype': return r.body.type;
            case 'resourcegroup': return groupOf(r);
            case 'identity': return r.body.identity?.type;
            case 'identity/principalid': return r.body.identity?.principalId;
            default: return r.body[prop];
          }
        },
      }),
      pageRequest(req, s.config.pageSize),
    );
    return { status: 200, body: listBody(page.items.map((r) => genericView(r, expand)), nextLink(req, page)) };
  };
  s.handlers.on('GET', '/subscriptions/{subscriptionId}/resources', list);
  s.handlers.on('GET', '/subscriptions/{subscriptionId}/resourcegroups/{resourceGroupName}/resources', list);
}
