/**
 * Test helpers: an in-memory Arclight for supertest (createArclight, responses checked against
 * the spec), a real HTTPS one (startArclight), captured logs, and bearer tokens.
 */
import * as https from 'https';
import { createArclight, startArclight, Arclight, ArclightOptions, RunningArclight } from '../../server/arclight';
import { checkResponses } from './responseCheck';

export const SUB = '00000000-0000-0000-0000-000000000000';
export const TENANT = '00000000-0000-0000-0000-000000000001';
export const CLIENT_ID = '00000000-0000-0000-0000-000000000002';

export interface TestArclight extends Arclight {
  logs: string[];
}

export async function testArclight(options: ArclightOptions = {}): Promise<TestArclight> {
  const logs: string[] = [];
  const instance = await createArclight({ inMemory: true, logLevel: 'warn', logSink: (l) => logs.push(l), ...options });
  checkResponses(instance.services);
  return { ...instance, logs };
}

/**
 * One in-memory Arclight for a describe block: built before its tests, reset before each (then
 * `eachTest`, e.g. creating the cluster every test needs), closed after. The returned object
 * stands for that instance.
 */
export function arclightPerSuite(options: ArclightOptions = {}, eachTest?: (a: TestArclight) => unknown): TestArclight {
  let instance: TestArclight | undefined;
  before(async () => {
    instance = await testArclight(options);
  });
  after(() => instance?.close());
  beforeEach(async () => {
    instance!.reset();
    await eachTest?.(instance!);
  });
  return new Proxy({} as TestArclight, { get: (_target, key) => (instance as unknown as Record<string | symbol, unknown>)[key] });
}

export interface TestServer extends RunningArclight {
  logs: string[];
  /** An https agent that trusts this server's CA. */
  agent: https.Agent;
}

export async function testServer(options: ArclightOptions = {}): Promise<TestServer> {
  const logs: string[] = [];
  const running = await startArclight({ inMemory: true, port: 0, logLevel: 'warn', logSink: (l) => logs.push(l), ...options });
  checkResponses(running.services);
  const agent = new https.Agent({ ca: running.caCertPem, keepAlive: true });
  const stop = running.stop;
  return { ...running, logs, agent, stop: async () => { agent.destroy(); await stop(); } };
}

/** A well-formed, unsigned JWT: what tests that bring their own token send (accepted in lenient mode). */
export function fakeToken(claims: Record<string, unknown> = {}): string {
  const enc = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  return `${enc({ alg: 'RS256', typ: 'JWT' })}.${enc({
    aud: 'https://management.azure.com/', iss: `https://sts.windows.net/${TENANT}/`, iat: now, nbf: now, exp: now + 3600,
    tid: TENANT, oid: '11111111-1111-1111-1111-111111111111', upn: 'tester@arclight.local', idtyp: 'user', ...claims,
  })}.c2lnbmF0dXJl`;
}

export const bearer = (claims?: Record<string, unknown>) => `Bearer ${fakeToken(claims)}`;

/** A static TokenCredential for the SDKs, carrying a fake token. */
export function staticCredential(token = fakeToken()) {
  return { getToken: async () => ({ token, expiresOnTimestamp: Date.now() + 3600_000 }) };
}
