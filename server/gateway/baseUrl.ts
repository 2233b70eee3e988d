/**
 * The base URL Arclight writes into what it hands out (Azure-AsyncOperation, Location, nextLink,
 * cloud metadata, token issuers, the agents' endpoints): `--public-url` when given; otherwise the
 * request's Host header, but only when it is a well-formed host[:port]; otherwise the address the
 * connection reached. A forged Host can name another host, but never smuggle a path, credentials
 * or a second authority into a URL (`evil/x`, `a@b`, `h:1:2`, spaces), and never an invalid port.
 */
import type { Request } from 'express';

/** A DNS name or IPv4 address, or a bracketed IPv6 literal, with an optional port. */
const HOST = /^(?:[A-Za-z0-9](?:[A-Za-z0-9_.-]{0,252}[A-Za-z0-9_])?|\[[0-9A-Fa-f:.]{2,45}\])(?::(\d{1,5}))?$/;

/** The express setting that holds --public-url for the app (each instance has its own). */
export const PUBLIC_URL_SETTING = 'arclight public url';

const CACHE = Symbol('arclight base url');
type WithCache = Request & { [CACHE]?: string };

export function isValidHost(host: string): boolean {
  const m = HOST.exec(host);
  return !!m && (m[1] === undefined || Number(m[1]) <= 65535);
}

/** `scheme://host[:port]` of the request, computed once per request. */
export function baseUrlOf(req: Request): string {
  const cached = (req as WithCache)[CACHE];
  if (cached !== undefined) return cached;
  const configured = req.app?.get(PUBLIC_URL_SETTING) as string | undefined;
  const url = configured ?? `${(req.socket as { encrypted?: boolean }).encrypted ? 'https' : 'http'}://${hostOf(req)}`;
  (req as WithCache)[CACHE] = url;
  return url;
}

function hostOf(req: Request): string {
  const host = req.headers.host;
  if (typeof host === 'string' && isValidHost(host)) return host;
  const address = req.socket.localAddress ?? '127.0.0.1';
  const port = req.socket.localPort;
  const literal = address.includes(':') ? `[${address}]` : address;
  return port ? `${literal}:${port}` : literal;
}

/** --public-url as the app keeps it: no trailing slash. */
export function normalisePublicUrl(url: string | undefined): string | undefined {
  return url ? url.replace(/\/+$/, '') : undefined;
}
