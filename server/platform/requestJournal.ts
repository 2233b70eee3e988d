/**
 * The request journal: the last N requests (--journal-size; 0 keeps none), newest first when
 * read, for tests that assert on what their code sent (GET /_arclight/requests,
 * arclight.requests). Every entry keeps what identifies the request; the newest BODIES_KEPT
 * also keep the request's headers and JSON body as they arrived, redacted as the log redacts
 * only when read (but for the values of headers redacted whole, which are not kept). Both are
 * kept as text in byte rings (see byteRing.ts): a full journal of
 * 10,000 costs a few MiB, and no object per request. Response bodies are not kept: they are
 * what reading the resource returns.
 */
import { isSecretField, redact } from '../core/log';
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

/*
 * The rings' texts are lines, not JSON: JSON.stringify, for every request, cost more than the
 * rest of keeping it. An entry is its fields one a line, in JournalEntry's order. A text field
 * that could hold a line break (a principal, an error code, a fault rule's id), or be mistaken
 * for null or for JSON, is written as JSON; null is an empty line.
 */
const line = (v: string | null) => (v === null ? '' : v === '' || v.startsWith('"') || v.includes('\n') ? JSON.stringify(v) : v);
const unline = (l: string): string | null => (l === '' ? null : l.startsWith('"') ? (JSON.parse(l) as string) : l);

const pack = (r: RecordedRequest): string =>
  `${line(r.id)}\n${r.timeMs}\n${line(r.method)}\n${line(r.path)}\n${line(r.apiVersion)}\n${r.status}\n${line(r.errorCode)}\n${r.durationMs}\n`
  + `${line(r.principal)}\n${line(r.clientRequestId)}\n${line(r.fault)}`;

function unpack(text: string): RecordedRequest {
  const f = text.split('\n');
  return {
    id: unline(f[0])!, timeMs: Number(f[1]), method: unline(f[2])!, path: unline(f[3])!, apiVersion: unline(f[4]), status: Number(f[5]), errorCode: unline(f[6]),
    durationMs: Number(f[7]), principal: unline(f[8]), clientRequestId: unline(f[9]), fault: unline(f[10]),
  };
}

interface Kept {
  rawHeaders?: string[];
  bodyText?: string;
}

/**
 * What the newest entries keep: the id, how many header lines follow (-1: none kept), whether a
 * body follows them (1 or 0), the header names and values a line each, then the body, line
 * breaks and all. Header names and values hold no line break: Node's HTTP parser refuses them.
 * A header that reading redacts whole keeps no value: the same answer, and a bearer token, most
 * of a request's headers, is neither copied nor held.
 */
function packKept(r: RecordedRequest): string {
  let headers = '';
  const raw = r.rawHeaders ?? [];
  for (let i = 0; i + 1 < raw.length; i += 2) headers += `${raw[i]}\n${isSecretField(raw[i]) ? '' : raw[i + 1]}\n`;
  return `${r.id}\n${r.rawHeaders ? raw.length - (raw.length % 2) : -1}\n${r.bodyText === undefined ? 0 : 1}\n${headers}${r.bodyText ?? ''}`;
}

function unpackKept(text: string): [string, Kept] {
  let at = 0;
  const next = () => {
    const end = text.indexOf('\n', at);
    const out = text.slice(at, end);
    at = end + 1;
    return out;
  };
  const id = next();
  const headerLines = Number(next());
  const hasBody = next() === '1';
  const rawHeaders = headerLines < 0 ? undefined : Array.from({ length: headerLines }, next);
  return [id, { rawHeaders, bodyText: hasBody ? text.slice(at) : undefined }];
}

function detail(r: RecordedRequest, kept: Kept | undefined): JournalDetail {
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
    this.entries.push(pack(r));
    if (r.rawHeaders || r.bodyText !== undefined) this.bodies.push(packKept(r));
  }

  /** Newest first, with the redacted headers and body where they are still kept. */
  list(filter: JournalFilter = {}): JournalDetail[] {
    const kept = new Map<string, Kept>();
    for (const text of this.bodies.newestFirst()) kept.set(...unpackKept(text));
    const out: JournalDetail[] = [];
    const limit = filter.limit ?? Infinity;
    for (const text of this.entries.newestFirst()) {
      if (out.length >= limit) break;
      const r = unpack(text);
      if (accepts(r, filter)) out.push(detail(r, kept.get(r.id)));
    }
    return out;
  }

  clear(): void {
    this.entries.clear();
    this.bodies.clear();
  }
}
