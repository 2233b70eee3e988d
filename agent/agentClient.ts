/**
 * A connected cluster's agents as a client of Arclight's agent protocol
 * (specs/arclight/agent-protocol.json): what `arclight agent` runs, and the reference client of
 * the protocol. One cycle: find the cluster's regional endpoints, get (or renew) the managed
 * identity certificate by proving possession of the onboarding key, exchange a client assertion
 * signed with the certificate's key for a token of the cluster identity, heartbeat, pull the
 * desired state, and report each configuration installed / reconciled.
 */
import { createPrivateKey, KeyObject, X509Certificate } from 'crypto';
import * as https from 'https';
import { agentReport, awaitingProvisioning, CLUSTER_METADATA, RENEWAL_SHARE } from '../protocol/agentReports';
import { signClientAssertion, signProof } from '../protocol/agentCredentials';
import type { Json } from '../protocol/json';


export interface AgentOptions {
  /** Arclight's base URL, e.g. https://127.0.0.1:8443. */
  endpoint: string;
  clusterId: string;
  /** The onboarding private key (PEM, PKCS#1 or PKCS#8). */
  privateKeyPem: string;
  /** PEM of the CA to trust (Arclight's), when the system's store does not have it. */
  caPem?: string;
  /** Where progress lines go. */
  log: (line: string) => void;
}

/** A refusal from Arclight: the HTTP status and ARM's (or Entra's) error code and message. */
export class AgentError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
  }
}

interface Certificate {
  x509: X509Certificate;
  key: KeyObject;
  clientId: string;
  tenantId: string;
  tokenEndpoint: string;
}

const ARM_SCOPE = 'https://management.azure.com/.default';

export class ClusterAgent {
  private readonly onboardingKey: KeyObject;
  private endpoints?: { location: string; identityEndpoint: string; dataPlaneEndpoint: string };
  private certificate?: Certificate;
  private token?: { value: string; expiresAtMs: number };
  /** The emulator clock as the last heartbeat answered it: certificates are judged by it. */
  private serverNowMs?: number;

  constructor(private readonly o: AgentOptions) {
    this.onboardingKey = createPrivateKey(o.privateKeyPem);
  }

  /**
   * One full cycle. Refusals throw AgentError; a cluster that moved region is followed once, and
   * a token that expired on the emulator clock (moved ahead since it was issued) is replaced once.
   */
  async cycle(): Promise<void> {
    try {
      await this.runCycle();
    } catch (err) {
      if (!(err instanceof AgentError)) throw err;
      if (err.code === 'ExpiredAuthenticationToken') {
        // Tokens are judged on Arclight's clock, which the agent only learns from heartbeats.
        this.o.log(`${err.code}: ${err.message} Getting a new token.`);
        this.token = undefined;
      } else if (err.code === 'WrongRegion' || err.code === 'AuthorizationFailed') {
        // Moved to another region, or connected again (a new identity): start over from discovery.
        this.o.log(`${err.code}: ${err.message} Starting over from discovery.`);
        this.endpoints = undefined;
        this.certificate = undefined;
        this.token = undefined;
      } else throw err;
      await this.runCycle();
    }
  }

  private async runCycle(): Promise<void> {
    await this.discover();
    await this.ensureCertificate();
    await this.ensureToken();
    await this.heartbeat();
    // The heartbeat told the emulator clock's time: renew now if that puts the certificate in its renewal window.
    await this.ensureCertificate();
    await this.ensureToken();
    const desired = await this.call('GET', `${this.endpoints!.dataPlaneEndpoint}/configurations`, { auth: true });
    const counts = ['extensions', 'fluxConfigurations', 'sourceControlConfigurations'].map((c) => `${desired[c].length} ${c}`).join(', ');
    this.o.log(`desired state: ${counts}`);
    const now = new Date(this.serverNowMs ?? Date.now()).toISOString();
    for (const collection of ['extensions', 'fluxConfigurations', 'sourceControlConfigurations']) {
      for (const config of desired[collection] as Json[]) {
        if (awaitingProvisioning(config.properties)) {
          this.o.log(`${collection}/${config.name}: still ${config.properties.provisioningState} in ARM, reported next cycle`);
          continue;
        }
        const report = agentReport(collection, config.name, config.properties, now);
        await this.call('POST', `${this.endpoints!.dataPlaneEndpoint}/configurations/${collection}/${encodeURIComponent(config.name)}/status`, { auth: true, body: report });
        this.o.log(`${collection}/${config.name}: reported ${report.provisioningState ?? report.complianceState ?? report.complianceStatus?.complianceState}`);
      }
    }
  }

  private async discover(): Promise<void> {
    if (this.endpoints) return;
    this.endpoints = await this.call('GET', `${this.o.endpoint}/arc/his/discovery?clusterId=${encodeURIComponent(this.o.clusterId)}`);
    this.o.log(`discovered region ${this.endpoints!.location}: ${this.endpoints!.identityEndpoint}`);
  }

  private renewalDue(): boolean {
    const c = this.certificate;
    if (!c) return true;
    const from = Date.parse(c.x509.validFrom);
    const to = Date.parse(c.x509.validTo);
    return (this.serverNowMs ?? Date.now()) >= from + (to - from) * RENEWAL_SHARE;
  }

  private async ensureCertificate(): Promise<void> {
    if (!this.renewalDue()) return;
    const audience = `${this.endpoints!.identityEndpoint}/certificates`;
    const proof = signProof(this.onboardingKey, this.o.clusterId, audience);
    const issued = await this.call('POST', audience, { body: { clusterId: this.o.clusterId, proof } });
    this.certificate = {
      x509: new X509Certificate(issued.certificate),
      key: createPrivateKey(issued.privateKey),
      clientId: issued.clientId,
      tenantId: issued.tenantId,
      tokenEndpoint: issued.tokenEndpoint,
    };
    this.token = undefined;
    this.o.log(`certificate issued for identity ${issued.principalId}, valid until ${issued.notAfter}`);
  }

  private async ensureToken(): Promise<void> {
    if (this.token && this.token.expiresAtMs - 5 * 60_000 > Date.now()) return;
    try {
      await this.requestToken();
    } catch (err) {
      // AADSTS700027: the certificate expired on Arclight's clock, which ran ahead of what the
      // agent last saw. Renewing it says what to do: CertificateExpired, or a new certificate.
      if (!(err instanceof AgentError) || !err.message.startsWith('AADSTS700027:')) throw err;
      this.certificate = undefined;
      await this.ensureCertificate();
      await this.requestToken();
    }
  }

  private async requestToken(): Promise<void> {
    const c = this.certificate!;
    const assertion = signClientAssertion(c.x509.toString(), c.key, c.clientId, c.tokenEndpoint);
    const form = new URLSearchParams({
      grant_type: 'client_credentials', client_id: c.clientId, scope: ARM_SCOPE,
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: assertion,
    }).toString();
    const token = await this.call('POST', c.tokenEndpoint, { form });
    this.token = { value: token.access_token, expiresAtMs: Date.now() + Number(token.expires_in) * 1000 };
    this.o.log(`token acquired for the cluster identity (client ${c.clientId})`);
  }

  private async heartbeat(): Promise<void> {
    const state = await this.call('POST', `${this.endpoints!.dataPlaneEndpoint}/heartbeat`, { auth: true, body: CLUSTER_METADATA });
    this.serverNowMs = Date.parse(state.lastConnectivityTime);
    this.o.log(`heartbeat: ${state.connectivityStatus}, certificate expires ${state.managedIdentityCertificateExpirationTime}`);
  }

  private call(method: string, url: string, o: { auth?: boolean; body?: unknown; form?: string } = {}): Promise<Json> {
    const text = o.form ?? (o.body === undefined ? undefined : JSON.stringify(o.body));
    const headers: Record<string, string> = {};
    if (text !== undefined) headers['Content-Type'] = o.form ? 'application/x-www-form-urlencoded' : 'application/json';
    if (o.auth) headers.Authorization = `Bearer ${this.token!.value}`;
    return new Promise((resolve, reject) => {
      const req = https.request(url, { method, headers, ca: this.o.caPem }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const raw = Buffer.concat(chunks).toString('utf8');
          let body: Json;
          try {
            body = raw ? JSON.parse(raw) : {};
          } catch {
            body = { error: { code: 'NotJson', message: raw.slice(0, 200) } };
          }
          if ((res.statusCode ?? 500) < 300) return resolve(body);
          const code = body.error?.code ?? body.error ?? 'Error';
          const message = body.error?.message ?? body.error_description ?? `HTTP ${res.statusCode}`;
          reject(new AgentError(res.statusCode ?? 500, String(code), String(message)));
        });
      });
      req.on('error', reject);
      if (text !== undefined) req.write(text);
      req.end();
    });
  }
}
