/**
 * Everything the generated spec bundle provides at run time: the providers and their
 * api-versions, the resource-type manifest, the region catalog, the route table, and one
 * validated openapi-backend definition per (namespace, api-version). The bundle is read once at
 * start-up; each definition's document is read and built on its first use (a suite rarely
 * touches all of them, and reading them is most of what start-up would otherwise spend).
 */
import * as fs from 'fs';
import type { BundleProvider, BundleResourceType, DerivedFacts, Region, SpecBundle } from './bundleTypes';
import { Definition, routeKeyOf } from './definitions';
import { ownValue } from '../core/plainData';
import { packagePath } from '../core/packageRoot';
import { documentFile, documentsDir } from './bundleFiles';
import type { JsonObject } from '../../protocol/json';

export const BUNDLE_FILE = packagePath('dist', 'specs', 'bundle.json');

export class SpecCatalog {
  private readonly definitions = new Map<string, Definition>();
  private readonly documentKeys: ReadonlySet<string>;

  constructor(readonly bundle: SpecBundle, private readonly documentsFolder: string) {
    this.documentKeys = new Set(bundle.documentKeys);
  }

  static load(file = BUNDLE_FILE): SpecCatalog {
    if (!fs.existsSync(file)) throw new Error(`spec bundle not found at ${file}: run "npm run build" first`);
    return new SpecCatalog(JSON.parse(fs.readFileSync(file, 'utf8')) as SpecBundle, documentsDir(file));
  }

  get regions(): Region[] {
    return this.bundle.regions;
  }

  /** The provider of `namespace` as a client spells it (so "constructor" is no provider). */
  provider(namespace: string): BundleProvider | undefined {
    return ownValue(this.bundle.providers, namespace.toLowerCase());
  }

  providers(): BundleProvider[] {
    return Object.values(this.bundle.providers);
  }

  definition(namespace: string, apiVersion: string): Definition | undefined {
    const key = ownValue(this.provider(namespace)?.definitions, apiVersion.toLowerCase());
    return key ? this.build(key) : undefined;
  }

  /** Every definition (building those not used yet). */
  allDefinitions(): Definition[] {
    return this.bundle.documentKeys.map((key) => this.build(key));
  }

  /** How many definitions the bundle holds, built or not. */
  get definitionCount(): number {
    return this.bundle.documentKeys.length;
  }

  /** How many definitions have been built so far. */
  get builtCount(): number {
    return this.definitions.size;
  }

  /** The OpenAPI document `key` (`Microsoft.Kubernetes@2024-01-01`), read from its file (a fresh copy each time). */
  document(key: string): JsonObject {
    if (!this.documentKeys.has(key)) throw new Error(`spec bundle has no document ${key}`);
    return JSON.parse(fs.readFileSync(documentFile(this.documentsFolder, key), 'utf8')) as JsonObject;
  }

  private build(key: string): Definition {
    let definition = this.definitions.get(key);
    if (!definition) {
      definition = new Definition(key, this.document(key));
      this.definitions.set(key, definition);
    }
    return definition;
  }

  /** Whether any served api-version has the operation `method template` (from the bundle's route table, building nothing). */
  hasRoute(method: string, template: string): boolean {
    return Object.hasOwn(this.bundle.routes, routeKeyOf(method, template));
  }

  /**
   * What the specs say about the body of the write `method template` (PUT or PATCH; see
   * DerivedFacts), as the served api-versions that have it say it, newest first.
   */
  factsOf(method: string, template: string): readonly DerivedFacts[] {
    return ownValue(this.bundle.routes, routeKeyOf(method, template)) ?? [];
  }

  resourceType(namespace: string, type: string): BundleResourceType | undefined {
    const lower = type.toLowerCase();
    return this.provider(namespace)?.resourceTypes.find((t) => t.resourceType.toLowerCase() === lower);
  }
}
