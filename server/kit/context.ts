/**
 * What the resource-type kit works with: the store, the clock, the specs, the region catalog,
 * long-running operations, the handler registry and the event bus. Built once by the
 * composition root (server/arclight.ts); each layer above adds what it needs.
 */
import type { ArclightConfig } from '../core/config';
import type { Clock } from '../core/clock';
import type { Logger } from '../core/log';
import type { Store } from '../store';
import type { SpecCatalog } from '../spec/specCatalog';
import type { RegionCatalog } from './regions';
import type { AsyncOperations } from './asyncOperations';
import type { HandlerRegistry } from './handlers';
import type { DomainEvents } from './events';

export interface KitContext {
  config: ArclightConfig;
  clock: Clock;
  logger: Logger;
  store: Store;
  catalog: SpecCatalog;
  regions: RegionCatalog;
  operations: AsyncOperations;
  handlers: HandlerRegistry;
  events: DomainEvents;
  defaults: { tenantId: string; subscriptionId: string; clientId: string };
}
