/**
 * What every fuzzed answer must satisfy, and a readable report of the ones that do not:
 *   - an answer arrives in time (a hang or a dropped connection is a failure);
 *   - never a 5xx, but for the documented refusal of an operation Arclight does not serve
 *     (HandlerRegistry.refuse: 501 NotImplemented "Arclight does not serve ..."), a decision, not a failure;
 *   - an error with a JSON body has the envelope of its surface: ARM's {"error":{"code","message"}}
 *     everywhere, Entra's {error, error_description} also on the token service, App Service's
 *     {statusCode, message, correlationId} (and IMDS's Entra-like shape) also on managed identity;
 *   - a body said to be JSON is JSON; an error body is not some other format;
 *   - a HEAD answer has no body;
 *   - a keep-alive connection is kept, unless the server refused to read the body (413).
 * Offenders are collected, never thrown one by one, and grouped by (check, status, surface, kind).
 */
import type { FuzzCase, Outcome } from './httpClient';
import type { Json } from '../../protocol/json';

export interface Offence {
  check: string;
  index: number;
  fuzzCase: FuzzCase;
  outcome: Outcome;
}


const isObject = (v: unknown): v is Record<string, Json> => v !== null && typeof v === 'object' && !Array.isArray(v);

const armEnvelope = (b: Json) => isObject(b) && isObject(b.error) && typeof b.error.code === 'string' && typeof b.error.message === 'string';
const entraShape = (b: Json) => isObject(b) && typeof b.error === 'string' && typeof b.error_description === 'string';
const appServiceShape = (b: Json) => isObject(b) && typeof b.statusCode === 'number' && typeof b.message === 'string' && typeof b.correlationId === 'string';

/** The error shapes each surface documents (README "Token endpoint errors", "Managed identity variables"). */
function envelopeFits(c: FuzzCase, body: Json): boolean {
  switch (c.surface) {
    case 'entra': return armEnvelope(body) || entraShape(body);
    case 'msi': return armEnvelope(body) || entraShape(body) || appServiceShape(body);
    default: return armEnvelope(body);
  }
}

const isJsonType = (o: Outcome) => /[/+]json\b/i.test(String(o.headers['content-type'] ?? ''));

/** HandlerRegistry.refuse's answer: 501 NotImplemented, "Arclight does not serve {operationId}: {why}". */
function documentedRefusal(o: Outcome): boolean {
  if (o.status !== 501) return false;
  try {
    const error = (JSON.parse(o.body.toString('utf8')) as { error?: { code?: unknown; message?: unknown } }).error;
    return error?.code === 'NotImplemented' && typeof error.message === 'string' && error.message.startsWith('Arclight does not serve ');
  } catch {
    return false;
  }
}

/** The checks this answer fails (none, usually). */
export function judge(c: FuzzCase, o: Outcome): string[] {
  if (o.failure) return [o.failure.startsWith('unsendable') ? 'generator: Node refused to send the request' : `no answer: ${o.failure.replace(/\d+ ms/, 'N ms').slice(0, 60)}`];
  if (o.status === -1) return []; // a body cut off on purpose: there is no answer to judge
  const failed: string[] = [];
  if (o.status >= 500 && !documentedRefusal(o)) failed.push('5xx status');
  if (c.method === 'HEAD' && o.body.length > 0) failed.push('HEAD answer has a body');
  // Only a body the server will not read (413) is a reason to drop a keep-alive connection.
  // (Node's own refusals of malformed HTTP, which never reach the app and carry no request id, close rightly.)
  const fromApp = o.headers['x-ms-request-id'] !== undefined;
  if ((c.transport ?? 'agent') === 'agent' && fromApp && c.method !== 'HEAD' && o.status !== 413 && /close/i.test(String(o.headers.connection ?? ''))) {
    failed.push('keep-alive connection closed without cause (Connection: close)');
  }
  if (c.method === 'HEAD' || o.body.length === 0) return failed;
  let parsed: Json;
  let parses: boolean;
  try {
    parsed = JSON.parse(o.body.toString('utf8'));
    parses = true;
  } catch {
    parses = false;
  }
  if (isJsonType(o) && !parses) failed.push('body labelled JSON is not JSON');
  if (o.status >= 400) {
    if (!isJsonType(o)) failed.push(`error body is not JSON (${String(o.headers['content-type'] ?? 'no content type').slice(0, 40)})`);
    else if (parses && !envelopeFits(c, parsed)) failed.push(`error body is not the ${c.surface === 'entra' || c.surface === 'msi' ? `${c.surface} or ARM` : 'ARM'} envelope`);
  }
  return failed;
}

export function offences(cases: FuzzCase[], outcomes: Outcome[]): Offence[] {
  const out: Offence[] = [];
  cases.forEach((c, index) => {
    for (const check of judge(c, outcomes[index])) out.push({ check, index, fuzzCase: c, outcome: outcomes[index] });
  });
  return out;
}

const excerpt = (text: string, max = 160) => {
  const flat = text.replace(/\s+/g, ' ');
  return flat.length > max ? `${flat.slice(0, max)}... (${text.length} chars)` : flat;
};

function describeBody(body: string | Buffer | undefined): string {
  if (body === undefined) return '(none)';
  const text = Buffer.isBuffer(body) ? body.toString('latin1') : body;
  return excerpt(text, 120);
}

function example(o: Offence): string {
  const c = o.fuzzCase;
  const host = c.headers.Host !== undefined ? ` [Host: ${excerpt(c.headers.Host, 40)}]` : '';
  const answer = o.outcome.failure ?? `${o.outcome.status} ${excerpt(o.outcome.body.toString('utf8'))}`;
  return [
    `      #${o.index} ${c.method} ${excerpt(c.path, 220)}${host}  (${c.origin})`,
    `         body: ${describeBody(c.body)}`,
    `         -> ${answer}`,
  ].join('\n');
}

/**
 * 5xx and envelope offences are grouped by status, surface and kind (what was done to the
 * request points at the fault); the others, whose cause is not the request, by surface only.
 */
function groupOf(o: Offence): string {
  const specific = o.check === '5xx status' || o.check.startsWith('error body');
  const status = o.outcome.status > 0 ? `${o.outcome.status} ` : '';
  return `[${o.check}] ${specific ? `${status}${o.fuzzCase.surface} ${o.fuzzCase.kind}` : o.fuzzCase.surface}`;
}

/** Offences grouped (groupOf), in order, a few examples each. */
export function report(found: Offence[], examplesPerGroup = 2): string {
  const groups = new Map<string, Offence[]>();
  for (const o of found) {
    const key = groupOf(o);
    groups.set(key, [...(groups.get(key) ?? []), o]);
  }
  return [...groups.entries()]
    .sort((a, b) => a[0].localeCompare(b[0]))
    .map(([key, list]) => `  ${key}: ${list.length} request${list.length === 1 ? '' : 's'}\n${list.slice(0, examplesPerGroup).map(example).join('\n')}`)
    .join('\n');
}

/** `at fn (/…/dist/server/x/y.js:12:34)` -> `fn server/x/y.js`: one group per function, whatever the line. */
export function shortFrame(frame: string): string {
  return frame.trim().replace(/^at /, '').replace(/\(?(?:file:\/\/)?\/\S*?\/(?:dist\/)?(server\/[^:)]+)[^)]*\)?/, '$1').replace(/^(\S+ )?\(?(node:[^:)]+)[^)]*\)?$/, '$1$2');
}

/**
 * Server-side failures from the captured log ("unexpected failure: <stack>", what sendArmError
 * logs for anything that is not an ArmError), grouped by message and the first frame of our code.
 */
export function loggedFailures(lines: string[]): Map<string, number> {
  const byCause = new Map<string, number>();
  for (const line of lines) {
    if (!/^\S+ error /.test(line)) continue;
    const text = line.replace(/^\S+ error\s+/, '');
    const [message, ...stack] = text.split('\n');
    const frame = stack.find((f) => /\/(server|dist\/server)\//.test(f) && !/node_modules/.test(f)) ?? stack[0] ?? '';
    const where = shortFrame(frame);
    // "Failed to decode param '%zz'" and "... '%FF'" are one fault: values with a % in them are elided.
    const key = `${excerpt(message.replace(/'[^']*%[^']*'/g, "'…'"), 140)}${where ? `  @ ${where}` : ''}`;
    byCause.set(key, (byCause.get(key) ?? 0) + 1);
  }
  return byCause;
}
