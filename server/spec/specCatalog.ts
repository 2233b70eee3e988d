/**
 * Everything the generated spec bundle provides at run time: the providers and their
 * api-versions, the resource-type manifest, the region catalog, and one validated
 * openapi-backend definition per (namespace, api-version). The bundle is loaded once at
 * start-up; each definition is built on its first use (a suite rarely touches all 17, and
 * building them is most of what start-up would otherwise spend after loading modules).
 */
import * as fs from 'fs';
import type { BundleProvider, BundleResourceType, DerivedFacts, Region, SpecBundle } from './bundleTypes';
import { Definition, routeKeyOf } from './definitions';
import { ownValue } from '../core/plainData';
import { packagePath } from '../core/packageRoot';

export const BUNDLE_FILE = packagePath('dist', 'specs', 'bundle.json');

export class SpecCatalog {
  private readonly definitions = new Map<string, Definition>();
  /** Route key -> the derived facts of that operation in each served api-version, newest first. */
  private routes?: Map<string, DerivedFacts[]>;

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
    return this.routeTable().has(routeKeyOf(method, template));
  }

  /**
   * What the specs say about the body of `method template` (see DerivedFacts), in every served
   * api-version that has the operation, newest first.
   */
  factsOf(method: string, template: string): readonly DerivedFacts[] {
    return this.routeTable().get(routeKeyOf(method, template)) ?? [];
  }

  private routeTable(): Map<string, DerivedFacts[]> {
    if (!this.routes) {
      const routes = new Map<string, DerivedFacts[]>();
      const documents = Object.entries(this.bundle.documents) as Array<[string, { paths?: Record<string, Record<string, { 'x-arclight-derived'?: DerivedFacts }>> }]>;
      // Keys are `namespace@api-version`: sorted descending, each route's facts come newest first.
      documents.sort(([a], [b]) => (a < b ? 1 : a > b ? -1 : 0));
      for (const [, document] of documents) {
        for (const [path, item] of Object.entries(document.paths ?? {})) {
          for (const [method, op] of Object.entries(item)) {
            const key = routeKeyOf(method, path);
            const facts = routes.get(key) ?? [];
            if (op?.['x-arclight-derived']) facts.push(op['x-arclight-derived']);
            routes.set(key, facts);
          }
        }
      }
      this.routes = routes;
    }
    return this.routes;
  }

  resourceType(namespace: string, type: string): BundleResourceType | undefined {
    const lower = type.toLowerCase();
    return this.provider(namespace)?.resourceTypes.find((t) => t.resourceType.toLowerCase() === lower);
  }
}
