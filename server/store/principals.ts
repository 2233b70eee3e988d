/**
 * Principals and their credentials (tables from 002_principals.sql). Read on every token request
 * and every ARM request that carries an Arclight token, so rows are served from memory and the
 * tables are only read again after a write.
 */
import type { Db } from './database';

export type PrincipalKind = 'ServicePrincipal' | 'ManagedIdentity';

export interface PrincipalRecord {
  /** Application (client) id, lower-cased: the token's `appid`. */
  clientId: string;
  tenantId: string;
  /** The token's `oid`; a managed identity's principalId. */
  objectId: string;
  kind: PrincipalKind;
  displayName: string;
  /** Managed identities: the ARM id tokens carry as `xms_mirid`. */
  resourceId?: string;
  /** The managed identity the MSI endpoints use when a request names none. */
  isDefault?: boolean;
  /**
   * Gets tokens only by proving its certificate (a client assertion), never from the managed
   * identity endpoints: the identity of an ARM resource whose agents hold the certificate,
   * such as a connected cluster's.
   */
  certificateOnly?: boolean;
  /**
   * The only subscriptions the principal may reach (a test worker's, from the directory API);
   * absent: every subscription of its tenant.
   */
  subscriptions?: string[];
  /** The subscription it was made to own (POST /_arclight/directory/subscriptions): its Owner role assignment is granted again after a reset. */
  ownerOf?: string;
}

export interface SecretRecord {
  salt: string;
  hash: string;
}

export interface CertificateRecord {
  sha256: string;
  sha1: string;
  notBefore: number;
  notAfter: number;
  pem: string;
}

export interface PrincipalEntry {
  principal: PrincipalRecord;
  secrets: SecretRecord[];
  certificates: CertificateRecord[];
}

export class PrincipalStore {
  private cache?: Map<string, PrincipalEntry>;
  private readonly stmts;

  constructor(db: Db) {
    this.stmts = {
      principals: db.prepare<[], { body: string }>('SELECT body FROM principals'),
      secrets: db.prepare<[], { client_id: string; salt: string; hash: string }>('SELECT client_id, salt, hash FROM principal_secrets'),
      certificates: db.prepare<[], { client_id: string } & CertificateRecord>(
        'SELECT client_id, sha256, sha1, not_before AS notBefore, not_after AS notAfter, pem FROM principal_certificates'),
      put: db.prepare(`INSERT INTO principals (client_id, tenant_id, object_id, kind, resource_key, body) VALUES (?, ?, ?, ?, ?, ?)
        ON CONFLICT (client_id) DO UPDATE SET tenant_id = excluded.tenant_id, object_id = excluded.object_id, kind = excluded.kind,
        resource_key = excluded.resource_key, body = excluded.body`),
      putSecret: db.prepare('INSERT INTO principal_secrets (client_id, salt, hash) VALUES (?, ?, ?)'),
      putCertificate: db.prepare(`INSERT INTO principal_certificates (client_id, sha256, sha1, not_before, not_after, pem) VALUES (?, ?, ?, ?, ?, ?)
        ON CONFLICT (client_id, sha256) DO NOTHING`),
      deleteSecrets: db.prepare<[string]>('DELETE FROM principal_secrets WHERE client_id = ?'),
      deleteCertificates: db.prepare<[string]>('DELETE FROM principal_certificates WHERE client_id = ?'),
      delete: db.prepare<[string]>('DELETE FROM principals WHERE client_id = ?'),
      underResource: db.prepare<[string, string, string], { client_id: string }>(
        'SELECT client_id FROM principals WHERE resource_key = ? OR (resource_key >= ? AND resource_key < ?)'),
    };
  }

  get(clientId: string): PrincipalEntry | undefined {
    return this.load().get(clientId.toLowerCase());
  }

  all(): PrincipalEntry[] {
    return [...this.load().values()];
  }

  /** Adds or replaces a principal together with all of its credentials; the caller holds the transaction. */
  put(principal: PrincipalRecord, secrets: SecretRecord[], certificates: CertificateRecord[]): void {
    const id = principal.clientId.toLowerCase();
    const record = { ...principal, clientId: id, tenantId: principal.tenantId.toLowerCase(), objectId: principal.objectId.toLowerCase() };
    const resourceKey = record.resourceId ? record.resourceId.toLowerCase().replace(/\/+$/, '') : null;
    this.stmts.put.run(id, record.tenantId, record.objectId, record.kind, resourceKey, JSON.stringify(record));
    this.stmts.deleteSecrets.run(id);
    this.stmts.deleteCertificates.run(id);
    for (const s of secrets) this.stmts.putSecret.run(id, s.salt, s.hash);
    for (const c of certificates) this.stmts.putCertificate.run(id, c.sha256, c.sha1, c.notBefore, c.notAfter, c.pem);
    // The cache follows the write entry by entry (Store.transaction drops it on a rollback).
    const unique = [...new Map(certificates.map((c) => [c.sha256, c])).values()];
    this.cache?.set(id, { principal: record, secrets: [...secrets], certificates: unique });
  }

  delete(clientId: string): void {
    const id = clientId.toLowerCase();
    this.stmts.deleteSecrets.run(id);
    this.stmts.deleteCertificates.run(id);
    this.stmts.delete.run(id);
    this.cache?.delete(id);
  }

  /** Removes the managed identities of `resourceKey` and of the resources inside it (they go with their resource). */
  deleteUnder(resourceKey: string): void {
    for (const id of this.clientIdsUnder(resourceKey)) this.delete(id);
  }

  /** Client ids of the managed identities whose resource id is `resourceKey` or lies inside it. */
  clientIdsUnder(resourceKey: string): string[] {
    const key = resourceKey.toLowerCase().replace(/\/+$/, '');
    return this.stmts.underResource.all(key, `${key}/`, `${key}0`).map((r) => r.client_id);
  }

  /** Forgets every cached row (after a reset rewrites the tables). */
  invalidate(): void {
    this.cache = undefined;
  }

  private load(): Map<string, PrincipalEntry> {
    if (this.cache) return this.cache;
    const map = new Map<string, PrincipalEntry>();
    for (const row of this.stmts.principals.all()) {
      const principal = JSON.parse(row.body) as PrincipalRecord;
      map.set(principal.clientId, { principal, secrets: [], certificates: [] });
    }
    for (const { client_id, salt, hash } of this.stmts.secrets.all()) map.get(client_id)?.secrets.push({ salt, hash });
    for (const { client_id, ...cert } of this.stmts.certificates.all()) map.get(client_id)?.certificates.push(cert);
    this.cache = map;
    return map;
  }
}
