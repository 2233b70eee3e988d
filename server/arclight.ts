/**
 * Building and starting Arclight. createArclight() wires store, clock, specs, providers and
 * the express app (what supertest drives); startArclight() adds the HTTPS listener and is
 * what the `arclight` command and end-to-end tests use.
 */
import * as fs from 'fs';
import * as https from 'https';
import * as os from 'os';
import * as path from 'path';
import type { AddressInfo } from 'net';
import type { Express } from 'express';
import { ArclightConfig, configFromOptions, ConfigError } from './core/config';
import { osReason, StartupError } from './core/startupError';
import { CLOCK_SETTING, startClock } from './store/storedClock';
import { listen } from './http/listen';
import { Logger, LoggerOption, LogSink, sinkFor } from './core/log';
import { Store } from './store';
import { applyDirectorySeed, DEFAULT_CLIENT_ID, DEFAULT_REGISTERED_PROVIDERS, DEFAULT_CLIENT_SECRET, DEFAULT_SUBSCRIPTION_ID, DEFAULT_TENANT_ID, readSeedFile, SeedFile } from './store/seed';
import { SpecCatalog } from './spec/specCatalog';
import { RegionCatalog } from './kit/regions';
import { AsyncOperations } from './kit/asyncOperations';
import { HandlerRegistry } from './kit/handlers';
import { ArmAuthenticator } from './identity/armAuthentication';
import { RoleAuthorizer } from './identity/roleAuthorizer';
import { applyPrincipalSeed, Principals } from './identity/principals';
import { identityRoutes } from './surfaces/entra/routes';
import { agentRoutes } from './surfaces/clusterSide/routes';
import { SimulatedAgents } from './simulator/simulatedAgents';
import { SigningKey } from './identity/signingKey';
import { TokenService } from './identity/tokenService';
import { CertificateAuthority } from './pki/certificateAuthority';
import { settingSlot } from './pki/identityFiles';
import { readTlsFiles } from './pki/tlsFiles';
import { expressMessageClasses } from './http/messageClasses';
import { gatewayChain } from './gateway/chain';
import { adminRoutes } from './surfaces/testControl/routes';
import { cloudMetadataHandler } from './surfaces/metadata/cloudMetadata';
import { armPipeline } from './surfaces/arm/pipeline';
import { registerDeployments } from './surfaces/arm/deployments';
import type { Services } from './surfaces/services';
import { DomainEvents } from './kit/events';
import { registerResourcesProvider } from './providers/resources';
import { registerKubernetesProvider } from './providers/kubernetes';
import { registerKubernetesConfigurationProvider } from './providers/kubernetesConfiguration';
import { registerParentClusters } from './providers/parentClusters';
import { registerExtendedLocationProvider } from './providers/extendedLocation';
import { registerNeighbours } from './providers/neighbours';
import { seedResourceGroups } from './providers/resources/resourceGroups';
import { ExtensionTypeCatalog } from './providers/kubernetesConfiguration/extensionTypeCatalog';
import { FaultRules, FaultRuleView } from './kit/faults/faultRules';
import { ArmThrottle } from './kit/throttling';
import { operationFaults } from './gateway/faultStage';
import { regionOfPath } from './kit/faults/regionOfPath';
import { JournalDetail, JournalFilter, RequestJournal } from './platform/requestJournal';
import { ArclightEvent, EventStream, EventTypes } from './platform/eventStream';
import { ConnectivityWatch } from './platform/connectivityWatch';
import { ClusterTimeline, ConnectivityTimeline } from './platform/connectivityTimeline';
import { DirectoryAdmin } from './identity/directoryAdmin';
import { SnapshotError, SnapshotStore } from './store/snapshots';
import { clockStateProblem } from './core/clock';
import { DASHBOARD_PATH } from './surfaces/testControl/dashboardControl';
import { directoryClient, DirectoryClient, snapshotClient, SnapshotClient } from './surfaces/testControl/clients';

export interface ArclightOptions extends Partial<ArclightConfig> {
  /**
   * Where log lines go: 'silent' (the default, so a test suite's output stays its own),
   * 'stdout' (what the `arclight` command uses), or a function given each line.
   */
  logger?: LoggerOption;
  /** The older name of `logger` as a function; still taken. */
  logSink?: LogSink;
}

/** Fault rules, programmatically: the same rules and checks as /_arclight/faults. */
export interface FaultControl {
  /** Adds a rule (see README "Faults"); throws an ArmError (status 400) naming a bad field. */
  add(rule: FaultRuleInput): FaultRuleView;
  list(): FaultRuleView[];
  remove(id: string): boolean;
  clear(): void;
}

/** A fault rule as a test writes it (the JSON body of POST /_arclight/faults). */
export interface FaultRuleInput {
  match?: {
    method?: string | string[];
    resourceType?: string;
    path?: string;
    operation?: 'request' | 'longRunningOperation' | 'statusPoll';
    apiVersion?: string;
    region?: string;
    subscription?: string;
    principal?: string;
  };
  effect:
    | { kind?: 'error'; status: number; code?: string; message?: string; retryAfter?: number; headers?: Record<string, string> }
    | { kind?: 'operation'; operationStatus: 'Failed' | 'Canceled'; code?: string; message?: string }
    | { kind?: 'latency'; latencyMs: number }
    | { kind?: 'drop'; drop?: true };
  count?: number;
  probability?: number;
  seed?: number;
  /** ISO 8601 instant on the emulator clock. */
  until?: string;
}

function faultControl(rules: FaultRules): FaultControl {
  return { add: (rule) => rules.add(rule), list: () => rules.list(), remove: (id) => rules.remove(id), clear: () => rules.clear() };
}

/** The request journal, as a test asserts on it (see GET /_arclight/requests). */
export interface RequestsClient {
  /** Newest first. */
  list(filter?: JournalFilter): JournalDetail[];
  /** The newest request that matches, if any. */
  find(filter: JournalFilter): JournalDetail | undefined;
  clear(): void;
}

/** What a test waits for: fields the event must have (ids compared ignoring case), or a test of it. */
export type EventMatch = Partial<Record<string, unknown>> | ((event: ArclightEvent) => boolean);

/** The live event stream, as a test listens to it (see GET /_arclight/events). */
export interface EventsClient {
  /** Listens to events of `types` (categories such as 'resource', or whole types); returns the unsubscribe function. */
  subscribe(types: EventTypes, listener: (event: ArclightEvent) => void): () => void;
  /**
   * The next event that matches: subscribe before the action that causes it. Rejects after
   * `timeoutMs` of real time (default 10 s), naming what it waited for.
   */
  waitFor(match: EventMatch, options?: { timeoutMs?: number }): Promise<ArclightEvent>;
}

export interface Arclight {
  app: Express;
  services: Services;
  faults: FaultControl;
  requests: RequestsClient;
  events: EventsClient;
  /** Tenants, subscriptions and principals at run time (POST /_arclight/directory/...). */
  directory: DirectoryClient;
  /** Named snapshots of the whole state (/_arclight/snapshots). */
  snapshots: SnapshotClient;
  /** Each connected cluster's connectivity over time (GET /_arclight/connectivity); watching begins with the first call. */
  connectivityTimelines(): ClusterTimeline[];
  /** Back to the initial state: everything, or one subscription's resources and registrations. */
  reset(subscriptionId?: string): void;
  close(): void;
}

function matches(match: EventMatch, event: ArclightEvent): boolean {
  if (typeof match === 'function') return match(event);
  return Object.entries(match).every(([field, want]) => {
    const got = event[field];
    if (field === 'type' && typeof want === 'string') return got === want || String(got).startsWith(`${want}.`);
    return typeof want === 'string' && typeof got === 'string' && field === 'id' ? want.toLowerCase() === got.toLowerCase() : got === want;
  });
}

function eventsClient(stream: EventStream): EventsClient {
  return {
    subscribe: (types, listener) => stream.subscribe(types, listener),
    waitFor: (match, options = {}) => new Promise<ArclightEvent>((resolve, reject) => {
      const timeoutMs = options.timeoutMs ?? 10_000;
      // A match that names its type listens to that type only (connectivity is watched only when asked for).
      const types = typeof match === 'object' && typeof match.type === 'string' ? [match.type] : undefined;
      const unsubscribe = stream.subscribe(types, (event) => {
        if (!matches(match, event)) return;
        clearTimeout(timer);
        unsubscribe();
        resolve(event);
      });
      const timer = setTimeout(() => {
        unsubscribe();
        reject(new Error(`no event matched ${typeof match === 'function' ? 'the test given' : JSON.stringify(match)} within ${timeoutMs} ms`));
      }, timeoutMs);
    }),
  };
}
/** The name --snapshot's file is kept under, and what a full reset goes back to. */
const STARTUP_SNAPSHOT = 'startup';

let sharedCatalog: SpecCatalog | undefined;
/** The spec bundle is immutable: one load per process serves every instance. */
function catalog(): SpecCatalog {
  return (sharedCatalog ??= SpecCatalog.load());
}

/** Runs a start-up step on an open store, closing it (and so releasing the data dir) if the step fails. */
function closingOnFailure<T>(store: Store, step: () => T): T {
  try {
    return step();
  } catch (err) {
    store.close();
    throw err;
  }
}

/** --snapshot: the file as snapshot `startup`, restored; a file that cannot be read or used stops the start. */
function startFromSnapshot(snapshots: SnapshotStore, file: string): void {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (err) {
    throw new StartupError((err as NodeJS.ErrnoException).code ?? 'EIO', `--snapshot ${file}: cannot read it (${osReason(err)})`);
  }
  try {
    snapshots.import(STARTUP_SNAPSHOT, bytes);
    snapshots.restore(STARTUP_SNAPSHOT);
  } catch (err) {
    if (err instanceof SnapshotError) throw new ConfigError(`--snapshot ${file}: ${err.message}`);
    throw err;
  }
}

export async function createArclight(options: ArclightOptions = {}): Promise<Arclight> {
  const { logSink, logger: loggerOption, ...overrides } = options;
  const config: ArclightConfig = configFromOptions(overrides);
  const logger = new Logger(config.logLevel, sinkFor(loggerOption, logSink));
  const dataDir = config.inMemory ? undefined : path.resolve(config.dataDir);
  const specs = catalog();
  const regions = new RegionCatalog(specs.regions, specs.bundle.regionSets, config.regions ? RegionCatalog.readFile(config.regions) : undefined);
  const seed: SeedFile | undefined = config.seed ? readSeedFile(config.seed, (location) => regions.resolve(location) !== undefined) : undefined;
  const extensionTypes = ExtensionTypeCatalog.read(config.extensionTypes, (region) => regions.resolve(region)?.name);
  const store = Store.open(dataDir);
  const { clock, ca, signingKey } = closingOnFailure(store, () => {
    const databaseFile = Store.location(dataDir);
    const clock = startClock(config.clockStart, store, dataDir ? `--data-dir ${dataDir}` : 'memory');
    const ca = CertificateAuthority.loadOrCreate(dataDir && path.join(dataDir, 'certs'), settingSlot(store, 'certificateAuthority', databaseFile));
    return { clock, ca, signingKey: new SigningKey(dataDir && path.join(dataDir, 'keys'), ca, settingSlot(store, 'tokenSigningKey', databaseFile)) };
  });
  const initialClock = clock.snapshot();
  const principals = new Principals(store);
  const tokens = new TokenService(clock, signingKey, principals);

  const events = new DomainEvents();
  const persistClock = clock.onChange;
  clock.onChange = (state) => {
    persistClock?.(state);
    events.emit({ type: 'clock.moved', atMs: clock.nowMs(), frozen: clock.frozen });
  };
  // The simulated agents act through the same services as everything else, and are only heard
  // of through events and the two interfaces they implement (live agent facts, test controls).
  const agents = new SimulatedAgents(() => services);
  const normaliseRegion = (region: string) => regions.resolve(region)?.name ?? region.toLowerCase().replace(/\s+/g, '');
  const faults = new FaultRules(clock, events, (region) => regions.resolve(region)?.name);
  const connectivity = new ConnectivityWatch(() => services);
  const auth = new ArmAuthenticator(config.auth, clock, tokens);
  const enforceRoles = config.rbac === 'enforce';
  const services: Services = {
    config,
    clock,
    logger,
    store,
    catalog: specs,
    regions,
    events,
    operations: new AsyncOperations(store, clock, () => config.lroDelay, logger, events),
    handlers: new HandlerRegistry(),
    auth,
    rbac: enforceRoles ? new RoleAuthorizer(store, (caller) => auth.isVerified(caller)) : undefined,
    ca,
    principals,
    tokens,
    liveAgents: agents,
    extensionTypes,
    agentControl: agents,
    faults,
    throttle: new ArmThrottle(clock, config.throttle === 'arm'),
    journal: new RequestJournal(config.journalSize),
    eventStream: new EventStream(store, clock, events, connectivity),
    connectivityTimeline: new ConnectivityTimeline(() => services, () => services.eventStream),
    directoryAdmin: new DirectoryAdmin(store, ca, () => clock.nowMs(), enforceRoles),
    // The clock lives outside the tables: its row is written before a save and read after a restore.
    snapshots: new SnapshotStore(store, dataDir, () => clock.iso(), {
      beforeSave: () => store.setSetting(CLOCK_SETTING, clock.snapshot()),
      afterRestore: () => {
        const state = store.setting<unknown>(CLOCK_SETTING);
        if (state !== undefined && !clockStateProblem(state, Date.now())) clock.restore(state as ReturnType<typeof clock.snapshot>);
        // restore() is not a move its onChange hears of: the listeners are told here.
        events.emit({ type: 'clock.moved', atMs: clock.nowMs(), frozen: clock.frozen });
        // A restore is no change of each cluster: what it brought back is the baseline.
        connectivity.rebase();
        services.connectivityTimeline.rebase();
      },
    }),
    defaults: { tenantId: DEFAULT_TENANT_ID, subscriptionId: DEFAULT_SUBSCRIPTION_ID, clientId: DEFAULT_CLIENT_ID },
  };
  agents.listenTo(events);
  const regionOf = (segments: readonly string[]) => regionOfPath(services, segments, normaliseRegion);
  services.operations.forcedOutcome = operationFaults(faults, regionOf);
  registerResourcesProvider(services);
  registerDeployments(services);
  registerKubernetesProvider(services);
  registerKubernetesConfigurationProvider(services);
  registerParentClusters(services);
  registerExtendedLocationProvider(services);
  registerNeighbours(services);

  const applySeed = () => {
    applyDirectorySeed(store, seed);
    applyPrincipalSeed(store, seed);
    seedResourceGroups(services, seed?.resourceGroups ?? []);
    // --rbac enforce: the default principal owns the default subscription.
    services.directoryAdmin.grantOwners(DEFAULT_SUBSCRIPTION_ID);
  };
  closingOnFailure(store, applySeed);
  if (config.snapshot) {
    const file = config.snapshot;
    closingOnFailure(store, () => startFromSnapshot(services.snapshots, file));
  }

  const reset = (subscriptionId?: string) => {
    // Faults and throttling are the whole instance's: any reset ends them.
    faults.clear();
    services.throttle.clear();
    if (subscriptionId) {
      store.clearSubscription(subscriptionId);
    } else {
      store.clearAll();
      services.journal.clear();
      clock.restore(initialClock);
      store.setSetting(CLOCK_SETTING, initialClock);
    }
    applySeed();
    // Started from a snapshot, the initial state is that snapshot's.
    if (!subscriptionId && config.snapshot && services.snapshots.list().some((snap) => snap.name === STARTUP_SNAPSHOT)) {
      services.snapshots.restore(STARTUP_SNAPSHOT);
    }
    // A subscription made at run time (the directory API) keeps its default registrations too.
    if (subscriptionId) services.directoryAdmin.grantOwners(subscriptionId);
    if (subscriptionId && store.directory.registrations(subscriptionId).size === 0) {
      store.transaction(() => {
        for (const ns of DEFAULT_REGISTERED_PROVIDERS) store.directory.setRegistration(subscriptionId, ns, 'Registered');
      });
    }
    connectivity.rebase();
    services.connectivityTimeline.rebase();
  };

  const hooks = {
    isReady: () => {
      const checks = { specs: specs.definitionCount > 0, database: store.db.open, tls: true };
      return { ready: Object.values(checks).every(Boolean), checks };
    },
    reset,
  };
  const app = gatewayChain({
    logger, routingRegion: regions.regions[0]?.name ?? 'local', publicUrl: config.publicUrl,
    settleDueOperations: () => services.operations.settleDue(), nowMs: () => clock.nowMs(),
    journal: services.journal,
    throttle: services.throttle,
    faults: { faults, regionOf },
  }, {
    testControl: adminRoutes(services, hooks),
    metadata: cloudMetadataHandler(services),
    entra: identityRoutes(services),
    clusterSide: agentRoutes(services),
    arm: armPipeline(services),
  });
  logger.debug(`data: ${dataDir ?? 'in memory'}; auth: ${config.auth}`);
  const journal = services.journal;
  const requests: RequestsClient = {
    list: (filter) => journal.list(filter),
    find: (filter) => journal.list({ ...filter, limit: 1 })[0],
    clear: () => journal.clear(),
  };
  return {
    app, services, requests, events: eventsClient(services.eventStream), faults: faultControl(faults), reset, close: () => store.close(),
    directory: directoryClient(services.directoryAdmin, () => config.publicUrl ?? `https://${config.host}:${config.port}`),
    snapshots: snapshotClient(services.snapshots),
    connectivityTimelines: () => services.connectivityTimeline.list(),
  };
}

export interface RunningArclight {
  url: string;
  /** The dashboard's page, `${url}/_arclight/ui`. */
  dashboardUrl: string;
  host: string;
  port: number;
  caCertPem: string;
  caCertPath: string;
  tenantId: string;
  subscriptionId: string;
  clientId: string;
  clientSecret: string;
  app: Express;
  services: Services;
  /** Fault rules (POST /_arclight/faults, programmatically). */
  faults: FaultControl;
  requests: RequestsClient;
  events: EventsClient;
  /** Tenants, subscriptions and principals at run time: `await arclight.directory.createSubscription()`. */
  directory: DirectoryClient;
  /** Named snapshots: `await arclight.snapshots.save('s1')`, `.restore`, `.list`, `.delete`, `.export`, `.import`. */
  snapshots: SnapshotClient;
  /** Each connected cluster's connectivity over time, as the dashboard draws it. */
  connectivityTimelines(): ClusterTimeline[];
  reset(subscriptionId?: string): Promise<void>;
  stop(): Promise<void>;
}

/** Host names and addresses the generated server certificate covers: the local ones, the listening host, and --tls-names. */
function certificateNames(host: string, extra: readonly string[]): string[] {
  const names = ['localhost', '127.0.0.1', '::1', os.hostname()];
  if (host && !['0.0.0.0', '::', '127.0.0.1', '::1', 'localhost'].includes(host)) names.push(host);
  return [...new Set([...names, ...extra])];
}

export async function startArclight(options: ArclightOptions = {}): Promise<RunningArclight> {
  const instance = await createArclight(options);
  const { config, ca, logger } = instance.services;
  const dataDir = config.inMemory ? undefined : path.resolve(config.dataDir);

  // Every failure from here on closes the instance and removes the temporary CA file.
  let tempDir: string | undefined;
  let server: https.Server | undefined;
  const release = () => {
    server?.close();
    instance.close();
    if (tempDir) fs.rmSync(tempDir, { recursive: true, force: true });
  };
  try {
    const tls = config.cert && config.key
      ? readTlsFiles(config.cert, config.key)
      : ca.serverCertificate(dataDir && path.join(dataDir, 'certs'), certificateNames(config.host, config.tlsNames ?? []));
    server = https.createServer({ cert: tls.certPem, key: tls.keyPem, ...expressMessageClasses(instance.app) }, instance.app);
    await listen(server, config.port, config.host);
    // In memory, the CA still needs a file for NODE_EXTRA_CA_CERTS / REQUESTS_CA_BUNDLE.
    if (!dataDir) {
      tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'arclight-'));
      fs.writeFileSync(path.join(tempDir, 'ca.pem'), ca.certPem);
    }
  } catch (err) {
    release();
    throw err;
  }
  const caCertPath = tempDir ? path.join(tempDir, 'ca.pem') : path.join(dataDir!, 'certs', 'ca.pem');
  const port = (server.address() as AddressInfo).port;
  const urlHost = ['0.0.0.0', '::'].includes(config.host) ? 'localhost' : config.host.includes(':') ? `[${config.host}]` : config.host;
  const url = `https://${urlHost}:${port}`;

  let stopped: Promise<void> | undefined;
  const listening = server;
  const stop = () => (stopped ??= new Promise<void>((resolve) => {
    listening.close(() => resolve());
    listening.closeAllConnections();
  }).then(() => {
    instance.close();
    if (tempDir) fs.rmSync(tempDir, { recursive: true, force: true });
    logger.info('stopped');
  }));

  return {
    url,
    dashboardUrl: `${url}${DASHBOARD_PATH}`,
    host: config.host,
    port,
    caCertPem: ca.certPem,
    caCertPath,
    tenantId: DEFAULT_TENANT_ID,
    subscriptionId: DEFAULT_SUBSCRIPTION_ID,
    clientId: DEFAULT_CLIENT_ID,
    clientSecret: DEFAULT_CLIENT_SECRET,
    app: instance.app,
    services: instance.services,
    faults: instance.faults,
    requests: instance.requests,
    events: instance.events,
    directory: directoryClient(instance.services.directoryAdmin, () => config.publicUrl ?? url),
    snapshots: instance.snapshots,
    connectivityTimelines: instance.connectivityTimelines,
    reset: async (subscriptionId?: string) => instance.reset(subscriptionId),
    stop,
  };
}
