/**
 * Shapes of specs/manifest.json (hand-written input) and of the generated
 * dist/specs/bundle.json (build output, loaded once at start-up).
 */

/** A spec file path relative to specs/. */
export type ManifestFile = string;

/** How a resource type is offered, as published in provider documents. */
export interface ResourceTypeDeclaration {
  /** Name of a region set in `regionSets`, or "global" for location-less types. */
  regions: string;
  capabilities?: string;
  /** Explicit api-versions; by default those of the spec files that define the type's paths. */
  apiVersions?: string[];
  defaultApiVersion?: string;
}

export interface ProviderAuthorization {
  applicationId: string;
  roleDefinitionId?: string;
  managedByRoleDefinitionId?: string;
}

export interface ManifestProvider {
  namespace: string;
  /** Types owned by ARM itself (Microsoft.Resources): api-version errors use ARM's wording. */
  armOwned?: boolean;
  authorizations?: ProviderAuthorization[];
  /** api-version -> the spec files that together define it. */
  apiVersions: Record<string, ManifestFile[]>;
  resourceTypes?: Record<string, ResourceTypeDeclaration>;
}

export interface BundleManifest {
  /** Region set name -> canonical region names. "*" means every region of the catalog. */
  regionSets: Record<string, string[]>;
  providers: ManifestProvider[];
}

export interface Region {
  name: string;
  displayName: string;
  regionalDisplayName: string;
  metadata?: Record<string, unknown>;
}

export interface BundleResourceType extends ResourceTypeDeclaration {
  resourceType: string;
  apiVersions: string[];
}

export interface BundleProvider {
  namespace: string;
  armOwned: boolean;
  authorizations: ProviderAuthorization[];
  /** api-version -> key into SpecBundle.documents. */
  definitions: Record<string, string>;
  resourceTypes: BundleResourceType[];
}

export interface SpecBundle {
  generatedFrom: string;
  regions: Region[];
  regionSets: Record<string, string[]>;
  /** Keyed by lower-cased namespace. */
  providers: Record<string, BundleProvider>;
  /** OpenAPI 3 documents, one per (namespace, api-version). */
  documents: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
}
