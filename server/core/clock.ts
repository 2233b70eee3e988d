/**
 * The one clock every timestamp comes from: systemData, operation times, token iat/exp,
 * certificate validity, heartbeats. Real time by default; tests move it forward (never back)
 * or freeze it. Derived state (connectivity, LRO completion) is computed from it at read
 * time, so an advance is visible at once everywhere.
 */
export interface ClockState {
  /** Milliseconds added to real time while running. */
  offsetMs: number;
  /** Set while frozen: the instant the clock stands at. */
  frozenAtMs?: number;
}

export class ClockError extends Error {}

/**
 * The furthest ahead of now any timestamp Arclight derives can lie: the expiry of a certificate
 * of the longest lifetime --certificate-lifetime-days allows.
 */
export const MAX_DERIVED_DAYS = 3650;

/**
 * The instants the clock can stand at: 1970 to ten years before the end of year 9999. Every
 * timestamp Arclight writes is ISO 8601 with a four-digit year (a Date beyond +/-8.64e15 ms
 * cannot be written at all), and certificate expiries lie up to MAX_DERIVED_DAYS ahead of the
 * clock, so a later instant would break later responses.
 */
export const MIN_INSTANT_MS = 0;
export const MAX_INSTANT_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999) - (MAX_DERIVED_DAYS + 1) * 24 * 3600 * 1000;

const RANGE = `${new Date(MIN_INSTANT_MS).toISOString()} to ${new Date(MAX_INSTANT_MS).toISOString()}`;

export function isValidInstant(ms: number): boolean {
  return Number.isFinite(ms) && ms >= MIN_INSTANT_MS && ms <= MAX_INSTANT_MS;
}

export class Clock {
  private state: ClockState = { offsetMs: 0 };
  /** Called after every change, so the state can be persisted. */
  onChange?: (state: ClockState) => void;

  constructor(private readonly realNow: () => number = Date.now) {}

  nowMs(): number {
    return this.state.frozenAtMs ?? this.realNow() + this.state.offsetMs;
  }

  now(): Date {
    return new Date(this.nowMs());
  }

  /** ISO 8601 with milliseconds, as ARM writes timestamps. */
  iso(): string {
    return this.now().toISOString();
  }

  get frozen(): boolean {
    return this.state.frozenAtMs !== undefined;
  }

  snapshot(): ClockState {
    return { ...this.state };
  }

  restore(state: ClockState): void {
    this.state = { ...state };
  }

  advance(ms: number): void {
    if (!(ms >= 0) || !Number.isFinite(ms)) throw new ClockError('the clock only moves forward: give a non-negative duration');
    const target = this.nowMs() + ms;
    if (!isValidInstant(target)) throw new ClockError(`advancing by ${ms / 1000} seconds would move the clock past ${new Date(MAX_INSTANT_MS).toISOString()}, the last instant it can stand at`);
    this.setMs(target, this.frozen);
  }

  /** Stops the clock where it stands now. */
  freeze(): void {
    this.state = { offsetMs: 0, frozenAtMs: this.nowMs() };
    this.onChange?.(this.snapshot());
  }

  /** Moves the clock to an instant at or after now; `frozen` stops (or restarts) it there. */
  setMs(instantMs: number, frozen = this.frozen): void {
    const now = this.nowMs();
    if (!isValidInstant(instantMs)) {
      throw new ClockError(`not an instant the clock can stand at: give one from ${RANGE}`);
    }
    if (instantMs < now) {
      throw new ClockError(`the clock never moves backwards: ${new Date(instantMs).toISOString()} is before ${new Date(now).toISOString()}`);
    }
    this.state = frozen ? { offsetMs: 0, frozenAtMs: instantMs } : { offsetMs: instantMs - this.realNow() };
    this.onChange?.(this.snapshot());
  }
}

/** --clock-start: an ISO 8601 instant, optionally "frozen:<instant>" or "<instant>!". */
export interface ClockStart {
  atMs: number;
  frozen: boolean;
}

const ISO_INSTANT = /^(\d{4})-(\d{2})-(\d{2})(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})?)?$/i;

/** The instant --clock-start names, or undefined when it is not one (Date.parse alone takes "2030-02-30"). */
export function parseClockStart(text: string): ClockStart | undefined {
  const frozen = /^frozen:|!$/.test(text);
  const instant = text.replace(/^frozen:|!$/g, '');
  const m = ISO_INSTANT.exec(instant);
  if (!m) return undefined;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth) return undefined;
  const atMs = Date.parse(instant);
  return isValidInstant(atMs) ? { atMs, frozen } : undefined;
}

/**
 * What is wrong with a clock state read back from the database, or undefined when it is a
 * state this clock can run from: numbers, and a now the clock can stand at (see MAX_INSTANT_MS).
 */
export function clockStateProblem(state: unknown, realNowMs: number): string | undefined {
  if (typeof state !== 'object' || state === null || Array.isArray(state)) return `expected {offsetMs, frozenAtMs?}, found ${JSON.stringify(state)}`;
  const { offsetMs, frozenAtMs } = state as Record<string, unknown>;
  if (typeof offsetMs !== 'number' || !Number.isFinite(offsetMs)) return `offsetMs is ${JSON.stringify(offsetMs)}, not a number`;
  if (frozenAtMs !== undefined && (typeof frozenAtMs !== 'number' || !Number.isFinite(frozenAtMs))) return `frozenAtMs is ${JSON.stringify(frozenAtMs)}, not a number`;
  if (frozenAtMs !== undefined) return isValidInstant(frozenAtMs) ? undefined : `frozenAtMs ${frozenAtMs} is outside the instants the clock can stand at (${RANGE})`;
  return isValidInstant(realNowMs + offsetMs) ? undefined : `offsetMs ${offsetMs} puts now outside the instants the clock can stand at (${RANGE})`;
}

/** Parses an ISO 8601 duration (PnDTnHnMnS, PnW) into milliseconds. */
export function parseIsoDuration(text: string): number {
  const m = /^P(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/i.exec(text.trim());
  if (!m || text.trim().toUpperCase() === 'P' || /T$/i.test(text.trim())) throw new ClockError(`'${text.slice(0, 64)}' is not an ISO 8601 duration such as PT16M or P90D`);
  const [, w, d, h, min, s] = m.map((v) => (v === undefined ? 0 : Number(v)));
  return ((((w * 7 + d) * 24 + h) * 60 + min) * 60 + s) * 1000;
}
