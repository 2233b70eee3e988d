/**
 * Write-only values of configuration resources (configurationProtectedSettings, storage keys,
 * client secrets, TLS private keys): taken out of the properties before anything is stored or
 * rendered, kept in the secrets table by dotted path under `properties`, and put back only
 * for the cluster's own agents.
 */
export type WriteOnlyValues = Record<string, unknown>;
type Props = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function parentOf(target: Props, path: string, create: boolean): { holder?: Props; key: string } {
  const parts = path.split('.');
  let node: Props | undefined = target;
  for (const part of parts.slice(0, -1)) {
    const next: unknown = node?.[part];
    if (next === undefined && create && node) node[part] = {};
    else if (!next || typeof next !== 'object' || Array.isArray(next)) return { key: parts[parts.length - 1] };
    node = node?.[part];
  }
  return { holder: node, key: parts[parts.length - 1] };
}

function valueAt(target: Props, path: string): unknown {
  const { holder, key } = parentOf(target, path, false);
  return holder?.[key];
}

/** Removes the values at `paths` from a copy of `properties`; returns both. */
export function takeWriteOnly(properties: Props, paths: readonly string[]): { properties: Props; values: WriteOnlyValues } {
  const copy = structuredClone(properties);
  const values: WriteOnlyValues = {};
  for (const path of paths) {
    const { holder, key } = parentOf(copy, path, false);
    if (holder && holder[key] !== undefined) {
      values[path] = holder[key];
      delete holder[key];
    }
  }
  return { properties: copy, values };
}

/**
 * The values after a PATCH: what the patch names replaces (a map such as
 * configurationProtectedSettings as a whole, as Azure does), null removes it, and the rest is
 * kept while the object that holds it still exists in the patched properties.
 */
export function patchWriteOnly(previous: WriteOnlyValues, patch: WriteOnlyValues, patched: Props): WriteOnlyValues {
  const out: WriteOnlyValues = {};
  for (const [path, value] of Object.entries({ ...previous, ...patch })) {
    if (value === null) continue;
    const holderPath = path.split('.').slice(0, -1).join('.');
    if (holderPath && valueAt(patched, holderPath) === undefined) continue;
    out[path] = value;
  }
  return out;
}

/** The properties with the write-only values put back (for the cluster's agents only). */
export function withWriteOnly(properties: Props, values: WriteOnlyValues | undefined): Props {
  const copy = structuredClone(properties);
  for (const [path, value] of Object.entries(values ?? {})) {
    const { holder, key } = parentOf(copy, path, true);
    if (holder) holder[key] = value;
  }
  return copy;
}
