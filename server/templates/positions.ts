/**
 * Template text with positions: a JSON reader that also records, for every object and array,
 * the line and column (both from 1) of its opening bracket, keyed by JSON pointer
 * ('/resources/0', '/parameters/name'). Azure's InvalidTemplate errors name these positions.
 */
import type { Json } from '../../protocol/json';
import type { TextPosition } from './errors';
import { TemplateError } from './errors';

export interface ParsedTemplateText {
  template: Json;
  positions: Map<string, TextPosition>;
}

const escapePointer = (key: string) => key.replace(/~/g, '~0').replace(/\//g, '~1');

export function parseTemplateText(text: string): ParsedTemplateText {
  const positions = new Map<string, TextPosition>();
  let at = 0;
  let line = 1;
  let lineStart = 0;
  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;

  const fail = (why: string): never => {
    throw new TemplateError(
      'InvalidTemplate',
      `Unable to parse the template: ${why} at line '${line}' and column '${at - lineStart + 1}'.`,
    );
  };
  const space = (): void => {
    for (;;) {
      const c = src[at];
      if (c === '\n') {
        at++;
        line++;
        lineStart = at;
      } else if (c === ' ' || c === '\t' || c === '\r') at++;
      else if (c === '/' && src[at + 1] === '/') {
        // ARM accepts comments in templates
        while (at < src.length && src[at] !== '\n') at++;
      } else if (c === '/' && src[at + 1] === '*') {
        const end = src.indexOf('*/', at + 2);
        if (end < 0) fail('unterminated comment');
        for (let i = at; i < end; i++) {
          if (src[i] === '\n') {
            line++;
            lineStart = i + 1;
          }
        }
        at = end + 2;
      } else return;
    }
  };
  const value = (pointer: string): Json => {
    space();
    const c = src[at];
    if (c === '{' || c === '[') {
      positions.set(pointer || '/', { line, column: at - lineStart + 1 });
      at++;
      const close = c === '{' ? '}' : ']';
      const out: Json = c === '{' ? {} : [];
      space();
      if (src[at] === close) {
        at++;
        return out;
      }
      for (let i = 0; ; i++) {
        space();
        if (c === '{') {
          if (src[at] !== '"') fail("expected a property name");
          const key = string();
          space();
          if (src[at] !== ':') fail("expected ':'");
          at++;
          out[key] = value(`${pointer}/${escapePointer(key)}`);
        } else out.push(value(`${pointer}/${i}`));
        space();
        if (src[at] === ',') {
          at++;
          space();
          if (src[at] === close) {
            at++;
            return out;
          }
          continue;
        }
        if (src[at] === close) {
          at++;
          return out;
        }
        fail(`expected ',' or '${close}'`);
      }
    }
    if (c === '"') return string();
    const m = /^(-?\d+(\.\d+)?([eE][+-]?\d+)?|true|false|null)/.exec(src.slice(at, at + 64));
    if (!m) return fail(`unexpected character '${c ?? 'end of text'}'`);
    at += m[0].length;
    return JSON.parse(m[0]);
  };
  const string = (): string => {
    const start = at;
    at++;
    while (at < src.length && src[at] !== '"') {
      if (src[at] === '\\') at++;
      if (src[at] === '\n') fail('unterminated string');
      at++;
    }
    if (at >= src.length) fail('unterminated string');
    at++;
    return JSON.parse(src.slice(start, at));
  };
  const template = value('');
  space();
  if (at < src.length) fail('unexpected text after the template');
  return { template, positions };
}
