/**
 * The odd inputs the case generators draw from: names, percent-encodings, api-versions, Host
 * headers and Authorization headers that real clients would not send but attackers and broken
 * clients do. Every entry is sendable by Node's HTTP client (no control characters, no spaces
 * in paths), so what reaches the server is exactly what is listed here.
 */
import { fakeToken } from '../support/arclight';

export const METHODS = ['GET', 'PUT', 'PATCH', 'POST', 'DELETE', 'HEAD', 'OPTIONS'];

/** Malformed or tricky percent-encodings, as they appear in a path segment or query value. */
export const BAD_PERCENT = ['%', '%zz', '%E0%A4%A', '%00', '%2F', 'a%2Fb', '%FF', '%C0%AF', '%ED%A0%80', '%%', '%u00e9', '%0', '%G0', 'x%', '%%32%46'];

/** Path segment values (raw, as sent) that are not names anyone would give a resource. */
export const ODD_NAMES = [
  '__proto__', 'constructor', 'hasOwnProperty', 'toString', 'valueOf', 'prototype', 'a'.repeat(300), '..', '.', '%2e%2e', 'x%2Fy',
  '%20x', '%C3%A9', 'caf\xe9', '%00', '%', '%zz', '%E0%A4%A', '%FF', '%C0%AF', "~!$&'()*+,;=:@", '%25', '%252F', '-', '_', '0',
  'name.', '(x)', '%F0%9F%98%80', '%EF%BB%BF', 'Con', 'NUL', '%5Cx', 'a%3Fb%3Dc', 'a%23b',
];

export const UNKNOWN_API_VERSIONS = [
  '2099-01-01', '2024-01-01-preview', '', 'latest', '2024-13-45', '%202024-01-01', '2024-01-01%00', '1', 'a'.repeat(300), '2016-06-01',
  '__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', '2024-01-01,2024-07-01-preview', '%zz', '2021-03-01%2F..', '0000-00-00',
];

export const API_VERSION_NAMES = ['API-VERSION', 'Api-Version', 'api-Version', 'API-version', 'apiversion', 'api_version', 'api-version '];

/** Host headers a well-behaved client never sends; URLs the server builds from Host must survive them. */
export const GARBAGE_HOSTS = [
  '', ' ', '%%%', '[', '[::1', 'a:b:c', 'x'.repeat(5000), '..', 'caf\xe9', 'localhost:99999999', '@', 'a/b', '\\', 'http://x', '::',
  'localhost:-1', '[::1]:abc', 'exa mple.com', '0x7f.1', 'evil.example:443/path?x#y', 'user:pass@host', '%00', 'host:', ':443',
];

const b64 = (text: string) => Buffer.from(text).toString('base64url');

/** Authorization headers that are not a usable bearer token. */
export function oddAuthorizations(token: string): string[] {
  return [
    'Bearer', 'Bearer ', 'Bearer a.b.c', 'Basic Zm9vOmJhcg==', `bearer ${token}`, `Bearer ${token} extra`, `Bearer  ${token}`, 'Negotiate abc',
    `Bearer ${b64('{"alg":"none"}')}.${b64('{"tid":"x"}')}.`, `Bearer ${b64('{"alg":"RS256"}')}.${b64('[]')}.c2ln`, `Bearer x.${b64('null')}.y`,
    `Bearer ${b64('not json')}.${b64('not json')}.x`, `Bearer ${'a'.repeat(8000)}`, 'Bearer %zz', `Bearer ${token.slice(0, -3)}`,
    `Bearer ${fakeToken({ exp: 'soon' })}`, `Bearer ${fakeToken({ exp: 1e20 })}`, `Bearer ${fakeToken({ exp: -1 })}`, `Bearer ${fakeToken({ nbf: 1e20 })}`,
    `Bearer ${fakeToken({ tid: '__proto__' })}`, `Bearer ${fakeToken({ tid: 5 })}`, `Bearer ${fakeToken({ oid: null, upn: { a: 1 } })}`,
    `Bearer ${fakeToken({ iss: [], aud: {} })}`, `Bearer ${fakeToken({ idtyp: 'app', appid: '__proto__', xms_mirid: '%zz' })}`,
    `Bearer ${fakeToken(JSON.parse('{"constructor":1,"__proto__":{"x":1},"hasOwnProperty":"y"}'))}`, `Bearer ${fakeToken({ exp: 1e308 * 10 })}`,
  ];
}

/** Extra headers that ARM mostly ignores; none of them may turn into a 500. */
export const ODD_HEADERS: Array<Record<string, string>> = [
  { 'x-ms-client-request-id': 'x'.repeat(3000) },
  { Accept: 'text/html' },
  { 'If-Match': '*' },
  { 'If-None-Match': '"etag"' },
  { 'x-ms-correlation-request-id': '%zz' },
  { 'Accept-Language': '!!!' },
  { 'Content-Encoding': 'gzip' },
  { 'x-http-method-override': 'DELETE' },
  { 'x-ms-client-request-id': '', 'x-ms-correlation-request-id': '' },
  { Accept: 'application/json;q=abc', 'Accept-Charset': 'utf-16' },
  { 'Content-Type': 'application/json', 'x-ms-return-client-request-id': 'maybe' },
  { Forwarded: 'for=evil;proto=gopher;host=x', 'X-Forwarded-Host': '%%%', 'X-Forwarded-Proto': 'gopher' },
  { Cookie: '__proto__=1; constructor=2' },
];
