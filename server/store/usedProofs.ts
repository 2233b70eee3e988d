/**
 * Proofs of possession already accepted (table from 003_hardening.sql), kept until no clock
 * could accept them again, so that each proof certifies one key only.
 */
import type { Db } from './database';

export class UsedProofStore {
  private readonly claimStmt;
  private readonly pruneStmt;

  constructor(db: Db) {
    this.claimStmt = db.prepare<[string, number]>('INSERT INTO used_proofs (key, expires_at) VALUES (?, ?) ON CONFLICT (key) DO NOTHING');
    this.pruneStmt = db.prepare<[number]>('DELETE FROM used_proofs WHERE expires_at < ?');
  }

  /**
   * Records `key` as used until `expiresAtMs`; false when it was used already. Entries whose
   * time has passed on every clock (`nowMs`: the earlier of the clocks) are removed first.
   */
  claim(key: string, expiresAtMs: number, nowMs: number): boolean {
    this.pruneStmt.run(nowMs);
    return this.claimStmt.run(key, expiresAtMs).changes === 1;
  }
}
