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
  if (!caller.name) return {};
  return prefix === 'created' ? { createdBy: caller.name, createdByType: caller.type } : { lastModifiedBy: caller.name, lastModifiedByType: caller.type };
}

// Object.assign rather than spreads: on Node 20, adding keys to an object built by a spread
// makes V8 create a new hidden class on every call (slow, and it fills the old generation).
export function systemDataFor(caller: Caller, nowIso: string, previous?: SystemData): SystemData {
  const created: SystemData = previous?.createdAt
    ? { createdBy: previous.createdBy, createdByType: previous.createdByType, createdAt: previous.createdAt }
    : Object.assign(who(caller, 'created'), { createdAt: nowIso });
  return Object.assign({}, created, who(caller, 'lastModified'), { lastModifiedAt: nowIso });
}
