/**
 * The fault rules a test suite has set: which requests they match, and when they fire (for the
 * next N matches, with a seeded probability, until an instant of the emulator clock). The
 * gateway's fault stage asks for a request's fault; AsyncOperations asks, when an operation
 * starts, whether it is to end Failed or Canceled. Rules are matched in the order they were
 * added; the first that fires wins, and a request meets at most one fault.
 *
 * The hot path is a length check: with no rule, nothing here runs (see gateway/faultStage.ts).
 */
import { randomUUID } from 'crypto';
import type { Clock } from '../../core/clock';
import type { DomainEvents } from '../events';
import { ArmError } from '../armErrors';
import { FaultEffect, FaultEffectKind, FaultMatch, FaultOperation, FaultRuleSpec, parseFaultRule } from './ruleShape';
import { SeededRandom } from './seededRandom';
import { PathGlob } from './pathGlob';

/** What a rule can be matched against, for one request (or one operation being started). */
export interface FaultFacts {
  method: string;
  /** The request path, without its query. */
  path: string;
  apiVersion?: string;
  subscriptionId?: string;
  /** `Namespace/type[/child]`. */
  resourceType?: string;
  operation: FaultOperation;
  /** The caller's object id, application id and user name, as far as its token tells them. */
  principals: readonly string[];
  /** The region the request is about (looked up only when a rule asks). */
  region(): string | undefined;
}

/** A rule as listed. */
export interface FaultRuleView {
  id: string;
  match: FaultMatch;
  effect: FaultEffect;
  count?: number;
  /** Fires left before the rule stops (with count). */
  remaining?: number;
  probability?: number;
  seed?: number;
  until?: string;
  fired: number;
  /** False once count is used up or the clock has passed until. */
  active: boolean;
  createdAt: string;
}

/** A fault that fired: the rule and what it does. */
export interface FiredFault {
  ruleId: string;
  effect: FaultEffect;
}

interface Rule {
  id: string;
  spec: FaultRuleSpec;
  createdAtMs: number;
  fired: number;
  random?: SeededRandom;
  path?: PathGlob;
  /** The rule's region, normalised like the facts' regions. */
  region?: string;
}

/** More rules than any suite needs: each request may walk them all. */
export const MAX_RULES = 1000;

const same = (a: string | undefined, b: string | undefined) => a !== undefined && b !== undefined && a.toLowerCase() === b.toLowerCase();

export class FaultRules {
  private readonly rules = new Map<string, Rule>();
  /** Rules that may still fire on requests, and on operations being started: the only lists matching reads. */
  private requestRules: Rule[] = [];
  private operationRules: Rule[] = [];

  constructor(
    private readonly clock: Clock,
    private readonly events: DomainEvents,
    /** A region's name as the facts give it ('East US' -> 'eastus'), or undefined for no region Arclight knows. */
    private readonly resolveRegion: (region: string) => string | undefined,
  ) {}

  /** Adds a rule as sent by a client; throws a 400 ArmError naming the bad field. */
  add(input: unknown): FaultRuleView {
    const spec = parseFaultRule(input);
    const region = spec.match.region !== undefined ? this.resolveRegion(spec.match.region) : undefined;
    // A rule on a region no request can be about would never fire: say so now, not by silence.
    if (spec.match.region !== undefined && region === undefined) {
      throw new ArmError(400, 'InvalidFaultRule', `The fault rule's 'match.region' names no region Arclight knows ('${spec.match.region}').`, { target: 'match.region' });
    }
    if (this.rules.size >= MAX_RULES) throw new ArmError(400, 'TooManyFaultRules', `At most ${MAX_RULES} fault rules can be set; delete some first (DELETE /_arclight/faults).`);
    const rule: Rule = {
      id: randomUUID(),
      spec,
      createdAtMs: this.clock.nowMs(),
      fired: 0,
      random: spec.probability !== undefined ? new SeededRandom(spec.seed ?? 0) : undefined,
      path: spec.match.path !== undefined ? new PathGlob(spec.match.path) : undefined,
      region,
    };
    this.rules.set(rule.id, rule);
    this.refresh();
    return this.view(rule);
  }

  list(): FaultRuleView[] {
    return [...this.rules.values()].map((r) => this.view(r));
  }

  get(id: string): FaultRuleView | undefined {
    const rule = this.rules.get(id);
    return rule && this.view(rule);
  }

  remove(id: string): boolean {
    const removed = this.rules.delete(id);
    if (removed) this.refresh();
    return removed;
  }

  clear(): void {
    this.rules.clear();
    this.refresh();
  }

  /** Whether any rule may fire on a request: the fault stage's one check. */
  get hasRequestRules(): boolean {
    return this.requestRules.length > 0;
  }

  /** Whether any rule may decide an operation's outcome (then the stage keeps each request's facts at hand). */
  get hasOperationRules(): boolean {
    return this.operationRules.length > 0;
  }

  /** The fault a request meets, if any; counts it as fired. */
  forRequest(facts: FaultFacts): FiredFault | undefined {
    return this.first(this.requestRules, facts);
  }

  /** The outcome forced on an operation being started by a request with these facts, if any; counts it as fired. */
  forOperation(facts: FaultFacts, operationId: string): FiredFault | undefined {
    return this.first(this.operationRules, facts, operationId);
  }

  private first(rules: Rule[], facts: FaultFacts, operationId?: string): FiredFault | undefined {
    if (!rules.length) return undefined;
    const now = this.clock.nowMs();
    let stale = false;
    let fired: FiredFault | undefined;
    for (const rule of rules) {
      if (!this.isActive(rule, now)) {
        stale = true;
        continue;
      }
      if (!this.matches(rule, facts)) continue;
      // The draw is made per match, so the sequence of outcomes depends only on the seed and the matches.
      if (rule.random && rule.random.next() >= rule.spec.probability!) continue;
      rule.fired++;
      if (!this.isActive(rule, now)) stale = true;
      fired = { ruleId: rule.id, effect: rule.spec.effect };
      break;
    }
    if (stale) this.refresh();
    if (fired) {
      const status = fired.effect.kind === 'error' ? fired.effect.status : undefined;
      this.events.emit({
        type: 'fault.fired', ruleId: fired.ruleId, effect: fired.effect.kind, method: facts.method, path: facts.path, atMs: now,
        ...(status !== undefined ? { status } : {}), ...(operationId ? { operationId } : {}),
      });
    }
    return fired;
  }

  private matches(rule: Rule, facts: FaultFacts): boolean {
    const m = rule.spec.match;
    if (m.method && !m.method.includes(facts.method)) return false;
    if (m.operation !== undefined && m.operation !== facts.operation) return false;
    if (m.resourceType !== undefined && !same(m.resourceType, facts.resourceType)) return false;
    if (m.apiVersion !== undefined && !same(m.apiVersion, facts.apiVersion)) return false;
    if (m.subscription !== undefined && !same(m.subscription, facts.subscriptionId)) return false;
    if (m.principal !== undefined && !facts.principals.some((p) => same(p, m.principal))) return false;
    if (rule.path && !rule.path.matches(facts.path)) return false;
    if (rule.region !== undefined && rule.region !== facts.region()) return false;
    return true;
  }

  private isActive(rule: Rule, now: number): boolean {
    if (rule.spec.count !== undefined && rule.fired >= rule.spec.count) return false;
    return rule.spec.untilMs === undefined || now < rule.spec.untilMs;
  }

  private refresh(): void {
    const now = this.clock.nowMs();
    const active = [...this.rules.values()].filter((r) => this.isActive(r, now));
    this.requestRules = active.filter((r) => r.spec.effect.kind !== 'operation');
    this.operationRules = active.filter((r) => r.spec.effect.kind === 'operation');
  }

  private view(rule: Rule): FaultRuleView {
    const { spec } = rule;
    // Copies: what a caller does with a listed rule does not change the rule.
    const view: FaultRuleView = { id: rule.id, match: structuredClone(spec.match), effect: structuredClone(spec.effect), fired: rule.fired, active: this.isActive(rule, this.clock.nowMs()), createdAt: new Date(rule.createdAtMs).toISOString() };
    if (spec.count !== undefined) Object.assign(view, { count: spec.count, remaining: Math.max(0, spec.count - rule.fired) });
    if (spec.probability !== undefined) Object.assign(view, { probability: spec.probability, seed: spec.seed ?? 0 });
    if (spec.untilMs !== undefined) view.until = new Date(spec.untilMs).toISOString();
    return view;
  }
}

export type { FaultEffect, FaultEffectKind, FaultMatch, FaultOperation };
