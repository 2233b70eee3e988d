/**
 * What creating (or updating) an extension derives from its type, as Azure's resource provider
 * does: the type must be registered in the cluster's region and offered for its kind of cluster;
 * the scope defaults to the type's (and must be one the type allows), a cluster scope's release
 * namespace to the type's (microsoft.flux: flux-system, whatever the extension is called); the
 * release train (Stable unless named) resolves to the version installed: its newest version
 * while autoUpgradeMinorVersion is true (a `version` sent with it must be on the train: it is where
 * the upgrades start), else the pinned `version`, which must be on the train.
 * A `version` sent without autoUpgradeMinorVersion pins it (autoUpgradeMinorVersion false), as
 * Azure answers (test_k8s_extension.yaml: microsoft.dapr with version 1.6.0).
 *
 * Azure's codes and messages where they are known (see extensionTypeOffers.ts and README,
 * Extension types); Arclight's own (ValidationFailed) for a scope the type does not allow.
 */
import { ArmError } from '../../kit/armErrors';
import type { Write } from '../../kit/resourceType';
import type { ProviderContext } from '../context';
import { resolveClusterParent } from './clusterParent';
import { ExtensionScope, ExtensionTypeDefinition, trainOf } from './extensionTypeCatalog';
import { notRegisteredInRegion, notSupportedForKind, offeredIn, placeOf, regionsOf, supportsKind } from './extensionTypeOffers';
import { requireNamespace, validationFailed } from './validation';
import type { JsonObject } from '../../../protocol/json';

type Props = JsonObject;

/** Azure's answer when the release train and version do not name a version it has (Azure/azure-cli-extensions#5325, #5470). */
export const versionNotResolved = () =>
  new ArmError(400, 'ExtensionOperationFailed', 'The extension operation failed with the following error: Failed to resolve the extension version from the given values.', { target: 'properties.version' });

const pinRefused = () =>
  validationFailed("The property 'properties.version' can only be set when 'properties.autoUpgradeMinorVersion' is false.", 'properties.version');

const given = (v: unknown): v is string => typeof v === 'string' && v !== '';
const same = (a: unknown, b: unknown) => typeof a === 'string' && typeof b === 'string' && a.toLowerCase() === b.toLowerCase();

/** A namespace named after the extension (lower-cased, what Kubernetes allows): Arclight's default where the type has none. */
const namespaceAfter = (name: string) => name.toLowerCase().replace(/[^a-z0-9-]/g, '-').slice(0, 63).replace(/^-+|-+$/g, '') || 'default';

/** The extension's complete properties: defaults and rules from its type (see above). */
export function completeExtension(p: Props, name: string, w: Write<ProviderContext>): Props {
  const previous = w.previous?.body.properties as Props | undefined;
  const type = w.ctx.extensionTypes.get(p.extensionType);
  if (!type) {
    // Extensions stored before the catalog knew (or after it forgot) their type keep working.
    if (previous) return withoutCatalog(p, name, previous);
    const region = placeOf(w.ctx, resolveClusterParent(w.ctx, w.req)).region ?? 'unknown';
    throw notRegisteredInRegion(p.extensionType, region);
  }
  if (!previous) requireOffered(w, type);
  const scope = scopeOf(p.scope, name, type);
  return { ...p, ...versionOf(p, type, previous, autoUpgradeSent(p, w)), scope };
}

/**
 * Whether the client asked for auto-upgrades: 2025-03-01's autoUpgradeMode when sent (none pins;
 * patch and compatible upgrade, and Azure's example then answers autoUpgradeMinorVersion true),
 * else autoUpgradeMinorVersion. The spec's defaults are in `p` already, so a PUT's own body says
 * what was sent; a PATCH's merged properties hold the stored value.
 */
function autoUpgradeSent(p: Props, w: Write<ProviderContext>): boolean | undefined {
  const body: Props = (w.req.body as Props | undefined)?.properties ?? {};
  if (typeof body.autoUpgradeMode === 'string') return body.autoUpgradeMode.toLowerCase() !== 'none';
  const sent = w.req.method === 'PUT' ? body.autoUpgradeMinorVersion : p.autoUpgradeMinorVersion;
  return typeof sent === 'boolean' ? sent : undefined;
}

/** The cluster's region offers the type, and the type installs on its kind of cluster. */
function requireOffered(w: Write<ProviderContext>, type: ExtensionTypeDefinition): void {
  const place = placeOf(w.ctx, resolveClusterParent(w.ctx, w.req));
  if (place.region && !offeredIn(w.ctx, type, place.region)) throw notRegisteredInRegion(type.name, place.region, regionsOf(w.ctx, type));
  if (!supportsKind(type, place.kind)) throw notSupportedForKind(400, 'ExtensionTypeNotSupported', type.name, place.region ?? 'unknown', place.kind);
}

/** autoUpgradeMinorVersion, releaseTrain and version, resolved on the type's release train. */
function versionOf(p: Props, type: ExtensionTypeDefinition, previous: Props | undefined, autoUpgradeSent: boolean | undefined): Props {
  const releaseTrain = given(p.releaseTrain) ? p.releaseTrain : 'Stable';
  const autoUpgradeMinorVersion = autoUpgradeSent ?? !given(p.version);
  const train = trainOf(type, releaseTrain);
  if (!train) throw versionNotResolved();
  const named = given(p.version) ? train.versions.find((v) => same(v, p.version)) : undefined;
  // A version sent while auto-upgrading is where the upgrades start: clients send back what they
  // read (Azure's region move recreates extensions from their listed bodies, which show the
  // version the service resolved), and auto-upgrade moves it to the train's newest at once.
  if (autoUpgradeMinorVersion) {
    if (given(p.version) && !named && !same(p.version, previous?.version)) throw versionNotResolved();
    return { autoUpgradeMinorVersion, releaseTrain, version: train.versions[0] };
  }
  if (!named) throw versionNotResolved();
  return { autoUpgradeMinorVersion, releaseTrain, version: named };
}

/** Exactly one scope, one the type allows; without one, the type's default scope. */
function scopeOf(scope: Props | undefined, name: string, type: ExtensionTypeDefinition): Props {
  if (scope?.cluster && scope?.namespace) {
    throw validationFailed("Only one of 'properties.scope.cluster' and 'properties.scope.namespace' can be set.", 'properties.scope');
  }
  const kind: ExtensionScope = scope?.namespace ? 'namespace' : scope?.cluster ? 'cluster' : type.defaultScope;
  if (!type.scopes.includes(kind)) {
    throw validationFailed(`Extension type '${type.name}' can only be installed at ${type.scopes[0]} scope; 'properties.scope.${kind}' is not allowed for it.`, `properties.scope.${kind}`);
  }
  if (kind === 'namespace') {
    if (scope?.namespace && scope.namespace.targetNamespace === undefined) {
      throw validationFailed("A namespace-scoped extension needs 'properties.scope.namespace.targetNamespace'.", 'properties.scope.namespace.targetNamespace');
    }
    const targetNamespace = scope?.namespace?.targetNamespace ?? namespaceAfter(name);
    requireNamespace('properties.scope.namespace.targetNamespace', targetNamespace);
    return { namespace: { targetNamespace } };
  }
  const releaseNamespace = scope?.cluster?.releaseNamespace ?? type.defaultReleaseNamespace ?? namespaceAfter(name);
  requireNamespace('properties.scope.cluster.releaseNamespace', releaseNamespace);
  return { cluster: { releaseNamespace } };
}

/** The rules for an extension whose type the catalog does not have (stored before): no derivation. */
function withoutCatalog(p: Props, name: string, previous: Props): Props {
  const autoUpgradeMinorVersion = p.autoUpgradeMinorVersion ?? true;
  if (autoUpgradeMinorVersion && given(p.version) && !same(p.version, previous.version)) throw pinRefused();
  const open: ExtensionTypeDefinition = {
    name: p.extensionType, description: '', publisher: '', isSystemExtension: false, isManagedIdentityRequired: false, clusterTypes: [],
    scopes: ['cluster', 'namespace'], defaultScope: 'cluster', allowMultipleInstances: true, releaseTrains: [],
  };
  return { ...p, autoUpgradeMinorVersion, releaseTrain: p.releaseTrain ?? 'Stable', scope: scopeOf(p.scope, name, open) };
}

/** Whether the catalog makes extensions of this type system extensions (microsoft.extensionsusage). */
export function isSystemExtensionType(s: ProviderContext, extensionType: unknown): boolean {
  return typeof extensionType === 'string' && (s.extensionTypes.get(extensionType)?.isSystemExtension ?? false);
}
