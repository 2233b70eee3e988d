/**
 * The request journal: the last N requests (--journal-size; 0 keeps none), newest first when
 * read, for tests that assert on what their code sent (GET /_arclight/requests,
 * arclight.requests). Every entry keeps what identifies the request; the newest BODIES_KEPT
 * also keep the request's headers and JSON body as they arrived, redacted as the log redacts
 * only when read. Both are kept as text in byte rings (see byteRing.ts): a full journal of
 * 10,000 costs a few MiB, and no object per request. Response bodies are not kept: they are
 * what reading the resource returns.
 */
import { redact } from '../core/log';
import { ByteRing } from './byteRing';

export const BODIES_KEPT = 500;
/** Room per entry on average (what identifies a request takes 200-300 bytes), and per kept body. */
const ENTRY_BYTES = 320;
const BODY_BYTES = 2048;

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

/** What is recorded: the entry with its time as a number, and the raw headers and body text. */
export interface RecordedRequest extends Omit<JournalEntry, 'time'> {
  timeMs: number;
  /** Node's `rawHeaders`: names and values, alternating. */
  rawHeaders?: string[];
  bodyText?: string;
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

function accepts(e: RecordedRequest, f: JournalFilter): boolean {
  return same(e.method, f.method) && same(e.apiVersion, f.apiVersion) && same(e.errorCode, f.errorCode) && same(e.principal, f.principal)
    && same(e.clientRequestId, f.clientRequestId) && same(e.fault, f.fault)
    && (f.status === undefined || e.status === f.status)
    && (f.path === undefined || e.path.toLowerCase().includes(f.path.toLowerCase()));
}

function headersOf(raw: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i].toLowerCase();
    out[name] = Object.hasOwn(out, name) ? `${out[name]}, ${raw[i + 1]}` : raw[i + 1];
  }
  return out;
}

function bodyOf(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

type Packed = [string, number, string, string, string | null, number, string | null, number, string | null, string | null, string | null];

const pack = (r: RecordedRequest): Packed =>
  [r.id, r.timeMs, r.method, r.path, r.apiVersion, r.status, r.errorCode, r.durationMs, r.principal, r.clientRequestId, r.fault];

const unpack = (p: Packed): RecordedRequest => ({
  id: p[0], timeMs: p[1], method: p[2], path: p[3], apiVersion: p[4], status: p[5], errorCode: p[6], durationMs: p[7], principal: p[8], clientRequestId: p[9], fault: p[10],
});

function detail(r: RecordedRequest, kept: { rawHeaders?: string[]; bodyText?: string } | undefined): JournalDetail {
  const out: JournalDetail = {
    id: r.id, time: new Date(r.timeMs).toISOString(), method: r.method, path: r.path, apiVersion: r.apiVersion, status: r.status,
    errorCode: r.errorCode, durationMs: r.durationMs, principal: r.principal, clientRequestId: r.clientRequestId, fault: r.fault,
  };
  if (kept?.rawHeaders) out.requestHeaders = redact(headersOf(kept.rawHeaders)) as Record<string, unknown>;
  if (kept?.bodyText !== undefined) out.requestBody = redact(bodyOf(kept.bodyText));
  return out;
}

export class RequestJournal {
  private readonly entries: ByteRing;
  private readonly bodies: ByteRing;

  constructor(readonly size: number) {
    this.entries = new ByteRing(size * ENTRY_BYTES, size);
    this.bodies = new ByteRing(Math.min(size, BODIES_KEPT) * BODY_BYTES, Math.min(size, BODIES_KEPT));
  }

  get enabled(): boolean {
    return this.size > 0;
  }

  record(r: RecordedRequest): void {
    if (!this.enabled) return;
    this.entries.push(JSON.stringify(pack(r)));
    if (r.rawHeaders || r.bodyText !== undefined) this.bodies.push(JSON.stringify([r.id, r.rawHeaders ?? null, r.bodyText ?? null]));
  }

  /** Newest first, with the redacted headers and body where they are still kept. */
  list(filter: JournalFilter = {}): JournalDetail[] {
    const kept = new Map<string, { rawHeaders?: string[]; bodyText?: string }>();
    for (const text of this.bodies.newestFirst()) {
      const [id, rawHeaders, bodyText] = JSON.parse(text) as [string, string[] | null, string | null];
      kept.set(id, { rawHeaders: rawHeaders ?? undefined, bodyText: bodyText ?? undefined });
    }
    const out: JournalDetail[] = [];
    const limit = filter.limit ?? Infinity;
    for (const text of this.entries.newestFirst()) {
      if (out.length >= limit) break;
      const r = unpack(JSON.parse(text) as Packed);
      if (accepts(r, filter)) out.push(detail(r, kept.get(r.id)));
    }
    return out;
  }

  clear(): void {
    this.entries.clear();
    this.bodies.clear();
  }
}
