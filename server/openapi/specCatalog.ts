/**
 * Everything the generated spec bundle provides at run time: the providers and their
 * api-versions, the resource-type manifest, the region catalog, and one validated
 * openapi-backend definition per (namespace, api-version). Loaded once at start-up.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { BundleProvider, BundleResourceType, Region, SpecBundle } from './bundleTypes';
import { Definition } from './definitions';

export const BUNDLE_FILE = path.resolve(__dirname, '..', '..', 'specs', 'bundle.json');

export class SpecCatalog {
  private readonly definitions = new Map<string, Definition>();

  constructor(readonly bundle: SpecBundle) {
    for (const [key, doc] of Object.entries(bundle.documents)) this.definitions.set(key, new Definition(key, doc));
  }

  static load(file = BUNDLE_FILE): SpecCatalog {
    if (!fs.existsSync(file)) throw new Error(`spec bundle not found at ${file}: run "npm run build" first`);
    return new SpecCatalog(JSON.parse(fs.readFileSync(file, 'utf8')) as SpecBundle);
  }

  get regions(): Region[] {
    return this.bundle.regions;
  }

  provider(namespace: string): BundleProvider | undefined {
    return this.bundle.providers[namespace.toLowerCase()];
  }

  providers(): BundleProvider[] {
    return Object.values(this.bundle.providers);
  }

  definition(namespace: string, apiVersion: string): Definition | undefined {
    const key = this.provider(namespace)?.definitions[apiVersion.toLowerCase()];
    return key ? this.definitions.get(key) : undefined;
  }

  allDefinitions(): Definition[] {
    return [...this.definitions.values()];
  }

  resourceType(namespace: string, type: string): BundleResourceType | undefined {
    const lower = type.toLowerCase();
    return this.provider(namespace)?.resourceTypes.find((t) => t.resourceType.toLowerCase() === lower);
  }
}
