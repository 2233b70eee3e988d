/**
 * One typed configuration object. Every option has a command-line flag and an environment
 * variable twin (ARCLIGHT_ + the flag in upper snake case); defaults live here and only here.
 */
export type AuthMode = 'off' | 'lenient' | 'strict';
export type LogLevel = 'error' | 'warn' | 'info' | 'debug';
export type AgentMode = 'none' | 'simulated';

export interface ArclightConfig {
  host: string;
  /** 0 picks a free port. */
  port: number;
  dataDir: string;
  /** Keep everything in memory (SQLite :memory:, a fresh TLS pair); nothing survives a stop. */
  inMemory: boolean;
  /** Bring-your-own TLS certificate and key (PEM files); otherwise the local CA issues one. */
  cert?: string;
  key?: string;
  logLevel: LogLevel;
  auth: AuthMode;
  /** JSON file with extra tenants, subscriptions, service principals and managed identities. */
  seed?: string;
  /** JSON file that replaces or extends the region catalog. */
  regions?: string;
  /** Items per page of list operations before a nextLink is given. */
  pageSize: number;
  /** Seconds (on the emulator clock) that long-running operations stay in progress. */
  lroDelay: number;
  /** Largest accepted request body, in bytes. */
  bodyLimit: number;
  /** Start the clock at this ISO 8601 instant; with a trailing "!" (or "frozen:") the clock stands still. */
  clockStart?: string;
  /** Seconds without a heartbeat after which a connected cluster reads as Offline. */
  offlineAfter: number;
  /** Days a managed identity certificate issued to a cluster stays valid. */
  certificateLifetimeDays: number;
  agents: AgentMode;
  /**
   * The base URL Arclight writes into the URLs it hands out (Azure-AsyncOperation, Location,
   * nextLink, metadata, token issuers). Without it: the request's Host when it is a valid
   * host[:port], else the listening address.
   */
  publicUrl?: string;
  /** When set, /_arclight/* (but health, ready and ca.pem) needs `Authorization: Bearer <adminKey>`. */
  adminKey?: string;
}

export const DEFAULT_CONFIG: ArclightConfig = {
  host: '127.0.0.1',
  port: 8443,
  dataDir: './data',
  inMemory: false,
  logLevel: 'info',
  auth: 'lenient',
  pageSize: 100,
  lroDelay: 0,
  bodyLimit: 4 * 1024 * 1024,
  offlineAfter: 15 * 60,
  certificateLifetimeDays: 90,
  agents: 'none',
};

type Kind = 'string' | 'number' | 'boolean' | { oneOf: readonly string[] };

interface OptionSpec {
  key: keyof ArclightConfig;
  flag: string;
  kind: Kind;
  help: string;
}

/** The command-line surface, in the order `arclight --help` prints it. */
export const OPTIONS: readonly OptionSpec[] = [
  { key: 'host', flag: 'host', kind: 'string', help: 'address to listen on' },
  { key: 'port', flag: 'port', kind: 'number', help: 'HTTPS port (0 picks a free one)' },
  { key: 'dataDir', flag: 'data-dir', kind: 'string', help: 'where the database, certificates and keys are kept' },
  { key: 'inMemory', flag: 'in-memory', kind: 'boolean', help: 'keep nothing on disk' },
  { key: 'cert', flag: 'cert', kind: 'string', help: 'TLS certificate (PEM) to serve instead of the generated one' },
  { key: 'key', flag: 'key', kind: 'string', help: 'private key (PEM) of --cert' },
  { key: 'logLevel', flag: 'log-level', kind: { oneOf: ['error', 'warn', 'info', 'debug'] }, help: 'info logs one line per request; debug adds redacted bodies' },
  { key: 'auth', flag: 'auth', kind: { oneOf: ['off', 'lenient', 'strict'] }, help: 'bearer-token checks on ARM requests' },
  { key: 'seed', flag: 'seed', kind: 'string', help: 'JSON file of tenants, subscriptions and principals to add' },
  { key: 'regions', flag: 'regions', kind: 'string', help: 'JSON file that replaces or extends the region catalog' },
  { key: 'pageSize', flag: 'page-size', kind: 'number', help: 'items per page of list operations' },
  { key: 'lroDelay', flag: 'lro-delay', kind: 'number', help: 'seconds long-running operations stay in progress' },
  { key: 'bodyLimit', flag: 'body-limit', kind: 'number', help: 'largest request body in bytes' },
  { key: 'clockStart', flag: 'clock-start', kind: 'string', help: 'start the clock at an ISO 8601 instant ("frozen:<instant>" stops it)' },
  { key: 'offlineAfter', flag: 'offline-after', kind: 'number', help: 'seconds without heartbeat before a cluster is Offline' },
  { key: 'certificateLifetimeDays', flag: 'certificate-lifetime-days', kind: 'number', help: 'validity of cluster identity certificates' },
  { key: 'agents', flag: 'agents', kind: { oneOf: ['none', 'simulated'] }, help: 'simulated: Arclight plays every cluster\'s agents' },
  { key: 'publicUrl', flag: 'public-url', kind: 'string', help: 'base URL written into the URLs Arclight hands out (default: from the Host header)' },
  { key: 'adminKey', flag: 'admin-key', kind: 'string', help: 'bearer key /_arclight/* requires (but health, ready, ca.pem)' },
];

export function envName(flag: string): string {
  return `ARCLIGHT_${flag.replace(/-/g, '_').toUpperCase()}`;
}

export class ConfigError extends Error {}

function coerce(spec: OptionSpec, raw: string | boolean, source: string): unknown {
  const kind = spec.kind;
  if (kind === 'boolean') {
    if (typeof raw === 'boolean') return raw;
    if (/^(1|true|yes|on)$/i.test(raw)) return true;
    if (/^(0|false|no|off)$/i.test(raw)) return false;
    throw new ConfigError(`${source}: expected true or false, got '${raw}'`);
  }
  if (typeof raw === 'boolean') throw new ConfigError(`${source} needs a value`);
  if (kind === 'number') {
    const n = Number(raw);
    if (!Number.isFinite(n) || n < 0) throw new ConfigError(`${source}: expected a non-negative number, got '${raw}'`);
    return n;
  }
  if (typeof kind === 'object' && !kind.oneOf.includes(raw)) {
    throw new ConfigError(`${source}: expected one of ${kind.oneOf.join(', ')}, got '${raw}'`);
  }
  return raw;
}

/** Environment variables first, then flags (flags win). */
export function parseConfig(argv: readonly string[], env: NodeJS.ProcessEnv): ArclightConfig {
  const config: Record<string, unknown> = { ...DEFAULT_CONFIG };
  for (const spec of OPTIONS) {
    const value = env[envName(spec.flag)];
    if (value !== undefined && value !== '') config[spec.key] = coerce(spec, value, envName(spec.flag));
  }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) throw new ConfigError(`unexpected argument '${arg}'`);
    const [name, inline] = arg.slice(2).split(/=(.*)/s, 2);
    const spec = OPTIONS.find((o) => o.flag === name);
    if (!spec) throw new ConfigError(`unknown option --${name} (see --help)`);
    let raw: string | boolean;
    if (inline !== undefined) raw = inline;
    else if (spec.kind === 'boolean') raw = argv[i + 1] !== undefined && /^(true|false)$/.test(argv[i + 1]) ? argv[++i] : true;
    else if (argv[i + 1] === undefined) throw new ConfigError(`--${name} needs a value`);
    else raw = argv[++i];
    config[spec.key] = coerce(spec, raw, `--${name}`);
  }
  return config as unknown as ArclightConfig;
}

export function helpText(): string {
  const lines = ['Usage: arclight [options]', '       arclight agent --endpoint URL --cluster-id ARM_ID --private-key FILE [--ca FILE] [--once]', '', 'Options (each also read from the environment variable shown):'];
  for (const o of OPTIONS) {
    const def = DEFAULT_CONFIG[o.key];
    const flag = `--${o.flag}${o.kind === 'boolean' ? '' : ' <value>'}`;
    lines.push(`  ${flag.padEnd(34)} ${o.help}${def !== undefined ? ` (default: ${def})` : ''}`);
    lines.push(`  ${''.padEnd(34)} env ${envName(o.flag)}`);
  }
  return lines.join('\n');
}
