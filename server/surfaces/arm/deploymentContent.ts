/**
 * A deployment's linked content (README "Template deployments"): `templateLink` (`uri`, or
 * `relativePath` against the parent deployment's uri) and `parametersLink`. Arclight can fetch
 * nothing from outside, so a link resolves only when it points at Arclight itself: a uri on the
 * host the deployment was sent to, under /_arclight/templates/ (files put there through test
 * control, in the store's linked_content table). Anything else is Azure's InvalidContentLink.
 * A `templateLink.id` names a template spec version (server/providers/resources/templateSpecs.ts):
 * its `mainTemplate` is the template, and a nested deployment's `relativePath` inside it names
 * one of the version's `linkedTemplates`, relative to the path of the template it is in.
 * The result is the deployment's properties with the content inline, as if the client had sent it.
 */
import { randomUUID } from 'crypto';
import { ArmError } from '../../kit/armErrors';
import { loadResource } from '../../kit/resources';
import { TEMPLATE_SPEC_VERSION_TYPE } from '../../providers/resources/templateSpecs';
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
 * Where a template from a template spec came from, as an origin uri: `templatespec:` then the
 * version's id, `|` and the template's path in the version ('' for the main template). Names
 * and ids hold no `|` (the spec's name pattern), so the two parts always split back.
 */
const SPEC_ORIGIN = 'templatespec:';
const specOrigin = (versionId: string, path: string) => `${SPEC_ORIGIN}${versionId}|${path}`;

/** A path in a version, as Azure compares them: `/`-separated, `.` and `..` resolved, no leading `/`. */
function normalPath(path: string, from = ''): string {
  return decodeURIComponent(new URL(path.replace(/\\/g, '/'), `https://spec.invalid/${from}`).pathname).replace(/^\/+/, '');
}

/**
 * Azure's answer when a template spec version cannot be read (code and words as Azure gives
 * them for a version that is missing or out of reach; the 400 is Arclight's choice).
 */
function specUnreadable(s: Services, id: string): ArmError {
  const stamp = new Date(s.clock.nowMs()).toISOString().replace(/[-:]|\.\d+/g, '');
  return new ArmError(400, 'InvalidTemplateSpec', `Unable to retrieve the template content from the resource ID '${id}'. Please see https://aka.ms/arm-deploy for usage details. `
    + `Diagnostic information: timestamp '${stamp}', tracking Id '${randomUUID()}', request correlation Id '${randomUUID()}'.`);
}

/** The template at `path` ('' for the main one) of the template spec version `id`. */
function specTemplate(s: Services, id: string, path: string, relativePath?: string): Json {
  const version = loadResource(s, id);
  if (!version || version.type !== TEMPLATE_SPEC_VERSION_TYPE) throw specUnreadable(s, id);
  const props = isObject(version.body.properties) ? version.body.properties : {};
  if (path === '') {
    if (!isObject(props.mainTemplate)) throw specUnreadable(s, id);
    return props.mainTemplate;
  }
  const linked: JsonObject[] = Array.isArray(props.linkedTemplates) ? props.linkedTemplates.filter(isObject) : [];
  const found = linked.find((l) => typeof l.path === 'string' && normalPath(l.path).toLowerCase() === path.toLowerCase());
  if (!found || !isObject(found.template)) {
    throw new ArmError(400, 'InvalidTemplateSpec', `The relative path '${relativePath}' (resolved to '${path}') is not among the linked templates of the template spec version '${version.id}'. Please see https://aka.ms/arm-deploy for usage details.`);
  }
  return found.template;
}

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
    const str = (v: Json | undefined) => (typeof v === 'string' && v ? v : undefined);
    const [uriGiven, idGiven, rel] = [str(link.uri), str(link.id), str(link.relativePath)];
    const inSpec = parentUri?.startsWith(SPEC_ORIGIN) ? parentUri.slice(SPEC_ORIGIN.length).split('|') : undefined;
    // From a template spec: the version `id` names, or the version the parent's template is in
    // (a relativePath, against the parent's own path in it).
    if (!uriGiven && (idGiven || (rel && inSpec))) {
      const id = idGiven ?? inSpec![0];
      const path = idGiven ? '' : normalPath(rel!, inSpec![1]);
      out.template = specTemplate(s, id, path, rel);
      delete out.templateLink;
      const versionId = loadResource(s, id)!.id;
      return finish(s, out, baseUrl, { uri: specOrigin(versionId, path) }, {
        templateLink: { id: versionId, ...(rel && !idGiven ? { relativePath: rel } : {}), ...(typeof link.contentVersion === 'string' ? { contentVersion: link.contentVersion } : {}) },
      });
    }
    let uri: string;
    if (typeof link.uri === 'string' && link.uri) uri = link.uri;
    else if (typeof link.relativePath === 'string' && link.relativePath) {
      if (!parentUri) {
        throw new ArmError(400, 'InvalidDeployment', `The templateLink relativePath '${link.relativePath}' can only be used in a nested deployment whose parent was deployed from a templateLink uri or a template spec. Please see https://aka.ms/arm-deploy for usage details.`);
      }
      try {
        uri = new URL(link.relativePath, parentUri).href;
      } catch {
        throw cannotDownload(link.relativePath);
      }
    } else {
      throw new ArmError(400, 'InvalidDeployment', "The templateLink must have a 'uri', an 'id' or a 'relativePath'. Please see https://aka.ms/arm-deploy for usage details.");
    }
    origin.text = download(s, uri, baseUrl);
    out.template = readJson(origin.text);
    delete out.templateLink;
    origin.uri = uri;
    shown.templateLink = { uri: withoutQuery(uri), ...(typeof link.relativePath === 'string' ? { relativePath: link.relativePath } : {}), ...(typeof link.contentVersion === 'string' ? { contentVersion: link.contentVersion } : {}) };
  }
  return finish(s, out, baseUrl, origin, shown);
}

/** The rest of resolveContent, once the template is inline: the parameters link. */
function finish(s: Services, out: JsonObject, baseUrl: string, origin: Origin, shown: ResolvedContent['shown']): ResolvedContent {
  if (out.parametersLink !== undefined && out.parametersLink !== null) {
    if (out.parameters !== undefined) {
      throw new ArmError(400, 'InvalidDeployment', "The deployment can have either 'parameters' or 'parametersLink', not both. Please see https://aka.ms/arm-deploy for usage details.");
    }
    const link = isObject(out.parametersLink) ? out.parametersLink : {};
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
