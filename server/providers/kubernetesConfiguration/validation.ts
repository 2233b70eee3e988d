/**
 * Validation the KubernetesConfiguration resource provider applies beyond the spec's schema.
 * Its refusals are 400 `ValidationFailed` (the code Azure answers, e.g. "Invalid source kind
 * match. ..."); messages name the field and say what is expected, never echo secrets.
 */
import { ArmError } from '../../kit/armErrors';

export const validationFailed = (message: string, target?: string) => new ArmError(400, 'ValidationFailed', message, target ? { target } : {});

/** Kubernetes object names (RFC 1123 subdomain): lower-case letters, digits, '-' and '.'. */
export const KUBERNETES_NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;
/** Kubernetes namespace names (RFC 1123 label). */
export const KUBERNETES_NAMESPACE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** Names Azure accepts for extensions and source control configurations (e.g. 'ClusterMonitor', 'SRS_GitHubConfig'). */
const CONFIGURATION_NAME = /^[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?$/;

export function requireConfigurationName(label: string, name: string, maxLength = 253): void {
  if (name.length > maxLength || !CONFIGURATION_NAME.test(name)) {
    throw validationFailed(`The ${label} name '${name}' is invalid: use 1-${maxLength} letters, digits, '-', '_' and '.', starting and ending with a letter or digit.`);
  }
}

export function requireNamespace(field: string, value: unknown): void {
  if (typeof value !== 'string' || value.length > 63 || !KUBERNETES_NAMESPACE.test(value)) {
    throw validationFailed(`The value of '${field}' is not a valid Kubernetes namespace: use 1-63 lower-case letters, digits and '-', starting and ending with a letter or digit.`, field);
  }
}

/** Git repository URLs Flux accepts: http(s)://, ssh:// or the scp-like git@host:path. */
export function requireGitUrl(field: string, url: unknown): void {
  if (typeof url !== 'string' || url.trim() === '') throw validationFailed(`The property '${field}' is required.`, field);
  if (!/^(https?:\/\/|ssh:\/\/|git@)/i.test(url)) {
    throw validationFailed(`The repository URL in '${field}' must start with 'http://', 'https://', 'ssh://' or 'git@'.`, field);
  }
}
