/**
 * Where an extension type is offered: in which regions (its own list, else every region
 * Microsoft.KubernetesConfiguration serves) and on which kinds of cluster. Shared by the
 * extensionTypes endpoints and by the creation of extensions, with the refusals Azure answers
 * where its wording is known (see README, Extension types).
 */
import { ArmError } from '../../kit/armErrors';
import type { ProviderContext } from '../context';
import type { ClusterParent } from './clusterParent';
import { ClusterKind, clusterKindOf, ExtensionTypeDefinition } from './extensionTypeCatalog';

/** The region set of the manifest that Microsoft.KubernetesConfiguration is offered in. */
export const CONFIGURATION_REGION_SET = 'kubernetesConfiguration';

/** The canonical names of the regions `type` is offered in. */
export function regionsOf(s: ProviderContext, type: ExtensionTypeDefinition): string[] {
  return type.regions ?? s.regions.set(CONFIGURATION_REGION_SET).map((r) => r.name);
}

export function offeredIn(s: ProviderContext, type: ExtensionTypeDefinition, region: string): boolean {
  return regionsOf(s, type).includes(region);
}

/** Whether `type` installs on clusters of `kind`. */
export function supportsKind(type: ExtensionTypeDefinition, kind: ClusterKind): boolean {
  return type.clusterTypes.includes(kind);
}

/** `connectedClusters` as Azure's messages name cluster types: `ConnectedClusters`. */
export const kindLabel = (kind: string) => kind.charAt(0).toUpperCase() + kind.slice(1);

/** What a cluster is, for the catalog: its kind and its canonical region (when it has a known one). */
export interface ClusterPlace {
  kind: ClusterKind;
  region?: string;
}

export function placeOf(s: ProviderContext, parent: ClusterParent): ClusterPlace {
  const segments = parent.id.split('/');
  const kind = clusterKindOf(segments[segments.length - 2]) ?? 'connectedClusters';
  const location = parent.stored.body.location;
  return { kind, region: typeof location === 'string' ? s.regions.resolve(location)?.name : undefined };
}

/**
 * Azure's refusal of an extension type that is not registered in a region (ExtensionTypeRegistrationGetFailed,
 * "Extension type microsoft.web.appservice is not registered in region eastus2. Extension is available in
 * eastus2euap,eastus,westeurope,westcentralus. Please try to install in these regions.", Azure/reddog-hybrid-arc#49).
 * A type registered nowhere gets the first sentence alone.
 */
export function notRegisteredInRegion(typeName: string, region: string, availableIn?: readonly string[]): ArmError {
  const where = availableIn?.length ? ` Extension is available in ${availableIn.join(',')}. Please try to install in these regions.` : '';
  return new ArmError(400, 'ExtensionTypeRegistrationGetFailed', `Extension type ${typeName} is not registered in region ${region}.${where}`);
}

/**
 * Azure's words for a type not offered on a kind of cluster ("Extension type '--payloadId' is not supported in
 * region 'westus2' for cluster type: ManagedClusters. ...", Azure/partnercenter-cli-extension#244); the code is
 * not known, ExtensionTypeNotSupported is Arclight's.
 */
export function notSupportedForKind(status: number, code: string, typeName: string, region: string, kind: ClusterKind): ArmError {
  return new ArmError(status, code,
    `Extension type '${typeName}' is not supported in region '${region}' for cluster type: ${kindLabel(kind)}. Please refer to https://aka.ms/k8s-extensions-list-cluster for a list of supported extension types for this cluster.`);
}
