/**
 * PATCH as ARM applies it to every resource type: JSON merge-patch (RFC 7396) of what the
 * version's patch schema declares, and a refusal (not a silent drop) of anything else, since
 * what a patch schema leaves out is read-only or create-only.
 */
import { isDeepStrictEqual } from 'util';
import { ArmError } from './armErrors';
import type { ArmRequest } from './handlers';
import { copyOwn, isPlainObject, setOwn } from '../core/plainData';
import type { JsonObject } from '../../protocol/json';

/** JSON merge-patch (RFC 7396): null deletes, objects merge, everything else replaces. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return patch;
  const out: Record<string, unknown> = isPlainObject(target) ? copyOwn(target) : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else setOwn(out, k, mergePatch(Object.hasOwn(out, k) ? out[k] : undefined, v));
  }
  return out;
}

/**
 * Refuses top-level fields and `properties.*` fields the request schema does not declare
 * (the pipeline's projection dropped them from `req.body`), unless they carry the value the
 * resource already has: clients send back what they read (the 2021-03-01 connectedClusters
 * PATCH example carries the cluster's own key). `what` names the resource in the message,
 * e.g. "a connected cluster"; `same` compares a sent value with the current one.
 */
export function refuseUnpatchable(
  req: ArmRequest,
  what: string,
  current: JsonObject,
  same: (field: string, sent: unknown, current: unknown) => boolean = (_f, a, b) => isDeepStrictEqual(a, b),
): void {
  const raw = (req.rawBody ?? {}) as Record<string, unknown>;
  const kept = req.body as Record<string, unknown>;
  const keptProperties = (kept.properties ?? {}) as Record<string, unknown>;
  const refused: string[] = [];
  for (const [k, v] of Object.entries(raw)) {
    if (k === 'properties' && v && typeof v === 'object' && !Array.isArray(v)) {
      for (const [p, pv] of Object.entries(v)) {
        if (!Object.hasOwn(keptProperties, p) && !same(`properties.${p}`, pv, current.properties?.[p])) refused.push(`properties.${p}`);
      }
    } else if (!Object.hasOwn(kept, k) && !same(k, v, current[k])) {
      refused.push(k);
    }
  }
  if (refused.length) {
    throw new ArmError(400, 'PropertyChangeNotAllowed',
      `Changing property '${refused[0]}' is not allowed. A PATCH of ${what} in api-version '${req.apiVersion}' can change ${patchableList(req)}.`, { target: refused[0] });
  }
}

function patchableList(req: ArmRequest): string {
  const schema = req.operation.requestSchema;
  const top = Object.keys(schema?.properties ?? {}).filter((n) => n !== 'properties').join(', ');
  const props = Object.keys(schema?.properties?.properties?.properties ?? {}).map((n) => `'${n}'`).join(', ');
  if (!props) return top ? `${top} only` : 'nothing';
  return top ? `${top} and properties ${props}` : `properties ${props}`;
}
