/**
 * Everything the generated spec bundle provides at run time: the providers and their
 * api-versions, the resource-type manifest, the region catalog, and one validated
 * openapi-backend definition per (namespace, api-version). The bundle is loaded once at
 * start-up; each definition is built on its first use (a suite rarely touches all 17, and
 * building them is most of what start-up would otherwise spend after loading modules).
 */
import * as fs from 'fs';
import * as path from 'path';
import type { BundleProvider, BundleResourceType, Region, SpecBundle } from './bundleTypes';
import { Definition, routeKeyOf } from './definitions';
import { ownValue } from '../core/plainData';

export const BUNDLE_FILE = path.resolve(__dirname, '..', '..', 'specs', 'bundle.json');

export class SpecCatalog {
  private readonly definitions = new Map<string, Definition>();
  private routeKeys?: Set<string>;

  constructor(readonly bundle: SpecBundle) {}

  static load(file = BUNDLE_FILE): SpecCatalog {
    if (!fs.existsSync(file)) throw new Error(`spec bundle not found at ${file}: run "npm run build" first`);
    return new SpecCatalog(JSON.parse(fs.readFileSync(file, 'utf8')) as SpecBundle);
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
    return Object.keys(this.bundle.documents).map((key) => this.build(key));
  }

  /** How many definitions the bundle holds, built or not. */
  get definitionCount(): number {
    return Object.keys(this.bundle.documents).length;
  }

  /** How many definitions have been built so far. */
  get builtCount(): number {
    return this.definitions.size;
  }

  private build(key: string): Definition {
    let definition = this.definitions.get(key);
    if (!definition) {
      definition = new Definition(key, this.bundle.documents[key]);
      this.definitions.set(key, definition);
    }
    return definition;
  }

  /**
   * Whether any served api-version has the operation `method template` (read from the bundle's
   * documents, without building their validators).
   */
  hasRoute(method: string, template: string): boolean {
    if (!this.routeKeys) {
      this.routeKeys = new Set();
      for (const document of Object.values(this.bundle.documents) as Array<{ paths?: Record<string, Record<string, unknown>> }>) {
        for (const [path, item] of Object.entries(document.paths ?? {})) for (const m of Object.keys(item)) this.routeKeys.add(routeKeyOf(m, path));
      }
    }
    return this.routeKeys.has(routeKeyOf(method, template));
  }

  resourceType(namespace: string, type: string): BundleResourceType | undefined {
    const lower = type.toLowerCase();
    return this.provider(namespace)?.resourceTypes.find((t) => t.resourceType.toLowerCase() === lower);
  }
}
