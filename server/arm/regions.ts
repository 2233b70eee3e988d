/**
 * The region catalog: Azure's public regions from the spec bundle, replaced or extended by a
 * --regions file. Locations are matched as ARM matches them (case and spaces ignored, display
 * names accepted); the canonical short name is what gets stored and returned.
 */
import * as fs from 'fs';
import type { Region } from '../openapi/bundleTypes';

export interface RegionsFile {
  /** "extend" (default) adds to Azure's catalog; "replace" serves only these regions. */
  mode?: 'extend' | 'replace';
  regions: Region[];
}

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

  static readFile(file: string): RegionsFile {
    const parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
    const regions = Array.isArray(parsed) ? parsed : parsed.regions;
    if (!Array.isArray(regions)) throw new Error(`${file}: expected an array of regions or {"mode": ..., "regions": [...]}`);
    for (const r of regions) {
      if (typeof r?.name !== 'string' || !/^[a-z0-9]+$/i.test(r.name)) throw new Error(`${file}: every region needs a "name" of letters and digits`);
    }
    return { mode: Array.isArray(parsed) ? 'extend' : parsed.mode ?? 'extend', regions };
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
