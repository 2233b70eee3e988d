/**
 * Which vendored spec files make up each api-version of a provider (build time only).
 *
 * A provider of specs/manifest.json names the folders its vendored specs live in
 * (`specFolders`, e.g. `specification/hybridkubernetes/resource-manager/Microsoft.Kubernetes`);
 * every spec file below them (a JSON file outside `examples/` folders with at least one path)
 * joins the api-version its `info.version` names, which must also be the name of the folder
 * it sits in (`.../preview/2024-12-01-preview/connectedClusters.json`): a file that says
 * otherwise fails the build rather than being served under the wrong version. Files that only
 * hold definitions or parameters (`common/.../definitions.json`) are no api-version's own; they
 * are reached through the `$ref`s of the files that use them. So a version vendored into
 * one of those folders is served without anyone listing it, and nothing can be forgotten.
 *
 * `everyVersion` files (Arclight's own additions, such as the operation status routes Azure
 * serves but does not publish) join every discovered api-version. Explicit `apiVersions` remain
 * for providers served from Arclight's own files only; a version may not be both discovered and
 * listed.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { ManifestFile, ManifestProvider } from '../server/spec/bundleTypes';

import type { Json } from '../protocol/json';

/** A spec file: relative path (with `/`) and the api-version it says it is. */
export interface SpecFile {
  file: ManifestFile;
  apiVersion: string;
}

function jsonFiles(dir: string, out: string[] = []): string[] {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'examples') jsonFiles(full, out);
    } else if (entry.isFile() && entry.name.endsWith('.json')) {
      out.push(full);
    }
  }
  return out;
}

/** The spec files below `folder` (relative to `specsRoot`), each with its api-version; definition-only files left out. */
export function specFilesIn(specsRoot: string, folder: ManifestFile): SpecFile[] {
  const root = path.join(specsRoot, folder);
  if (!fs.existsSync(root)) throw new Error(`specs/manifest.json: spec folder ${folder} does not exist`);
  const out: SpecFile[] = [];
  for (const abs of jsonFiles(root)) {
    const file = path.relative(specsRoot, abs).split(path.sep).join('/');
    const doc: Json = JSON.parse(fs.readFileSync(abs, 'utf8'));
    const paths = doc?.paths;
    if (!paths || typeof paths !== 'object' || Object.keys(paths).length === 0) continue;
    const apiVersion: unknown = doc.info?.version;
    if (typeof apiVersion !== 'string' || !apiVersion) throw new Error(`${file}: a spec file with paths but no info.version`);
    const folderName = path.basename(path.dirname(abs));
    if (folderName !== apiVersion) throw new Error(`${file}: info.version is ${apiVersion} but the file is in folder ${folderName}`);
    out.push({ file, apiVersion });
  }
  return out;
}

/** Newest first, as ARM lists api-versions in provider documents. */
export function sortVersionsDesc(versions: Iterable<string>): string[] {
  return [...new Set(versions)].sort((a, b) => (a < b ? 1 : a > b ? -1 : 0));
}

/**
 * api-version -> the files that together define it (discovered ones, sorted, then
 * `everyVersion`), oldest version first. Explicit `apiVersions` are added as they are.
 */
export function providerApiVersions(specsRoot: string, provider: ManifestProvider): Record<string, ManifestFile[]> {
  const discovered = new Map<string, ManifestFile[]>();
  for (const folder of provider.specFolders ?? []) {
    for (const { file, apiVersion } of specFilesIn(specsRoot, folder)) {
      const files = discovered.get(apiVersion) ?? [];
      if (!files.includes(file)) files.push(file);
      discovered.set(apiVersion, files);
    }
  }
  if ((provider.specFolders?.length ?? 0) > 0 && discovered.size === 0) {
    throw new Error(`specs/manifest.json: ${provider.namespace} names spec folders that hold no spec file`);
  }
  const out: Record<string, ManifestFile[]> = {};
  for (const apiVersion of sortVersionsDesc([...discovered.keys(), ...Object.keys(provider.apiVersions ?? {})]).reverse()) {
    const found = discovered.get(apiVersion);
    const listed = provider.apiVersions?.[apiVersion];
    if (found && listed) throw new Error(`specs/manifest.json: ${provider.namespace} ${apiVersion} is both found in its spec folders and listed in apiVersions`);
    out[apiVersion] = found ? [...found.sort(), ...(provider.everyVersion ?? [])] : listed!;
  }
  return out;
}
