-- Finished operations are pruned by end time (see arm/asyncOperations.ts).
CREATE INDEX operations_finished ON operations (end_time) WHERE status != 'InProgress';

-- Onboarding proofs of possession already used, kept until they could no longer be valid:
-- a captured proof cannot certify a second key (see agents/identityService.ts).
CREATE TABLE used_proofs (
  key        TEXT PRIMARY KEY,   -- the cluster key and the proof's jti (or the proof's SHA-256 when it has none)
  expires_at INTEGER NOT NULL    -- epoch ms after which neither clock can accept the proof
) WITHOUT ROWID;
CREATE INDEX used_proofs_by_expiry ON used_proofs (expires_at);

-- Connected clusters' identities get tokens only with their certificate, never from the
-- managed identity endpoints (identities registered before this flag existed get it here).
UPDATE principals SET body = json_set(body, '$.certificateOnly', json('true'))
  WHERE kind = 'ManagedIdentity' AND resource_key LIKE '%/providers/microsoft.kubernetes/connectedclusters/%';
