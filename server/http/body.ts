/**
 * Request bodies: read with a size limit (413 beyond it), parsed as JSON with ARM's
 * InvalidRequestContent on malformed input. Never a 500, never the body echoed back.
 */
import type { Request } from 'express';
import { ArmError, armErrors } from './armErrors';

export async function readRawBody(req: Request, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) throw tooLarge(limit);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw tooLarge(limit);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function tooLarge(limit: number): ArmError {
  const err = armErrors.requestTooLarge(limit);
  // The rest of the body is never read: the connection cannot be reused.
  (err.options.headers ??= {}).Connection = 'close';
  return err;
}

/** The parsed JSON body, or undefined when there is none. */
export async function readJsonBody(req: Request, limit: number): Promise<unknown> {
  const raw = await readRawBody(req, limit);
  let text = raw.toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.trim() === '') return undefined;
  const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (type && !type.endsWith('/json') && !type.endsWith('+json') && type !== 'text/json') throw armErrors.unsupportedMediaType(type);
  try {
    return JSON.parse(text);
  } catch (err) {
    throw armErrors.invalidRequestContent(describeJsonError(text, err as Error));
  }
}

/** "Unexpected character ... line L, position P", in the style of the .NET serializer ARM uses. */
function describeJsonError(text: string, err: Error): string {
  const m = /position (\d+)/.exec(err.message);
  if (!m) return 'Unexpected end when deserializing object. Path \'\', line 1, position ' + text.length + '.';
  const offset = Number(m[1]);
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const position = offset - before.lastIndexOf('\n');
  const ch = text[offset];
  return ch === undefined
    ? `Unexpected end when deserializing object. Path '', line ${line}, position ${position}.`
    : `Unexpected character encountered while parsing value: ${ch}. Path '', line ${line}, position ${position}.`;
}
