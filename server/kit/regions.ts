/**
 * The region catalog: Azure's public regions from the spec bundle, replaced or extended by a
 * --regions file. Locations are matched as ARM matches them (case and spaces ignored, display
 * names accepted); the canonical short name is what gets stored and returned.
 */
import type { Region } from '../spec/bundleTypes';
import { arrayOrObject, listOf, object, oneOf, optional, readJsonFile, required, text } from '../core/jsonShape';

export interface RegionsFile {
  /** "extend" (default) adds to Azure's catalog; "replace" serves only these regions. */
  mode?: 'extend' | 'replace';
  regions: Region[];
}

/** The region metadata Azure's subscriptions API returns (GET /subscriptions/{id}/locations). */
const REGION_METADATA = object({
  regionType: optional(oneOf('Physical', 'Logical')),
  regionCategory: optional(oneOf('Recommended', 'Extended', 'Other')),
  geography: optional(text()),
  geographyGroup: optional(text()),
  longitude: optional(text('a longitude such as "-79.8164"', { pattern: /^-?\d{1,3}(?:\.\d+)?$/ })),
  latitude: optional(text('a latitude such as "37.3719"', { pattern: /^-?\d{1,2}(?:\.\d+)?$/ })),
  physicalLocation: optional(text()),
  pairedRegion: optional(listOf(object({ name: required(text()), id: optional(text()), subscriptionId: optional(text()) }))),
  homeLocation: optional(text()),
});

const REGION = object({
  name: required(text('a region name of letters and digits', { pattern: /^[a-z0-9]+$/i })),
  displayName: optional(text()),
  regionalDisplayName: optional(text()),
  metadata: optional(REGION_METADATA),
});

const REGIONS = listOf(REGION, { expected: 'an array of regions' });
const REGIONS_FILE = arrayOrObject('an array of regions or {"mode": ..., "regions": [...]}', REGIONS, object({
  mode: optional(oneOf('extend', 'replace')),
  regions: required(REGIONS),
}));

const squash = (s: string) => s.replace(/\s+/g, '').toLowerCase();

export class RegionCatalog {
  private readonly byKey = new Map<string, Region>();
  private readonly sets = new Map<string, Region[]>();
  readonly regions: Region[];

  constructor(builtIn: Region[], regionSets: Record<string, string[]>, file?: RegionsFile) {
    const custom = (file?.regions ?? []).map(normalise);
    const replace = file?.mode === 'replace';
    const builtInKept = replace ? [] : builtIn.filter((r) => !custom.some((c) => squash(c.name) === squash(r.name)));
    this.regions = [...builtInKept, ...custom];
    for (const region of this.regions) {
      this.byKey.set(squash(region.name), region);
      this.byKey.set(squash(region.displayName), region);
    }
    // Custom regions are offered for every resource type; a replaced catalog offers all of its regions everywhere.
    for (const [name, members] of Object.entries(regionSets)) {
      const fromSet = replace || members.includes('*')
        ? this.regions
        : members.map((m) => this.byKey.get(squash(m))).filter((r): r is Region => !!r).concat(custom);
      this.sets.set(name, [...new Set(fromSet)]);
    }
  }

  /** Reads and checks a --regions file; every mistake names the file and its JSON path. */
  static readFile(file: string): RegionsFile {
    const parsed = readJsonFile<Region[] | RegionsFile>('--regions', file, REGIONS_FILE);
    return Array.isArray(parsed) ? { mode: 'extend', regions: parsed } : { mode: parsed.mode ?? 'extend', regions: parsed.regions };
  }

  /** The region a user-supplied location means, or undefined. */
  resolve(location: string): Region | undefined {
    return this.byKey.get(squash(location));
  }

  /** The regions a resource type is offered in ("global" types have none). */
  set(name: string): Region[] {
    return this.sets.get(name) ?? [];
  }
}

function normalise(r: Region): Region {
  const name = r.name.toLowerCase();
  const displayName = r.displayName ?? r.name;
  return { ...r, name, displayName, regionalDisplayName: r.regionalDisplayName ?? displayName };
}
