/**
 * Shapes of specs/manifest.json (hand-written input) and of the generated
 * dist/specs/bundle.json (build output, loaded once at start-up) with its documents.
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
  /**
   * Folders (relative to specs/) of the provider's vendored specs: every spec file below them
   * joins the api-version its info.version names (scripts/specSources.ts), so each vendored
   * version is served without being listed.
   */
  specFolders?: ManifestFile[];
  /** Arclight's own files that join every api-version found in `specFolders`. */
  everyVersion?: ManifestFile[];
  /** api-version -> the spec files that together define it, for versions not found in `specFolders`. */
  apiVersions?: Record<string, ManifestFile[]>;
  resourceTypes?: Record<string, ResourceTypeDeclaration>;
  /**
   * x-ms-enum names whose lists Azure is known to go beyond (data collection rules' streams take
   * `Custom-*` and every `Microsoft-*` stream): the bundle checks them by `pattern` instead, and
   * keeps the list for casing. `why` says what is known.
   */
  openEnums?: Record<string, OpenEnum>;
}

export interface OpenEnum {
  pattern: string;
  why: string;
}

/**
 * A spec file the build writes (under specs/arclight/generated/, not committed): the paths of a
 * vendored file whose template matches `paths`, with the definitions and parameters they reach,
 * `x-ms-examples` left out and relative `$ref`s re-pointed. So an api-version can take some
 * operations of a vendored file (the deployments of Microsoft.Resources' resources.json) without
 * a hand copy, and without the ones Arclight serves from its own spec.
 */
export interface ManifestExtract {
  /** The generated file, relative to specs/ (what `apiVersions` lists). */
  file: ManifestFile;
  /** The vendored file it is extracted from, relative to specs/. */
  from: ManifestFile;
  /** Regular expressions (case-insensitive); a path template matching any of them is taken. */
  paths: string[];
}

export interface BundleManifest {
  /** Generated spec files, written before the documents are built. */
  extracts?: ManifestExtract[];
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
  /** api-version -> the spec files (relative to specs/) its document was built from. */
  files: Record<string, ManifestFile[]>;
  resourceTypes: BundleResourceType[];
}

export interface SpecBundle {
  generatedFrom: string;
  regions: Region[];
  regionSets: Record<string, string[]>;
  /** Keyed by lower-cased namespace. */
  providers: Record<string, BundleProvider>;
  /**
   * The keys of the OpenAPI 3 documents, one per (namespace, api-version), each in a file of its
   * own beside the bundle (`documents/{key}.json`), read when its api-version is first used.
   */
  documentKeys: string[];
  /** Route key (routeKeyOf) of every operation -> for a PUT or PATCH, the distinct derived facts of the api-versions that have it, newest first. */
  routes: Record<string, DerivedFacts[]>;
}

/** Which body of an operation its derived facts describe. */
export type DerivedFactsSource = 'requestBody' | 'response';

/**
 * What an operation's body schema says about its paths, derived from the specs at build time
 * (scripts/buildSpecBundle.ts, deriveFacts) and kept in the operation as `x-arclight-derived`:
 * of the JSON request body of a PUT, PATCH or POST, or of the 200/201 body of a GET.
 *
 * Paths are dotted from the body's root, `*` standing for any key of a map
 * (additionalProperties) and `[]` for the items of an array:
 * `properties.configurationProtectedSettings`, `properties.kustomizations.*.path`,
 * `properties.arcAgentryConfigurations[].protectedSettings`. The root itself is "".
 * Recursive schemas are followed to their first repetition only.
 */
export interface DerivedFacts {
  of: DerivedFactsSource;
  /** Marked x-ms-secret (write-only: never read back). Outermost only: what is below is secret too. */
  secret: string[];
  /** Marked readOnly. Outermost only; of a request body, nothing below one is listed (ARM ignores it). */
  readOnly: string[];
  /** x-ms-mutability with "create" but without "update": fixed once created. Outermost only. */
  createOnly: string[];
  /** Schema defaults, wherever they are. */
  defaults: Array<{ path: string; value: unknown }>;
  /** Enumerations: the allowed values, and whether x-ms-enum.modelAsString leaves the list open to new values. */
  enums: Array<{ path: string; values: unknown[]; modelAsString: boolean }>;
}
