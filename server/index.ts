/** Arclight's programmatic API for test suites. */
export { startArclight, createArclight } from './arclight';
export type { ArclightOptions, Arclight, RunningArclight, FaultControl, FaultRuleInput } from './arclight';
export type { FaultRuleView } from './kit/faults/faultRules';
export type { ClusterTimeline, TimelineEntry } from './platform/connectivityTimeline';
export type { ArclightConfig, AuthMode, LogLevel, ThrottleMode } from './core/config';
export { DEFAULT_TENANT_ID, DEFAULT_SUBSCRIPTION_ID, DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET } from './store/seed';
