// The ESM entry point: the CommonJS build, re-exported by name (one copy of Arclight, whichever
// module system loads it first).
import arclight from '../dist/server/index.js';

export const {
  startArclight, createArclight, DEFAULT_TENANT_ID, DEFAULT_SUBSCRIPTION_ID, DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET,
} = arclight;
