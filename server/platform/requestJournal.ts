/**
 * The request journal: the last N requests (--journal-size; 0 keeps none) as a ring, newest
 * first when read, for tests that assert on what their code sent (GET /_arclight/requests,
 * arclight.requests). Every entry keeps what identifies the request; the headers and the ARM
 * request body are kept for the newest BODIES_KEPT entries only, so a journal of 10,000
 * requests costs about what its entries do, and they are redacted, as the log redacts, when
 * read. Response bodies are not kept: they are what reading the resource returns.
 */
import { redact } from '../core/log';

export const BODIES_KEPT = 1000;

export interface JournalEntry {
  /** The request's x-ms-request-id. */
  id: string;
  /** On the emulator clock, when the request arrived. */
  time: string;
  method: string;
  path: string;
  apiVersion: string | null;
  status: number;
  /** The error code of an error answer (ARM's error.code, the token service's error). */
  errorCode: string | null;
  durationMs: number;
  /** Who the bearer token named (its UPN, else its app or object id); null without one. */
  principal: string | null;
  clientRequestId: string | null;
  /** The fault rule that answered the request instead of Arclight, if one did. */
  fault: string | null;
}

export interface JournalDetail extends JournalEntry {
  requestHeaders?: Record<string, unknown>;
  requestBody?: unknown;
}

interface Recorded {
  entry: JournalEntry;
  headers?: Record<string, unknown>;
  body?: unknown;
}

/** What GET /_arclight/requests filters on: every field equal (text ignoring case), `path` containing. */
export interface JournalFilter {
  method?: string;
  path?: string;
  apiVersion?: string;
  status?: number;
  errorCode?: string;
  principal?: string;
  clientRequestId?: string;
  fault?: string;
  /** At most this many, newest first (default: all). */
  limit?: number;
}

const same = (a: string | null, b: string | undefined) => b === undefined || (a !== null && a.toLowerCase() === b.toLowerCase());

function accepts(e: JournalEntry, f: JournalFilter): boolean {
  return same(e.method, f.method) && same(e.apiVersion, f.apiVersion) && same(e.errorCode, f.errorCode) && same(e.principal, f.principal)
    && same(e.clientRequestId, f.clientRequestId) && same(e.fault, f.fault)
    && (f.status === undefined || e.status === f.status)
    && (f.path === undefined || e.path.toLowerCase().includes(f.path.toLowerCase()));
}

export class RequestJournal {
  private readonly ring: Array<Recorded | undefined>;
  private next = 0;

  constructor(readonly size: number) {
    this.ring = new Array<Recorded | undefined>(size);
  }

  get enabled(): boolean {
    return this.size > 0;
  }

  record(entry: JournalEntry, headers?: Record<string, unknown>, body?: unknown): void {
    if (!this.enabled) return;
    // The entry BODIES_KEPT back loses its bodies as this one takes its place among the newest.
    const aging = this.ring[(this.next - BODIES_KEPT + this.size * 2) % this.size];
    if (aging && this.size > BODIES_KEPT) {
      aging.headers = undefined;
      aging.body = undefined;
    }
    this.ring[this.next] = { entry, headers, body };
    this.next = (this.next + 1) % this.size;
  }

  /** Newest first, with the redacted headers and body where they are still kept. */
  list(filter: JournalFilter = {}): JournalDetail[] {
    const out: JournalDetail[] = [];
    const limit = filter.limit ?? Infinity;
    for (let i = 1; i <= this.size && out.length < limit; i++) {
      const r = this.ring[(this.next - i + this.size) % this.size];
      if (!r) break;
      if (!accepts(r.entry, filter)) continue;
      const detail: JournalDetail = { ...r.entry };
      if (r.headers) detail.requestHeaders = redact(r.headers) as Record<string, unknown>;
      if (r.body !== undefined) detail.requestBody = redact(r.body);
      out.push(detail);
    }
    return out;
  }

  clear(): void {
    this.ring.fill(undefined);
    this.next = 0;
  }
}
