/**
 * One typed configuration object. Every option has a command-line flag and an environment
 * variable twin (ARCLIGHT_ + the flag in upper snake case); defaults live here and only here.
 */
import { isIP } from 'net';
import { parseArgs } from 'util';
import { MAX_DERIVED_DAYS, parseClockStart } from './clock';
import { StartupError, USAGE_ERROR_CODE } from './startupError';

export type AuthMode = 'off' | 'lenient' | 'strict';
export type LogLevel = 'error' | 'warn' | 'info' | 'debug';
export type AgentMode = 'none' | 'simulated';
/** off: ARM's rate-limit headers only; arm: ARM's published token-bucket limits enforced (429). */
export type ThrottleMode = 'off' | 'arm';
/** off: any authenticated caller may do anything; enforce: ARM requests are checked against role assignments. */
export type RbacMode = 'off' | 'enforce';

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
  /** Whether ARM requests of Arclight's own principals are authorised against role assignments (see identity/roleAuthorizer.ts). */
  rbac: RbacMode;
  /** JSON file with extra tenants, subscriptions, service principals and managed identities. */
  seed?: string;
  /** A snapshot file (GET /_arclight/snapshots/{name}/export) the state starts from. */
  snapshot?: string;
  /** JSON file that replaces or extends the region catalog. */
  regions?: string;
  /** JSON file of extension types that extends or replaces the built-in catalog (specs/arclight/extensionTypes.json). */
  extensionTypes?: string;
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
  /** Whether ARM's request limits refuse requests (429 SubscriptionRequestsThrottled) or only show in headers. */
  throttle: ThrottleMode;
  /**
   * The base URL Arclight writes into the URLs it hands out (Azure-AsyncOperation, Location,
   * nextLink, metadata, token issuers). Without it: the request's Host when it is a valid
   * host[:port], else the listening address.
   */
  publicUrl?: string;
  /** When set, /_arclight/* (but health, ready and ca.pem) needs `Authorization: Bearer <adminKey>`. */
  adminKey?: string;
  /** Requests the journal keeps (GET /_arclight/requests); 0 keeps none. */
  journalSize: number;
  /** Extra DNS names and IP addresses the generated server certificate covers (a container's service name). */
  tlsNames?: string[];
}

export const DEFAULT_CONFIG: ArclightConfig = {
  host: '127.0.0.1',
  port: 8443,
  dataDir: './data',
  inMemory: false,
  logLevel: 'info',
  auth: 'lenient',
  rbac: 'off',
  pageSize: 100,
  lroDelay: 0,
  bodyLimit: 4 * 1024 * 1024,
  offlineAfter: 15 * 60,
  certificateLifetimeDays: 90,
  agents: 'none',
  throttle: 'off',
  journalSize: 10_000,
};

/**
 * What values an option takes. Numbers carry their range (and whether they must be whole),
 * so the command line, the environment and startArclight() refuse the same values and
 * `--help` prints the same ranges.
 */
type Kind =
  | 'string'
  | 'path'
  | 'boolean'
  /** An absolute http(s) URL with nothing after the host and port (a trailing "/" is fine). */
  | 'baseUrl'
  /** An ISO 8601 instant, optionally frozen (see parseClockStart). */
  | 'instant'
  /** Comma-separated host names or IP addresses (an array of them from startArclight()). */
  | 'names'
  | { oneOf: readonly string[] }
  | { integer: { min: number; max: number } }
  | { number: { min: number; max: number } };

interface OptionSpec {
  key: keyof ArclightConfig;
  flag: string;
  kind: Kind;
  help: string;
}

const DAY_SECONDS = 24 * 3600;

/**
 * The command-line surface, in the order `arclight --help` prints it. The ranges are wide
 * enough for any test and narrow enough to catch slips: pages of at most 1000 items (ARM's
 * largest), operations held at most a day (advance the clock for longer), bodies from 1 KiB
 * (smaller refuses every ARM PUT) to 1 GiB, heartbeats missed for up to a year, and cluster
 * certificates of at most ten years (the CA's own lifetime).
 */
export const OPTIONS: readonly OptionSpec[] = [
  { key: 'host', flag: 'host', kind: 'string', help: 'address to listen on' },
  { key: 'port', flag: 'port', kind: { integer: { min: 0, max: 65535 } }, help: 'HTTPS port (0 picks a free one)' },
  { key: 'dataDir', flag: 'data-dir', kind: 'path', help: 'where the database, certificates and keys are kept (one Arclight at a time)' },
  { key: 'inMemory', flag: 'in-memory', kind: 'boolean', help: 'keep nothing on disk' },
  { key: 'cert', flag: 'cert', kind: 'path', help: 'TLS certificate (PEM) to serve instead of the generated one' },
  { key: 'key', flag: 'key', kind: 'path', help: 'private key (PEM) of --cert' },
  { key: 'logLevel', flag: 'log-level', kind: { oneOf: ['error', 'warn', 'info', 'debug'] }, help: 'info logs one line per request; debug adds redacted bodies' },
  { key: 'auth', flag: 'auth', kind: { oneOf: ['off', 'lenient', 'strict'] }, help: 'bearer-token checks on ARM requests' },
  { key: 'rbac', flag: 'rbac', kind: { oneOf: ['off', 'enforce'] }, help: 'enforce: authorise ARM requests against role assignments (Arclight\'s own tokens; meant with --auth strict)' },
  { key: 'seed', flag: 'seed', kind: 'path', help: 'JSON file of tenants, subscriptions and principals to add' },
  { key: 'snapshot', flag: 'snapshot', kind: 'path', help: 'snapshot file (from /_arclight/snapshots/{name}/export) to start from; kept as snapshot "startup"' },
  { key: 'regions', flag: 'regions', kind: 'path', help: 'JSON file that replaces or extends the region catalog' },
  { key: 'extensionTypes', flag: 'extension-types', kind: 'path', help: 'JSON file of extension types that extends or replaces the built-in catalog' },
  { key: 'pageSize', flag: 'page-size', kind: { integer: { min: 1, max: 1000 } }, help: 'items per page of list operations' },
  { key: 'lroDelay', flag: 'lro-delay', kind: { number: { min: 0, max: DAY_SECONDS } }, help: 'seconds long-running operations stay in progress (fractions allowed)' },
  { key: 'bodyLimit', flag: 'body-limit', kind: { integer: { min: 1024, max: 1024 * 1024 * 1024 } }, help: 'largest request body in bytes' },
  { key: 'clockStart', flag: 'clock-start', kind: 'instant', help: 'start the clock at an ISO 8601 instant ("frozen:<instant>" stops it); never before a stored clock' },
  { key: 'offlineAfter', flag: 'offline-after', kind: { integer: { min: 1, max: 365 * DAY_SECONDS } }, help: 'seconds without heartbeat before a cluster is Offline' },
  { key: 'certificateLifetimeDays', flag: 'certificate-lifetime-days', kind: { integer: { min: 1, max: MAX_DERIVED_DAYS } }, help: 'validity of cluster identity certificates' },
  { key: 'agents', flag: 'agents', kind: { oneOf: ['none', 'simulated'] }, help: 'simulated: Arclight plays every cluster\'s agents' },
  { key: 'throttle', flag: 'throttle', kind: { oneOf: ['off', 'arm'] }, help: 'arm: enforce ARM\'s request limits (token buckets on the emulator clock, 429 when empty)' },
  { key: 'publicUrl', flag: 'public-url', kind: 'baseUrl', help: 'base URL written into the URLs Arclight hands out (default: from the Host header)' },
  { key: 'adminKey', flag: 'admin-key', kind: 'string', help: 'bearer key /_arclight/* requires (but health, ready, ca.pem)' },
  { key: 'tlsNames', flag: 'tls-names', kind: 'names', help: 'more DNS names and IP addresses for the generated server certificate (e.g. the compose service name)' },
  { key: 'journalSize', flag: 'journal-size', kind: { integer: { min: 0, max: 1_000_000 } }, help: 'requests kept for GET /_arclight/requests (0 keeps none)' },
];

const OPTION_BY_KEY = new Map<string, OptionSpec>(OPTIONS.map((o) => [o.key, o]));
const OPTION_BY_FLAG = new Map<string, OptionSpec>(OPTIONS.map((o) => [o.flag, o]));

export function envName(flag: string): string {
  return `ARCLIGHT_${flag.replace(/-/g, '_').toUpperCase()}`;
}

/** An invalid option or option value: a usage error (EINVAL, exit code 2). */
export class ConfigError extends StartupError {
  constructor(message: string) {
    super(USAGE_ERROR_CODE, message);
    this.name = 'ConfigError';
  }
}

/** The values a kind takes, as error messages and --help word them. */
function describeKind(kind: Kind): string {
  if (kind === 'string') return 'a non-empty value';
  if (kind === 'path') return 'a path';
  if (kind === 'boolean') return 'true or false';
  if (kind === 'baseUrl') return 'an absolute http or https URL with no path, query or fragment (e.g. https://arclight.example:8443)';
  if (kind === 'instant') return 'an ISO 8601 instant such as 2030-01-01T00:00:00Z, "frozen:<instant>" or "<instant>!"';
  if (kind === 'names') return 'host names or IP addresses, comma-separated (an array from startArclight())';
  if ('oneOf' in kind) return `one of ${kind.oneOf.join(', ')}`;
  if ('integer' in kind) return `an integer from ${kind.integer.min} to ${kind.integer.max}`;
  return `a number from ${kind.number.min} to ${kind.number.max}`;
}

/** The value placeholder --help prints after a flag. */
function placeholder(kind: Kind): string {
  if (kind === 'boolean') return '';
  if (kind === 'names') return ' <name,...>';
  if (typeof kind === 'string') return ` <${kind === 'baseUrl' ? 'url' : kind === 'string' ? 'value' : kind}>`;
  if ('oneOf' in kind) return ` <${kind.oneOf.join('|')}>`;
  const range = 'integer' in kind ? kind.integer : kind.number;
  return ` <${range.min}..${range.max}>`;
}

/** Why `url` is not a --public-url, or undefined when it is one. */
function baseUrlProblem(url: string): string | undefined {
  if (!/^https?:\/\//i.test(url)) return 'not an absolute http or https URL';
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'not a valid URL';
  }
  if (parsed.username || parsed.password) return 'a user name or password has no place in it';
  if (parsed.search || parsed.hash || /[?#]/.test(url)) return 'it has a query or fragment';
  if (parsed.pathname !== '/') return 'it has a path, and Arclight serves from the root';
  return undefined;
}

const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$/;

/** A command-line or environment value turned into the option's type (then checked like any other). */
function fromText(spec: OptionSpec, raw: string | boolean, source: string): unknown {
  const kind = spec.kind;
  if (kind === 'boolean') {
    if (typeof raw === 'boolean') return raw;
    if (/^(1|true|yes|on)$/i.test(raw)) return true;
    if (/^(0|false|no|off)$/i.test(raw)) return false;
    throw new ConfigError(`${source}: expected true or false, got '${raw}'`);
  }
  if (typeof raw === 'boolean') throw new ConfigError(`${source} needs a value`);
  if (kind === 'names') return raw.split(',').map((name) => name.trim());
  if (typeof kind === 'object' && !('oneOf' in kind)) {
    // Number('') is 0 and Number('0x10') is 16: only plain decimals are numbers here.
    if (!DECIMAL.test(raw.trim())) throw new ConfigError(`${source}: expected ${describeKind(kind)}, got '${raw}'`);
    return Number(raw);
  }
  return raw;
}

/** The value if it is one the option takes; else a ConfigError naming `source` and the values it takes. */
function checkValue(spec: OptionSpec, value: unknown, source: string): unknown {
  const kind = spec.kind;
  const refuse = (why?: string): never => {
    const got = typeof value === 'string' ? `'${value}'` : typeof value === 'number' || typeof value === 'boolean' ? String(value) : `a value of type ${Array.isArray(value) ? 'array' : typeof value}`;
    throw new ConfigError(`${source}: expected ${describeKind(kind)}, got ${got}${why ? `: ${why}` : ''}`);
  };
  if (kind === 'boolean') return typeof value === 'boolean' ? value : refuse();
  if (kind === 'names') {
    if (!Array.isArray(value)) return refuse();
    const bad = value.find((name) => typeof name !== 'string' || !certificateNameOk(name));
    return bad === undefined ? value : refuse(`${typeof bad === 'string' ? `'${bad}'` : 'an entry'} is not a host name or IP address`);
  }
  if (typeof kind === 'object' && !('oneOf' in kind)) {
    const range = 'integer' in kind ? kind.integer : kind.number;
    if (typeof value !== 'number' || !Number.isFinite(value)) return refuse();
    if ('integer' in kind && !Number.isInteger(value)) return refuse();
    return value >= range.min && value <= range.max ? value : refuse();
  }
  if (typeof value !== 'string' || value.trim() === '') return refuse();
  if (typeof kind === 'object') return kind.oneOf.includes(value) ? value : refuse();
  if (kind === 'baseUrl') {
    const problem = baseUrlProblem(value);
    return problem ? refuse(problem) : value;
  }
  if (kind === 'instant') return parseClockStart(value) ? value : refuse();
  return value;
}

/** A DNS name (labels of letters, digits and hyphens; a leading "*." wildcard) or an IPv4/IPv6 address. */
function certificateNameOk(name: string): boolean {
  if (isIP(name)) return true;
  return name.length <= 253 && /^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i.test(name);
}

/** Rules between options, checked once every source has been applied. */
function checkCombination(config: ArclightConfig): ArclightConfig {
  if ((config.cert === undefined) !== (config.key === undefined)) throw new ConfigError('--cert and --key go together: give both, or neither for a certificate from the local CA');
  return config;
}

/**
 * Environment variables first, then flags (flags win). An empty environment variable counts
 * as unset; an empty flag value is refused.
 */
export function parseConfig(argv: readonly string[], env: NodeJS.ProcessEnv): ArclightConfig {
  const config: Record<string, unknown> = { ...DEFAULT_CONFIG };
  for (const spec of OPTIONS) {
    const source = envName(spec.flag);
    const value = env[source];
    if (value !== undefined && value !== '') config[spec.key] = checkValue(spec, fromText(spec, value, source), source);
  }
  for (const { name, value } of parseFlags(argv)) {
    const spec = OPTION_BY_FLAG.get(name)!;
    config[spec.key] = checkValue(spec, fromText(spec, value, `--${name}`), `--${name}`);
  }
  return checkCombination(config as unknown as ArclightConfig);
}

/** The OPTIONS table as node:util parseArgs options: booleans are flags, everything else takes a value. */
const PARSE_OPTIONS = Object.fromEntries(OPTIONS.map((o) => [o.flag, { type: o.kind === 'boolean' ? 'boolean' as const : 'string' as const }]));

/** The flags of the command line, in order, through node:util parseArgs; its refusals become usage errors. */
function parseFlags(argv: readonly string[]): Array<{ name: string; value: string | boolean }> {
  try {
    const { tokens } = parseArgs({ args: [...argv], options: PARSE_OPTIONS, strict: true, allowPositionals: false, tokens: true });
    return tokens.flatMap((t) => (t.kind === 'option' ? [{ name: t.name, value: t.value ?? true }] : []));
  } catch (err) {
    const { code, message } = err as NodeJS.ErrnoException;
    const unknown = /Unknown option '(--?[^']+)'/.exec(message)?.[1];
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && unknown) throw new ConfigError(`unknown option ${unknown} (see --help)`);
    const missing = /Option '(?:-\w, )?(--[^ ']+)(?: <value>)?' argument missing/.exec(message)?.[1];
    if (missing) throw new ConfigError(`${missing} needs a value`);
    const ambiguous = /Option '(--[^']+)' argument is ambiguous/.exec(message)?.[1];
    if (ambiguous) throw new ConfigError(`${ambiguous} needs a value; for one that starts with '-', write ${ambiguous}=<value>`);
    const flag = /Option '(--[^']+)' does not take an argument/.exec(message)?.[1];
    if (flag) throw new ConfigError(`${flag} takes no value: it is a flag (its environment variable takes true or false)`);
    const positional = /Unexpected argument '([^']*)'/.exec(message)?.[1];
    if (positional !== undefined) throw new ConfigError(`unexpected argument '${positional}'`);
    throw new ConfigError(message.split('\n')[0]);
  }
}

/**
 * The configuration startArclight() and createArclight() run with: the defaults and the
 * options given, checked as the command line checks its flags. Unknown keys are refused;
 * a key set to undefined counts as not given.
 */
export function configFromOptions(options: object): ArclightConfig {
  const config: Record<string, unknown> = { ...DEFAULT_CONFIG };
  for (const [key, value] of Object.entries(options)) {
    const spec = OPTION_BY_KEY.get(key);
    if (!spec) throw new ConfigError(`unknown option '${key}' (the options are ${[...OPTION_BY_KEY.keys(), 'logger', 'logSink'].join(', ')})`);
    if (value !== undefined) config[key] = checkValue(spec, value, `option ${key}`);
  }
  return checkCombination(config as unknown as ArclightConfig);
}

export function helpText(): string {
  const lines = [
    'Usage: arclight [options]',
    '       arclight agent --endpoint URL --cluster-id ARM_ID --private-key FILE [--ca FILE] [--once] [--interval SECONDS]',
    '       arclight --help | --version',
    '',
    'Options (each also read from the environment variable shown):',
  ];
  for (const o of OPTIONS) {
    const def = DEFAULT_CONFIG[o.key];
    const flag = `--${o.flag}${placeholder(o.kind)}`;
    lines.push(`  ${flag.padEnd(40)} ${o.help}${def !== undefined ? ` (default: ${def})` : ''}`);
    // The placeholder says what text, paths, switches and choices take; ranges and formats are spelt out.
    const spelt = typeof o.kind === 'object' ? !('oneOf' in o.kind) : o.kind === 'baseUrl' || o.kind === 'instant' || o.kind === 'names';
    lines.push(`  ${''.padEnd(40)} ${spelt ? `${describeKind(o.kind)}; ` : ''}env ${envName(o.flag)}`);
  }
  lines.push(`  ${'--help, -h'.padEnd(40)} print this and exit`, `  ${'--version, -v'.padEnd(40)} print the version and exit`);
  return lines.join('\n');
}
