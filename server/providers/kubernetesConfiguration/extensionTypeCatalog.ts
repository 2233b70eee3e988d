/**
 * The extension types Microsoft.KubernetesConfiguration knows: what the extensionTypes endpoints
 * list, and what creating an extension derives from its type (default scope and release
 * namespace, the version a release train resolves to, the cluster types and regions it is
 * offered for). Kept as data: the built-in catalog is specs/arclight/extensionTypes.json, and
 * `--extension-types FILE` (same format) extends or replaces it. Both are checked whole at
 * start-up; a mistake stops the start with one line naming the file and the JSON path.
 *
 * Names match case-insensitively (Azure's type names are, and the CLI lower-cases them), as do
 * release trains ("Stable" is the extension's default, the catalog says "stable").
 */
import { arrayOrObject, boolean, listOf, mapOf, object, oneOf, optional, readJsonFile, required, Shape, text } from '../../core/jsonShape';
import { StartupError, USAGE_ERROR_CODE } from '../../core/startupError';
import { packagePath } from '../../core/packageRoot';

export type ExtensionScope = 'cluster' | 'namespace';
/** The cluster kinds extension types name, as `clusterResourceName` spells them. */
export const CLUSTER_KINDS = ['connectedClusters', 'managedClusters', 'provisionedClusters', 'appliances'] as const;
export type ClusterKind = (typeof CLUSTER_KINDS)[number];

export interface ReleaseTrain {
  name: string;
  /** Newest first. */
  versions: string[];
}

export interface ExtensionTypeDefinition {
  name: string;
  description: string;
  publisher: string;
  isSystemExtension: boolean;
  isManagedIdentityRequired: boolean;
  clusterTypes: ClusterKind[];
  /** The scopes an extension of this type may have; the default first. */
  scopes: ExtensionScope[];
  defaultScope: ExtensionScope;
  /** Where a cluster-scoped extension is released when its scope names no namespace (else: after the extension). */
  defaultReleaseNamespace?: string;
  allowMultipleInstances: boolean;
  /** Canonical region names it is offered in; undefined: every region Microsoft.KubernetesConfiguration serves. */
  regions?: string[];
  planInfo?: { publisherId?: string; offerId?: string; planId?: string };
  releaseTrains: ReleaseTrain[];
}

/** The file as written (before defaults). */
interface ExtensionTypeEntry {
  name: string;
  description?: string;
  publisher?: string;
  isSystemExtension?: boolean;
  isManagedIdentityRequired?: boolean;
  clusterTypes?: ClusterKind[];
  scopes?: ExtensionScope[];
  defaultScope?: ExtensionScope;
  defaultReleaseNamespace?: string;
  allowMultipleInstances?: boolean;
  regions?: string[];
  planInfo?: { publisherId?: string; offerId?: string; planId?: string };
  releaseTrains: Record<string, string[]>;
}

interface CatalogFile {
  mode?: 'extend' | 'replace';
  extensionTypes: ExtensionTypeEntry[];
}

export const BUILT_IN_FILE = packagePath('specs', 'arclight', 'extensionTypes.json');

/** Extension type names: the extensionTypeName path parameter's rule (with the dot Azure's names have). */
export const EXTENSION_TYPE_NAME = /^[A-Za-z][A-Za-z0-9._-]*$/;
const VERSION = /^[0-9A-Za-z][0-9A-Za-z.+_-]*$/;
const NAMESPACE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

function entryShape(knownRegion: (name: string) => boolean): Shape {
  const optionalText = optional(text('a string', { allowEmpty: true, maxLength: 1024 }));
  return object({
    name: required(text('an extension type name of letters, digits, ".", "-" and "_" that starts with a letter', { pattern: EXTENSION_TYPE_NAME, maxLength: 253 })),
    description: optionalText,
    publisher: optionalText,
    isSystemExtension: optional(boolean),
    isManagedIdentityRequired: optional(boolean),
    clusterTypes: optional(listOf(oneOf(...CLUSTER_KINDS), { expected: `an array of cluster types (${CLUSTER_KINDS.join(', ')})` })),
    scopes: optional(listOf(oneOf('cluster', 'namespace'), { expected: 'an array of scopes ("cluster", "namespace")' })),
    defaultScope: optional(oneOf('cluster', 'namespace')),
    defaultReleaseNamespace: optional(text('a Kubernetes namespace name (1-63 lower-case letters, digits and "-")', { pattern: NAMESPACE, maxLength: 63 })),
    allowMultipleInstances: optional(boolean),
    regions: optional(listOf(text('a region name', { check: (r) => (knownRegion(r) ? undefined : `unknown region '${r}' (see --regions)`) }))),
    planInfo: optional(object({ publisherId: optionalText, offerId: optionalText, planId: optionalText })),
    releaseTrains: required(mapOf(listOf(text('a version such as "1.2.3"', { pattern: VERSION, maxLength: 64 }), { expected: 'an array of versions' }), {
      keyPattern: { pattern: /^[A-Za-z][A-Za-z0-9-]{0,31}$/, expected: 'a release train name such as "stable" or "preview"' },
    })),
  });
}

function fileShape(knownRegion: (name: string) => boolean): Shape {
  const entries = listOf(entryShape(knownRegion), { expected: 'an array of extension types' });
  return arrayOrObject('an array of extension types or {"mode": ..., "extensionTypes": [...]}', entries, object({
    mode: optional(oneOf('extend', 'replace')),
    extensionTypes: required(entries),
  }));
}

/** Dotted numeric parts compare as numbers; a pre-release (`-rc.1`) comes before its release. */
export function compareVersions(a: string, b: string): number {
  const [coreA, preA] = splitVersion(a);
  const [coreB, preB] = splitVersion(b);
  for (let i = 0; i < Math.max(coreA.length, coreB.length); i++) {
    const x = coreA[i] ?? '0';
    const y = coreB[i] ?? '0';
    const nx = Number(x);
    const ny = Number(y);
    const c = Number.isFinite(nx) && Number.isFinite(ny) ? nx - ny : x.localeCompare(y);
    if (c !== 0) return Math.sign(c);
  }
  if (preA === preB) return 0;
  if (preA === undefined) return 1;
  if (preB === undefined) return -1;
  return preA.localeCompare(preB, 'en', { numeric: true });
}

function splitVersion(v: string): [string[], string | undefined] {
  const trimmed = v.replace(/^v/i, '').replace(/\+.*$/, '');
  const dash = trimmed.indexOf('-');
  const core = dash < 0 ? trimmed : trimmed.slice(0, dash);
  return [core.split('.'), dash < 0 ? undefined : trimmed.slice(dash + 1)];
}

function refuse(where: string, at: string, message: string): never {
  throw new StartupError(USAGE_ERROR_CODE, `${where}: ${at}: ${message}`);
}

/** Defaults and the rules a shape cannot say: trains with versions, a default scope among the scopes, no name twice. */
function definitions(where: string, file: CatalogFile, listPath: string, canonicalRegion: (name: string) => string): ExtensionTypeDefinition[] {
  const seen = new Map<string, number>();
  return file.extensionTypes.map((e, i) => {
    const at = `${listPath}[${i}]`;
    const key = e.name.toLowerCase();
    if (seen.has(key)) refuse(where, `${at}.name`, `'${e.name}' is already at ${listPath}[${seen.get(key)}]; give each extension type once`);
    seen.set(key, i);
    const trains = Object.entries(e.releaseTrains);
    if (trains.length === 0) refuse(where, `${at}.releaseTrains`, 'expected at least one release train, such as {"stable": ["1.0.0"]}');
    const trainNames = new Set<string>();
    const releaseTrains = trains.map(([name, versions]) => {
      if (trainNames.has(name.toLowerCase())) refuse(where, `${at}.releaseTrains`, `the release train '${name}' is given twice (names are case-insensitive)`);
      trainNames.add(name.toLowerCase());
      if (versions.length === 0) refuse(where, `${at}.releaseTrains.${name}`, 'expected at least one version, such as ["1.0.0"]');
      const unique = new Set(versions.map((v) => v.toLowerCase()));
      if (unique.size !== versions.length) refuse(where, `${at}.releaseTrains.${name}`, 'a version is listed twice');
      return { name, versions: [...versions].sort((a, b) => compareVersions(b, a)) };
    });
    const scopes: ExtensionScope[] = e.scopes ?? ['cluster', 'namespace'];
    if (scopes.length === 0 || new Set(scopes).size !== scopes.length) refuse(where, `${at}.scopes`, 'expected "cluster", "namespace" or both, each once');
    const defaultScope = e.defaultScope ?? scopes[0];
    if (!scopes.includes(defaultScope)) refuse(where, `${at}.defaultScope`, `'${defaultScope}' is not among its scopes (${scopes.join(', ')})`);
    const clusterTypes = e.clusterTypes ?? [...CLUSTER_KINDS];
    if (clusterTypes.length === 0) refuse(where, `${at}.clusterTypes`, `expected at least one of ${CLUSTER_KINDS.join(', ')}`);
    return {
      name: e.name,
      description: e.description ?? '',
      publisher: e.publisher ?? '',
      isSystemExtension: e.isSystemExtension ?? false,
      isManagedIdentityRequired: e.isManagedIdentityRequired ?? false,
      clusterTypes: [...new Set(clusterTypes)],
      scopes: [defaultScope, ...scopes.filter((s) => s !== defaultScope)],
      defaultScope,
      defaultReleaseNamespace: e.defaultReleaseNamespace,
      allowMultipleInstances: e.allowMultipleInstances ?? true,
      regions: e.regions?.map(canonicalRegion),
      planInfo: e.planInfo,
      releaseTrains,
    };
  });
}

function readCatalogFile(option: string, file: string, knownRegion: (name: string) => boolean, canonicalRegion: (name: string) => string) {
  const parsed = readJsonFile<ExtensionTypeEntry[] | CatalogFile>(option, file, fileShape(knownRegion));
  const catalogFile: CatalogFile = Array.isArray(parsed) ? { extensionTypes: parsed } : parsed;
  const listPath = Array.isArray(parsed) ? '$' : '$.extensionTypes';
  return { mode: catalogFile.mode ?? 'extend', types: definitions(`${option} ${file}`, catalogFile, listPath, canonicalRegion) };
}

export class ExtensionTypeCatalog {
  private readonly byName = new Map<string, ExtensionTypeDefinition>();

  constructor(types: readonly ExtensionTypeDefinition[]) {
    // Ordinal order of the lower-cased names: a collator (localeCompare) costs 15 ms at start-up to build.
    const named = types.map((t) => [t.name.toLowerCase(), t] as const).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    for (const [name, t] of named) this.byName.set(name, t);
  }

  /**
   * The built-in catalog, extended (types of the same name replaced) or replaced by `file`.
   * `resolveRegion` gives the canonical name of a region the region catalog has.
   */
  static read(file: string | undefined, resolveRegion: (name: string) => string | undefined): ExtensionTypeCatalog {
    const known = (r: string) => resolveRegion(r) !== undefined;
    const canonical = (r: string) => resolveRegion(r) ?? r;
    // The built-in types' regions are Azure's: those a replaced region catalog (--regions) lacks are left out.
    const builtIn = readCatalogFile('built-in extension types', BUILT_IN_FILE, () => true, canonical).types.map((t) => {
      const regions = t.regions?.filter(known);
      return Object.assign({}, t, { regions: regions?.length ? regions : undefined });
    });
    if (!file) return new ExtensionTypeCatalog(builtIn);
    const custom = readCatalogFile('--extension-types', file, known, canonical);
    if (custom.mode === 'replace') return new ExtensionTypeCatalog(custom.types);
    const replaced = new Set(custom.types.map((t) => t.name.toLowerCase()));
    return new ExtensionTypeCatalog([...builtIn.filter((t) => !replaced.has(t.name.toLowerCase())), ...custom.types]);
  }

  /** By name, case-insensitively. */
  get(name: string): ExtensionTypeDefinition | undefined {
    return this.byName.get(name.toLowerCase());
  }

  /** Every type, by name. */
  all(): ExtensionTypeDefinition[] {
    return [...this.byName.values()];
  }
}

/** A type's release train by name, case-insensitively. */
export function trainOf(type: ExtensionTypeDefinition, name: string): ReleaseTrain | undefined {
  return type.releaseTrains.find((t) => t.name.toLowerCase() === name.toLowerCase());
}

/** The cluster kind of a clusterResourceName as a client spells it (`connectedclusters`), if it is one. */
export function clusterKindOf(clusterResourceName: string): ClusterKind | undefined {
  return CLUSTER_KINDS.find((k) => k.toLowerCase() === clusterResourceName.toLowerCase());
}
