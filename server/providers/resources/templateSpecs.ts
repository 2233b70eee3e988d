/**
 * Template specs (`Microsoft.Resources/templateSpecs`) and their versions, resource-group
 * resources that hold ARM templates for deployments to name by id (`templateLink.id`, see
 * server/surfaces/arm/deploymentContent.ts). Both are tracked resources with a location and
 * tags; writes complete at once (the spec has no long-running operation); a PATCH sets tags
 * only (the spec's update models have nothing else); a template spec's DELETE takes its
 * versions with it. The built-in template specs of 2022-02-01 (Azure's own catalog, read-only)
 * are refused: Arclight has no catalog of them. See README, "Template deployments".
 */
import { ArmError, armErrors } from '../../kit/armErrors';
import type { ProviderContext } from '../context';
import { resourceGroupId } from '../../kit/resourceIds';
import { registerResourceType } from '../../kit/lifecycle';
import { listOfType, loadResource } from '../../kit/resources';
import type { Props, ResourceType } from '../../kit/resourceType';
import type { ArmRequest } from '../../kit/handlers';
import type { StoredResource } from '../../store/resources';

const SPEC_TYPE = 'Microsoft.Resources/templateSpecs';
const VERSION_TYPE = `${SPEC_TYPE}/versions`;
const GROUP = '/subscriptions/{}/resourceGroups/{}/providers';
const SPEC_PATH = `${GROUP}/${SPEC_TYPE}/{}`;

export const TEMPLATE_SPEC_VERSION_TYPE = VERSION_TYPE.toLowerCase();

const templateSpecId = (req: ArmRequest) =>
  `${resourceGroupId(req.params.subscriptionId, req.params.resourceGroupName)}/providers/${SPEC_TYPE}/${req.params.templateSpecName}`;

const located = {
  regionSet: 'all',
  unavailable: (location: string, offered: readonly { name: string }[]) => armErrors.locationNotAvailable(location, SPEC_TYPE, offered.map((r) => r.name)),
  moved: armErrors.invalidResourceLocation,
};

/** `$expand=versions`: each version's description and times, by name (what the spec's TemplateSpecVersionInfo holds). */
function versionsOf(s: ProviderContext, spec: StoredResource): Props {
  const versions: Props = {};
  for (let after = ''; ;) {
    const page = listOfType(s, TEMPLATE_SPEC_VERSION_TYPE, { parentId: spec.id }, after, 1000);
    for (const v of page.items) {
      const info: Props = { timeCreated: v.body.systemData?.createdAt, timeModified: v.body.systemData?.lastModifiedAt };
      if (typeof v.body.properties?.description === 'string') info.description = v.body.properties.description;
      versions[String(v.body.name)] = info;
    }
    if (!page.continueAfter) return versions;
    after = page.continueAfter;
  }
}

const templateSpecs: ResourceType<ProviderContext> = {
  typeName: SPEC_TYPE,
  label: 'template spec',
  itemPath: SPEC_PATH,
  nameParam: 'templateSpecName',
  lists: [
    { path: `${GROUP}/${SPEC_TYPE}`, scope: 'parent' },
    { path: `/subscriptions/{}/providers/${SPEC_TYPE}`, scope: 'subscription' },
  ],
  parent: { parentId: (_s, req) => resourceGroupId(req.params.subscriptionId, req.params.resourceGroupName) },
  validateName: () => undefined,
  location: located,
  serviceSet: ['versions'],
  view: (stored, s, _apiVersion, req) => {
    if (req?.query.$expand?.toLowerCase() !== 'versions') return stored.body;
    return Object.assign({}, stored.body, { properties: Object.assign({}, stored.body.properties, { versions: versionsOf(s, stored) }) });
  },
  notFound: (req, name) => armErrors.resourceNotFound(`${SPEC_TYPE}/${name}`, req.params.resourceGroupName),
  beingDeleted: (name) => armErrors.parentResourceBeingDeleted(name),
};

const versions: ResourceType<ProviderContext> = {
  typeName: VERSION_TYPE,
  label: 'template spec version',
  itemPath: `${SPEC_PATH}/versions/{}`,
  nameParam: 'templateSpecVersion',
  lists: [{ path: `${SPEC_PATH}/versions`, scope: 'parent' }],
  parent: {
    // A version lives in its template spec, which must exist (the kit has checked the group).
    parentId: (s, req) => {
      const spec = loadResource(s, templateSpecId(req));
      if (!spec) throw armErrors.resourceNotFound(`${SPEC_TYPE}/${req.params.templateSpecName}`, req.params.resourceGroupName);
      return spec.id;
    },
    idOf: (parentId, name) => `${parentId}/versions/${name}`,
  },
  validateName: () => undefined,
  location: located,
  serviceSet: [],
  // The spec: "It must match the location of the parent Template Spec." (code and words Arclight's).
  checkPut: (body, w) => {
    const spec = loadResource(w.ctx, templateSpecId(w.req))!;
    const location = w.ctx.regions.resolve(String(body.location ?? ''))?.name;
    if (location && location !== spec.body.location) {
      throw new ArmError(400, 'InvalidLocation',
        `The location '${String(body.location)}' of template spec version '${w.name}' must match the location '${String(spec.body.location)}' of its template spec '${String(spec.body.name)}'.`,
        { target: 'location' });
    }
  },
  notFound: (req, name) => armErrors.resourceNotFound(`${VERSION_TYPE}/${req.params.templateSpecName}/${name}`, req.params.resourceGroupName),
  beingDeleted: (name) => armErrors.parentResourceBeingDeleted(name),
};

export function registerTemplateSpecs(s: ProviderContext): void {
  registerResourceType(s, templateSpecs);
  registerResourceType(s, versions);
  const builtIn = 'Arclight has no catalog of Azure\'s built-in template specs';
  s.handlers.refuse('GET', '/providers/Microsoft.Resources/builtInTemplateSpecs', builtIn);
  s.handlers.refuse('GET', '/providers/Microsoft.Resources/builtInTemplateSpecs/{}', builtIn);
  s.handlers.refuse('GET', '/providers/Microsoft.Resources/builtInTemplateSpecs/{}/versions', builtIn);
  s.handlers.refuse('GET', '/providers/Microsoft.Resources/builtInTemplateSpecs/{}/versions/{}', builtIn);
}
