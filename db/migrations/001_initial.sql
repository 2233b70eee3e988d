-- Arclight's store. Every ARM name is matched case-insensitively, so rows are keyed by the
-- lower-cased ARM id ("key") and keep the id in the casing the user supplied ("id").

CREATE TABLE settings (
  name  TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE tenants (
  id   TEXT PRIMARY KEY,          -- lower-cased tenant GUID
  body TEXT NOT NULL              -- TenantIdDescription as returned by GET /tenants
) WITHOUT ROWID;

CREATE TABLE subscriptions (
  id        TEXT PRIMARY KEY,     -- lower-cased subscription GUID
  tenant_id TEXT NOT NULL,
  body      TEXT NOT NULL         -- Subscription as returned by GET /subscriptions/{id}
) WITHOUT ROWID;

CREATE TABLE provider_registrations (
  subscription_id TEXT NOT NULL,
  namespace       TEXT NOT NULL,  -- lower-cased provider namespace
  state           TEXT NOT NULL,  -- Registered | NotRegistered | Registering | Unregistering
  PRIMARY KEY (subscription_id, namespace)
) WITHOUT ROWID;

-- Resources of every type, resource groups included. Children are found by key prefix
-- (an ARM id contains its parent's id), which makes cascading deletes one range delete.
CREATE TABLE resources (
  key             TEXT PRIMARY KEY,
  id              TEXT NOT NULL,
  type            TEXT NOT NULL,  -- lower-cased full type, e.g. microsoft.kubernetes/connectedclusters
  subscription_id TEXT NOT NULL,
  resource_group  TEXT,           -- lower-cased group name; null above group level
  parent_key      TEXT NOT NULL,  -- the subscription, group or resource this one is nested in
  tracked         INTEGER NOT NULL DEFAULT 0, -- 1: listed by the generic /resources lists
  body            TEXT NOT NULL,  -- canonical JSON (the newest shape), never containing secrets
  etag            TEXT NOT NULL,
  created_at      INTEGER NOT NULL,
  updated_at      INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX resources_by_parent ON resources (parent_key, type, key);
CREATE INDEX resources_by_subscription ON resources (subscription_id, type, key);
CREATE INDEX resources_tracked ON resources (subscription_id, tracked, key);

-- Write-only values (protected settings and the like), kept apart from what is rendered.
CREATE TABLE secrets (
  resource_key TEXT PRIMARY KEY,
  body         TEXT NOT NULL
) WITHOUT ROWID;

-- Long-running operations. Their state is derived from due_at and the clock when read.
CREATE TABLE operations (
  id              TEXT PRIMARY KEY,
  subscription_id TEXT,
  resource_key    TEXT,
  resource_id     TEXT,
  kind            TEXT NOT NULL,  -- what completes: e.g. create, update, delete
  status          TEXT NOT NULL,  -- InProgress | Succeeded | Failed | Canceled
  start_time      INTEGER NOT NULL,
  end_time        INTEGER,
  due_at          INTEGER NOT NULL,
  api_version     TEXT NOT NULL,
  data            TEXT NOT NULL DEFAULT '{}'
) WITHOUT ROWID;
CREATE INDEX operations_by_resource ON operations (resource_key);
CREATE INDEX operations_pending ON operations (status, due_at);
