/**
 * Request bodies: read with a size limit (413 beyond it), parsed as JSON with ARM's
 * InvalidRequestContent on malformed input. Never a 500, never the body echoed back.
 * Nesting is bounded before JSON.parse runs, so no recursive code downstream (validation,
 * projection, merge-patch, redaction) ever meets a body deeper than MAX_JSON_DEPTH.
 */
import { relaxedJsonText } from './lenientJson';
import type { Request } from 'express';
import { ArmError, armErrors } from '../kit/armErrors';

/** Deepest nesting of arrays and objects a request body may have. */
export const MAX_JSON_DEPTH = 64;

/** The client went away before its body arrived: nothing to answer, nothing to log as a fault. */
export class RequestAborted extends Error {
  constructor() {
    super('the client closed the connection before the request body arrived');
  }
}

/**
 * The whole body, read with 'data' events rather than an async iterator (which costs more
 * than the rest of a small PUT's reading). Beyond the limit the rest is left unread: the
 * 413 closes the connection.
 */
export function readRawBody(req: Request, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.reject(tooLarge(limit));
  if (req.readableEnded) return Promise.resolve(Buffer.alloc(0));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onAbort);
      req.off('close', onAbort);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      chunks.push(chunk);
      if (size <= limit) return;
      stop();
      req.pause();
      reject(tooLarge(limit));
    };
    const onEnd = () => {
      stop();
      resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks));
    };
    const onAbort = () => {
      stop();
      reject(new RequestAborted());
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onAbort);
    req.on('close', onAbort);
  });
}

function tooLarge(limit: number): ArmError {
  const err = armErrors.requestTooLarge(limit);
  // The rest of the body is never read: the connection cannot be reused.
  (err.options.headers ??= {}).Connection = 'close';
  return err;
}

/** The parsed JSON body, or undefined when there is none; its text goes to `keep` when given (the journal's). */
export async function readJsonBody(req: Request, limit: number, keep?: { bodyText?: string }): Promise<unknown> {
  const raw = await readRawBody(req, limit);
  let text = raw.toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.trim() === '') return undefined;
  if (keep) keep.bodyText = text;
  const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (type && !type.endsWith('/json') && !type.endsWith('+json') && type !== 'text/json') throw armErrors.unsupportedMediaType(type);
  return parseJson(text);
}

/** The body as a JSON object ({} when there is none); anything else is 400. */
export async function readJsonObject(req: Request, limit: number): Promise<Record<string, unknown>> {
  const body = await readJsonBody(req, limit);
  if (body === undefined) return {};
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new ArmError(400, 'InvalidRequestContent', 'The request body must be a JSON object.');
  return body as Record<string, unknown>;
}

/** JSON.parse with ARM's errors: InvalidRequestContent for malformed or too deeply nested text. */
export function parseJson(text: string): unknown {
  const deepAt = tooDeepAt(text, MAX_JSON_DEPTH);
  if (deepAt >= 0) {
    throw armErrors.invalidRequestContent(`The JSON nesting exceeds the maximum depth of ${MAX_JSON_DEPTH}. ${position(text, deepAt)}`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    try {
      return JSON.parse(relaxedJsonText(text));
    } catch {
      throw armErrors.invalidRequestContent(describeJsonError(text, err as Error));
    }
  }
}

/** The offset of the first bracket that opens level `max + 1` (outside strings), or -1. */
export function tooDeepAt(text: string, max: number): number {
  if (text.length <= max) return -1;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) return i;
    } else if (c === 0x7d || c === 0x5d) {
      depth--;
    }
  }
  return -1;
}

function position(text: string, offset: number): string {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return `Path '', line ${line}, position ${offset - before.lastIndexOf('\n')}.`;
}

/** "Unexpected character ... line L, position P", in the style of the .NET serializer ARM uses. */
function describeJsonError(text: string, err: Error): string {
  const m = /position (\d+)/.exec(err.message);
  if (!m) return `Unexpected end when deserializing object. Path '', line 1, position ${text.length}.`;
  const offset = Number(m[1]);
  const ch = text[offset];
  return ch === undefined
    ? `Unexpected end when deserializing object. ${position(text, offset)}`
    : `Unexpected character encountered while parsing value: ${ch}. ${position(text, offset)}`;
}
