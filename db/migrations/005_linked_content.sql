-- Deployment content Arclight serves itself (/_arclight/templates/...), so that a deployment's
-- templateLink or parametersLink can point at Arclight (see surfaces/arm/deploymentContent.ts).
CREATE TABLE linked_content (
  path       TEXT PRIMARY KEY,   -- the path under /_arclight/templates/, as given (case-sensitive, as a blob store's are)
  body       TEXT NOT NULL,      -- the JSON text
  updated_at INTEGER NOT NULL    -- epoch ms on the emulator clock
) WITHOUT ROWID;
