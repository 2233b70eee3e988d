/**
 * systemData, as ARM stamps it on every write: who (from the caller's token) and when (from
 * the emulator clock). Creation fields are kept across updates.
 */
import type { Caller } from './handlers';

export interface SystemData {
  createdBy?: string;
  createdByType?: string;
  createdAt?: string;
  lastModifiedBy?: string;
  lastModifiedByType?: string;
  lastModifiedAt?: string;
}

function who(caller: Caller, prefix: 'created' | 'lastModified'): SystemData {
  return caller.name ? { [`${prefix}By`]: caller.name, [`${prefix}ByType`]: caller.type } : {};
}

export function systemDataFor(caller: Caller, nowIso: string, previous?: SystemData): SystemData {
  const created: SystemData = previous?.createdAt
    ? { createdBy: previous.createdBy, createdByType: previous.createdByType, createdAt: previous.createdAt }
    : { ...who(caller, 'created'), createdAt: nowIso };
  return { ...created, ...who(caller, 'lastModified'), lastModifiedAt: nowIso };
}
