/**
 * Microsoft.KubernetesConfiguration/fluxConfigurations: GitOps with Flux v2.
 *
 * Defaults are the spec's (scope cluster, namespace "default", sourceKind GitRepository,
 * sources and kustomizations syncing every 600 s, ...), as are the write-only values (x-ms-secret)
 * and the create-only scope and namespace. The source of the
 * declared kind must be present (Azure's "Invalid source kind match" otherwise), git URLs
 * start with http(s)://, ssh:// or git@, a git reference names exactly one of branch, tag,
 * semver or commit, and `<configuration>-<kustomization>` must fit a Kubernetes name (62
 * characters for both names). complianceState and statuses are the agents' to report (Pending and [] until then).
 */
import type { ConfigurationType } from './configurationResources';
import { SOURCE_PROPERTY, sourcePropertyOf } from '../../../protocol/fluxSources';
import { KUBERNETES_NAME, requireGitUrl, requireNamespace, validationFailed } from './validation';
import { isArray, isInstant, isString, oneOf } from '../../kit/valueChecks';
import type { JsonObject } from '../../../protocol/json';

type Props = JsonObject;

/** Azure's limit on a configuration's name plus one of its kustomizations' names. */
const COMBINED_NAME_LIMIT = 62;

export const fluxConfigurations: ConfigurationType = {
  collection: 'fluxConfigurations',
  nameParam: 'fluxConfigurationName',
  label: 'FluxConfiguration',
  longRunning: true,
  reported: ['statuses', 'repositoryPublicKey', 'sourceSyncedCommitId', 'sourceUpdatedAt', 'statusUpdatedAt', 'complianceState', 'errorMessage'],

  validateName(name) {
    if (name.length > 63 || !KUBERNETES_NAME.test(name)) {
      throw validationFailed(`The flux configuration name '${name}' is invalid: use 1-63 lower-case letters, digits, '-' and '.', starting and ending with a letter or digit.`);
    }
  },

  complete(p, name) {
    const out: Props = { ...p };
    requireNamespace('properties.namespace', out.namespace);
    const property = sourcePropertyOf(out.sourceKind);
    if (!property || !out[property]) {
      throw validationFailed(`Invalid source kind match. Config with specified source kind '${out.sourceKind}' must contain corresponding body specified in the properties.`, property ? `properties.${property}` : 'properties.sourceKind');
    }
    for (const [kind, other] of Object.entries(SOURCE_PROPERTY)) {
      if (other !== property && out[other]) {
        throw validationFailed(`Invalid source kind match. Config with specified source kind '${out.sourceKind}' must not contain a '${other}' body (the source of kind '${kind}').`, `properties.${other}`);
      }
    }
    out[property] = completeSource(out.sourceKind, out[property]);
    if (out.kustomizations) out.kustomizations = completeKustomizations(out.kustomizations, name);
    return out;
  },

  initialState: () => ({ complianceState: 'Pending', statuses: [] }),

  view(body, apiVersion) {
    const kustomizations = body.properties?.kustomizations;
    if (apiVersion >= OBJECT_DEPENDENCIES_BEFORE || !kustomizations) return body;
    return { ...body, properties: { ...body.properties, kustomizations: kustomizationsWithObjectDependencies(kustomizations) } };
  },

  agentReports: new Map([
    ['provisioningState', oneOf('Succeeded', 'Failed')],
    ['complianceState', oneOf('Compliant', 'Non-Compliant', 'Pending', 'Suspended', 'Unknown')],
    ['statuses', isArray],
    ['sourceSyncedCommitId', isString],
    ['sourceUpdatedAt', isInstant],
    ['statusUpdatedAt', isInstant],
    ['repositoryPublicKey', isString],
    ['errorMessage', isString],
  ]),
};

function completeSource(kind: string, source: Props): Props {
  switch (kind) {
    case 'GitRepository': {
      requireGitUrl('properties.gitRepository.url', source.url);
      return { ...source, repositoryRef: exactlyOne('properties.gitRepository.repositoryRef', source.repositoryRef, ['branch', 'tag', 'semver', 'commit']) };
    }
    case 'Bucket':
      requireValue('properties.bucket.url', source.url);
      requireValue('properties.bucket.bucketName', source.bucketName);
      return source;
    case 'AzureBlob':
      requireValue('properties.azureBlob.url', source.url);
      return source;
    default: {
      requireValue('properties.ociRepository.url', source.url);
      if (!/^oci:\/\//i.test(source.url)) throw validationFailed("The repository URL in 'properties.ociRepository.url' must start with 'oci://'.", 'properties.ociRepository.url');
      const out: Props = { ...source };
      if (source.repositoryRef) out.repositoryRef = exactlyOne('properties.ociRepository.repositoryRef', source.repositoryRef, ['tag', 'semver', 'digest']);
      return out;
    }
  }
}

function requireValue(field: string, value: unknown): void {
  if (typeof value !== 'string' || value.trim() === '') throw validationFailed(`The property '${field}' is required.`, field);
}

/** A reference that names exactly one of `keys`, rendered with the others null (as Azure does). */
function exactlyOne(field: string, ref: Props | undefined, keys: string[]): Props {
  const set = keys.filter((k) => ref?.[k] !== undefined && ref?.[k] !== null && ref?.[k] !== '');
  if (set.length !== 1) {
    throw validationFailed(`Exactly one of ${keys.map((k) => `'${k}'`).join(', ')} must be set in '${field}'${set.length ? `; found ${set.map((k) => `'${k}'`).join(', ')}` : ''}.`, field);
  }
  return Object.fromEntries(keys.map((k) => [k, ref![k] ?? null]));
}

/**
 * Before 2022-03-01 (2021-11-01-preview, 2022-01-01-preview) a dependency is an object,
 * `{kustomizationName}`; from 2022-03-01 on, the name itself. Stored as names, rendered as
 * each version has them (view).
 */
const OBJECT_DEPENDENCIES_BEFORE = '2022-03-01';
const dependencyName = (d: unknown): unknown => (d !== null && typeof d === 'object' ? (d as Props).kustomizationName : d);

function kustomizationsWithObjectDependencies(kustomizations: Props): Props {
  const out: Props = {};
  for (const [name, k] of Object.entries(kustomizations)) {
    out[name] = Array.isArray(k?.dependsOn) ? { ...k, dependsOn: k.dependsOn.map((d: unknown) => ({ kustomizationName: d })) } : k;
  }
  return out;
}

function completeKustomizations(kustomizations: Props, configName: string): Props {
  const names = Object.keys(kustomizations);
  const out: Props = {};
  for (const [name, k] of Object.entries(kustomizations)) {
    if (!KUBERNETES_NAME.test(name) || configName.length + name.length > COMBINED_NAME_LIMIT) {
      throw validationFailed(
        `The kustomization name '${name}' is invalid: use lower-case letters, digits, '-' and '.', starting and ending with a letter or digit, ` +
        `and keep the configuration and kustomization names together within ${COMBINED_NAME_LIMIT} characters.`, `properties.kustomizations.${name}`);
    }
    const dependsOn = Array.isArray(k?.dependsOn) ? k.dependsOn.map(dependencyName) : k?.dependsOn;
    for (const dependency of dependsOn ?? []) {
      if (!names.includes(dependency)) {
        throw validationFailed(`The kustomization '${name}' depends on '${dependency}', which is not a kustomization of this configuration.`, `properties.kustomizations.${name}.dependsOn`);
      }
    }
    out[name] = { name, ...k, ...(dependsOn !== undefined ? { dependsOn } : {}) };
  }
  return out;
}
