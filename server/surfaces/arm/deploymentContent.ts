/**
 * A deployment's linked content (README "Template deployments"): `templateLink` (`uri`, or
 * `relativePath` against the parent deployment's uri) and `parametersLink`. Arclight can fetch
 * nothing from outside, so a link resolves only when it points at Arclight itself: a uri on the
 * host the deployment was sent to, under /_arclight/templates/ (files put there through test
 * control, in the store's linked_content table). Anything else is Azure's InvalidContentLink.
 * The result is the deployment's properties with the content inline, as if the client had sent it.
 */
import { randomUUID } from 'crypto';
import { ArmError } from '../../kit/armErrors';
import { parseTemplateText, type TextPosition } from '../../templates';
import type { Json, JsonObject } from '../../../protocol/json';
import type { Services } from '../services';

/** Where test control serves linked files (see testControl/linkedContentControl.ts). */
export const LINKED_CONTENT_ROOT = '/_arclight/templates/';

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Where a deployment's template came from: its uri (what a nested `relativePath` resolves against) and its text (what error positions count in). */
export interface Origin {
  uri?: string;
  text?: string;
}

export interface ResolvedContent {
  /** The properties with `template` and `parameters` inline and no links. */
  properties: JsonObject;
  /** The linked file the template came from; for an inline template, the uri its parent came from. */
  origin: Origin;
  /** What the deployment shows of its links (uris without their query: a SAS token is never echoed). */
  shown: { templateLink?: JsonObject; parametersLink?: JsonObject };
}

function cannotDownload(uri: string): ArmError {
  return new ArmError(400, 'InvalidContentLink', `Unable to download deployment content from '${uri}'. The tracking Id is '${randomUUID()}'. Please see https://aka.ms/arm-deploy for usage details.`);
}

const withoutQuery = (uri: string) => uri.split(/[?#]/)[0];

/**
 * The stored text a uri names, when it names Arclight: the same host as the base URL the
 * deployment came in on (the port is not compared: Arclight may be reached on several) and a path
 * under the linked content root.
 */
function download(s: Services, uri: string, baseUrl: string): string {
  let url: URL;
  let base: URL;
  try {
    url = new URL(uri);
    base = new URL(baseUrl);
  } catch {
    throw cannotDownload(uri);
  }
  if (url.hostname.toLowerCase() !== base.hostname.toLowerCase() || !url.pathname.startsWith(LINKED_CONTENT_ROOT)) throw cannotDownload(uri);
  let path: string;
  try {
    path = decodeURIComponent(url.pathname.slice(LINKED_CONTENT_ROOT.length));
  } catch {
    throw cannotDownload(uri);
  }
  const text = s.store.linkedContent.get(path);
  if (text === undefined) throw cannotDownload(uri);
  return text;
}

/** Linked JSON as ARM reads a template file (comments allowed); what does not parse is InvalidTemplate. */
function readJson(text: string): Json {
  return parseTemplateText(text).template;
}

/**
 * The deployment's properties with its links resolved. `parentUri` is the uri the parent
 * deployment's template came from (nested deployments only).
 */
export function resolveContent(s: Services, props: JsonObject, baseUrl: string, parentUri?: string): ResolvedContent {
  const out: JsonObject = { ...props };
  const shown: ResolvedContent['shown'] = {};
  const origin: Origin = parentUri ? { uri: parentUri } : {};
  if (props.templateLink !== undefined && props.templateLink !== null) {
    if (props.template !== undefined) {
      throw new ArmError(400, 'InvalidDeployment', "The deployment can have either 'template' or 'templateLink', not both. Please see https://aka.ms/arm-deploy for usage details.");
    }
    const link = isObject(props.templateLink) ? props.templateLink : {};
    let uri: string;
    if (typeof link.uri === 'string' && link.uri) uri = link.uri;
    else if (typeof link.relativePath === 'string' && link.relativePath) {
      if (!parentUri) {
        throw new ArmError(400, 'InvalidDeployment', `The templateLink relativePath '${link.relativePath}' can only be used in a nested deployment whose parent was deployed from a templateLink uri. Please see https://aka.ms/arm-deploy for usage details.`);
      }
      try {
        uri = new URL(link.relativePath, parentUri).href;
      } catch {
        throw cannotDownload(link.relativePath);
      }
    } else {
      // A template spec version (`id`): Arclight serves no template specs, so nothing can be read.
      throw cannotDownload(String(link.id ?? ''));
    }
    origin.text = download(s, uri, baseUrl);
    out.template = readJson(origin.text);
    delete out.templateLink;
    origin.uri = uri;
    shown.templateLink = { uri: withoutQuery(uri), ...(typeof link.relativePath === 'string' ? { relativePath: link.relativePath } : {}), ...(typeof link.contentVersion === 'string' ? { contentVersion: link.contentVersion } : {}) };
  }
  if (props.parametersLink !== undefined && props.parametersLink !== null) {
    if (props.parameters !== undefined) {
      throw new ArmError(400, 'InvalidDeployment', "The deployment can have either 'parameters' or 'parametersLink', not both. Please see https://aka.ms/arm-deploy for usage details.");
    }
    const link = isObject(props.parametersLink) ? props.parametersLink : {};
    const uri = typeof link.uri === 'string' ? link.uri : '';
    const file = readJson(download(s, uri, baseUrl));
    // A deployment parameters file: { $schema, contentVersion, parameters: { name: { value } } }.
    if (!isObject(file) || !isObject(file.parameters)) {
      throw new ArmError(400, 'InvalidDeployment', `The parameters file '${withoutQuery(uri)}' has no 'parameters' object. Please see https://aka.ms/arm-deploy for usage details.`);
    }
    out.parameters = file.parameters;
    delete out.parametersLink;
    shown.parametersLink = { uri: withoutQuery(uri), ...(typeof link.contentVersion === 'string' ? { contentVersion: link.contentVersion } : {}) };
  }
  return { properties: out, origin, shown };
}

/**
 * The positions InvalidTemplate messages name: in a linked file, its own lines and columns; in an
 * inline template (no text), none here (the caller counts them in the minified template).
 */
export function positionsOf(origin: Origin): { positions?: Map<string, TextPosition> } {
  return origin.text === undefined ? {} : { positions: parseTemplateText(origin.text).positions };
}
