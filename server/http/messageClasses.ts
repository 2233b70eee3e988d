/**
 * Request and response classes for the HTTPS server that already carry express's prototypes.
 */
import type { Express } from 'express';
import * as http from 'http';
import type { Socket } from 'net';

type MessageConstructor = (this: unknown, ...args: unknown[]) => void;
const isClass = (fn: unknown) => /^class[\s{]/.test(Function.prototype.toString.call(fn));

/**
 * Request and response classes for the HTTP(S) server whose prototypes already are the app's
 * (app.request and app.response). express's app.handle re-parents every request and response
 * with Object.setPrototypeOf, which V8 makes expensive (more than the rest of a GET); when the
 * prototype is already in place, that call does nothing. Behaviour is the same either way.
 * Node's constructors are plain functions, extended the way Node extends them; should they
 * ever be classes, the server keeps its own (Reflect.construct would do, but V8 makes the
 * objects it builds slow).
 */
export function expressMessageClasses(app: Express): { IncomingMessage?: typeof http.IncomingMessage; ServerResponse?: typeof http.ServerResponse } {
  if (isClass(http.IncomingMessage) || isClass(http.ServerResponse)) return {};
  function ArclightRequest(this: unknown, socket: Socket): void {
    (http.IncomingMessage as unknown as MessageConstructor).call(this, socket);
  }
  ArclightRequest.prototype = app.request;
  function ArclightResponse(this: unknown, req: http.IncomingMessage, options?: unknown): void {
    (http.ServerResponse as unknown as MessageConstructor).call(this, req, options);
  }
  ArclightResponse.prototype = app.response;
  return {
    IncomingMessage: ArclightRequest as unknown as typeof http.IncomingMessage,
    ServerResponse: ArclightResponse as unknown as typeof http.ServerResponse,
  };
}
