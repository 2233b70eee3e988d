/**
 * Resources placed in an extended location: `extendedLocation: {type, name}` beside `location`,
 * ARM's contract for every type whose spec has the property (optional; immutable once the
 * resource exists; types `EdgeZone` and `CustomLocation`).
 *
 * The kit checks it on every PUT of such a type (the pipeline's projection keeps the property
 * only where the request schema declares it): a resource that exists keeps its extended
 * location, and a new one must name an extended location that its kind's rule accepts. The rule
 * of each kind comes from the provider that owns it (Microsoft.ExtendedLocation registers
 * `CustomLocation`), so the kit knows no provider; a kind no provider registered (EdgeZone) is
 * taken as sent.
 */
import { ArmError } from './armErrors';
import type { KitContext } from './context';
import type { Props, Write } from './resourceType';

/** Refuses (throws an ArmError) an extended location `name` of its kind that `w` cannot be placed in. */
export type ExtendedLocationRule = (name: string, w: Write<KitContext>) => void;

const rulesByContext = new WeakMap<KitContext, Map<string, ExtendedLocationRule>>();

/** Registers the rule of one kind of extended location (`CustomLocation`), matched case-insensitively. */
export function registerExtendedLocationKind(ctx: KitContext, type: string, rule: ExtendedLocationRule): void {
  const rules = rulesByContext.get(ctx) ?? new Map<string, ExtendedLocationRule>();
  rules.set(type.toLowerCase(), rule);
  rulesByContext.set(ctx, rules);
}

const same = (a: unknown, b: unknown) => typeof a === 'string' && typeof b === 'string' && a.toLowerCase() === b.toLowerCase();

/** The checks of a PUT body's `extendedLocation` (when the request carries one). */
export function checkExtendedLocation<C extends KitContext>(body: Props, w: Write<C>): void {
  const sent = body.extendedLocation as { type?: unknown; name?: unknown } | undefined;
  const previous = w.previous?.body.extendedLocation as { type?: unknown; name?: unknown } | undefined;
  if (previous && sent && !(same(previous.type, sent.type) && same(previous.name, sent.name))) {
    throw new ArmError(400, 'PropertyChangeNotAllowed',
      "Changing property 'extendedLocation' is not allowed: the extended location of a resource is set when it is created.",
      { target: 'extendedLocation' });
  }
  if (previous || !sent || typeof sent.type !== 'string' || typeof sent.name !== 'string') return;
  rulesByContext.get(w.ctx)?.get(sent.type.toLowerCase())?.(sent.name, w as unknown as Write<KitContext>);
}
