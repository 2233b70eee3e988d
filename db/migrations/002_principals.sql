-- The directory's principals: service principals (from the seed file and the default one) and
-- managed identities (seeded, or registered for clusters). Credentials live in their own tables:
-- client secrets only as salted hashes, certificates only as their public part.

CREATE TABLE principals (
  client_id    TEXT PRIMARY KEY,  -- lower-cased application (client) id: the token's appid
  tenant_id    TEXT NOT NULL,     -- lower-cased home tenant
  object_id    TEXT NOT NULL,     -- the token's oid (a managed identity's principalId)
  kind         TEXT NOT NULL,     -- ServicePrincipal | ManagedIdentity
  resource_key TEXT,              -- lower-cased xms_mirid of a managed identity, so deletes can follow ARM ids
  body         TEXT NOT NULL      -- the principal as JSON (display name, resource id in its casing, ...)
) WITHOUT ROWID;
CREATE INDEX principals_by_resource ON principals (resource_key);

CREATE TABLE principal_secrets (
  client_id TEXT NOT NULL,
  salt      TEXT NOT NULL,        -- base64, random per secret
  hash      TEXT NOT NULL,        -- base64 scrypt(secret, salt)
  PRIMARY KEY (client_id, salt)
) WITHOUT ROWID;

CREATE TABLE principal_certificates (
  client_id  TEXT NOT NULL,
  sha256     TEXT NOT NULL,       -- upper-case hex thumbprints, as x5t#S256 / x5t name them (after decoding)
  sha1       TEXT NOT NULL,
  not_before INTEGER NOT NULL,    -- epoch milliseconds
  not_after  INTEGER NOT NULL,
  pem        TEXT NOT NULL,       -- the public certificate; private keys are never stored
  PRIMARY KEY (client_id, sha256)
) WITHOUT ROWID;
