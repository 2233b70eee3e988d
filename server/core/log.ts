/**
 * Logging: one access line per request at info, bodies only at debug and always redacted.
 * Secrets (client secrets, tokens, protected settings, private keys) never reach the sink.
 */
import { ConfigError, type LogLevel } from './config';
import { setOwn } from './plainData';

const LEVELS: Record<LogLevel, number> = { error: 0, warn: 1, info: 2, debug: 3 };

export type LogSink = (line: string) => void;

let pendingStdout = '';
let flushScheduled = false;

function flushStdout(): void {
  flushScheduled = false;
  if (!pendingStdout) return;
  const text = pendingStdout;
  pendingStdout = '';
  process.stdout.write(text);
}

/** Longest a line waits in the buffer. */
export const STDOUT_FLUSH_MS = 20;

/**
 * The default sink: stdout, written in batches at most STDOUT_FLUSH_MS after their first line
 * (or once 64 KiB are pending) instead of once per line. Node writes to files and pipes
 * synchronously, so a write per access line would cost every request a system call and wake
 * the reader, which shows most at one request at a time. Lines keep their order; whatever is
 * pending is written before the process exits.
 */
export const stdoutSink: LogSink = (line) => {
  pendingStdout += `${line}\n`;
  if (pendingStdout.length >= 64 * 1024) flushStdout();
  else if (!flushScheduled) {
    flushScheduled = true;
    setTimeout(flushStdout, STDOUT_FLUSH_MS).unref();
  }
};
process.on('exit', flushStdout);

/** Where a programmatic Arclight's log lines go (see ArclightOptions.logger). */
export type LoggerOption = 'silent' | 'stdout' | LogSink;

const silentSink: LogSink = () => undefined;

/** The sink for a `logger` option (and the older `logSink`); anything else is a usage error naming what it takes. */
export function sinkFor(option: unknown, legacy: unknown): LogSink {
  if (option !== undefined && legacy !== undefined) throw new ConfigError("option logger and option logSink are the same thing: give one");
  const chosen = option ?? legacy;
  if (chosen === undefined || chosen === 'silent') return silentSink;
  if (chosen === 'stdout') return stdoutSink;
  if (typeof chosen === 'function') return chosen as LogSink;
  const got = typeof chosen === 'string' ? `'${chosen}'` : `a value of type ${chosen === null ? 'null' : typeof chosen}`;
  throw new ConfigError(`option ${option !== undefined ? 'logger' : 'logSink'}: expected 'silent', 'stdout' or a function taking each line, got ${got}`);
}

export class Logger {
  private readonly threshold: number;

  constructor(level: LogLevel, private readonly sink: LogSink = stdoutSink) {
    this.threshold = LEVELS[level];
  }

  enabled(level: LogLevel): boolean {
    return LEVELS[level] <= this.threshold;
  }

  error(message: string): void { this.write('error', message); }
  warn(message: string): void { this.write('warn', message); }
  info(message: string): void { this.write('info', message); }
  debug(message: string): void { this.write('debug', message); }

  /** The access line: method, path, status, milliseconds, request id. */
  access(method: string, path: string, status: number, ms: number, requestId: string): void {
    if (this.threshold >= LEVELS.info) this.sink(`${new Date().toISOString()} info  ${method} ${path} ${status} ${ms.toFixed(1)}ms ${requestId}`);
  }

  /** Logs a body at debug level, with every secret-looking field redacted. */
  debugBody(label: string, body: unknown): void {
    if (this.threshold >= LEVELS.debug && body !== undefined) this.write('debug', `${label} ${JSON.stringify(redact(body))}`);
  }

  private write(level: LogLevel, message: string): void {
    if (LEVELS[level] <= this.threshold) this.sink(`${new Date().toISOString()} ${level.padEnd(5)} ${message}`);
  }
}

/** Field names whose values are never logged, whatever their nesting. */
// `parameters`: a template deployment's, whose secure values only the template can tell from the others.
const SECRET_FIELD = /secret|password|token|sharedkey|assertion|authorization|protectedsettings|privatekey|private_key|sastoken|accountkey|clientcertificate|kubeconfigs|^code$|^parameters$/i;

/** Whether `redact` hides a field of this name whole (whatever its value, but null). */
export const isSecretField = (name: string): boolean => SECRET_FIELD.test(name);

export function redact(value: unknown, depth = 0): unknown {
  if (depth > 32 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    setOwn(out, k, SECRET_FIELD.test(k) && v !== null && v !== undefined ? '[redacted]' : redact(v, depth + 1));
  }
  return out;
}

/** For query strings and form bodies: the same rule on key=value pairs. */
export function redactParams(params: Record<string, unknown>): Record<string, unknown> {
  return redact(params) as Record<string, unknown>;
}
