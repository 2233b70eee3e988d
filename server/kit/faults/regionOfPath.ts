/**
 * The region an ARM path is about, for fault rules that match on region: the `locations/{x}`
 * segment of the path (operation status URLs, location-scoped calls), else the location of what
 * it addresses as stored, else of the nearest stored resource it lies inside. A PUT that
 * creates a resource is about the location in its body, which the fault stage does not read:
 * such a request matches on region only once the resource exists (its long-running operation
 * does, since it starts after the resource is stored).
 */
import type { Store } from '../../store';
import { ancestorIds, armKey } from '../resourceIds';

export function regionOfPath(s: { store: Store }, segments: readonly string[], normalise: (region: string) => string): string | undefined {
  for (let i = segments.length - 2; i >= 0; i--) {
    if (segments[i].toLowerCase() === 'locations') return normalise(safeDecode(segments[i + 1]));
  }
  if (segments.length < 4 || segments[0].toLowerCase() !== 'subscriptions') return undefined;
  const self = `/${segments.map(safeDecode).join('/')}`;
  for (const id of [self, ...ancestorIds(segments).reverse()]) {
    const location = s.store.resources.get(armKey(id))?.body.location;
    if (typeof location === 'string' && location) return normalise(location);
  }
  return undefined;
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
