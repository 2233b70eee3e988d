/**
 * `arclight agent --endpoint URL --cluster-id ARM_ID --private-key FILE [--ca FILE] [--once]
 *  [--interval SECONDS]`: a standalone agent for one connected cluster, doing over Arclight's
 * real HTTPS endpoints what its simulated agents do, with a progress line per step. It runs
 * until stopped (a cycle every --interval seconds, 60 by default); --once runs one cycle and
 * exits 0, or non-zero with the refusal's code and message.
 */
import * as fs from 'fs';
import { parseArgs } from 'util';
import { AgentError, ClusterAgent } from './agentClient';

/** The command's flags: the one table its parsing and its usage text come from. */
export const AGENT_OPTIONS = [
  { flag: 'endpoint', value: 'URL', required: true, help: "Arclight's base URL" },
  { flag: 'cluster-id', value: 'ARM_ID', required: true, help: "the connected cluster's ARM id" },
  { flag: 'private-key', value: 'FILE', required: true, help: 'the onboarding private key (PEM, PKCS#1 or PKCS#8)' },
  { flag: 'ca', value: 'FILE', required: false, help: "Arclight's CA certificate to trust (or NODE_EXTRA_CA_CERTS)" },
  { flag: 'once', required: false, help: 'run one cycle and exit: 0, or 1 with the refusal' },
  { flag: 'interval', value: 'SECONDS', required: false, help: 'seconds between cycles (default 60)' },
  { flag: 'help', required: false, help: 'print this and exit' },
] as const;

export const USAGE = `Usage: arclight agent ${AGENT_OPTIONS.filter((o) => o.flag !== 'help')
  .map((o) => { const text = `--${o.flag}${'value' in o ? ` ${o.value}` : ''}`; return o.required ? text : `[${text}]`; }).join(' ')}`;

/** The usage line and every flag, for `arclight agent --help` and `arclight --help`. */
export function agentHelpText(): string {
  const flags = AGENT_OPTIONS.map((o) => `  ${`--${o.flag}${'value' in o ? ` <${o.value.toLowerCase()}>` : ''}`.padEnd(40)} ${o.help}${o.required ? ' (required)' : ''}`);
  return [USAGE, '', 'Options of arclight agent:', ...flags].join('\n');
}

type Flags = Partial<Record<(typeof AGENT_OPTIONS)[number]['flag'], string | boolean>>;

function parse(argv: string[]): Flags {
  const options = Object.fromEntries(AGENT_OPTIONS.map((o) => [o.flag, { type: 'value' in o ? 'string' as const : 'boolean' as const }]));
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals: false }).values as Flags;
  } catch (err) {
    const message = (err as Error).message;
    const unknown = /Unknown option '([^']+)'/.exec(message)?.[1];
    // parseArgs explains itself in several lines; the first says what is wrong.
    throw new Error(unknown ? `unknown option ${unknown}` : message.split('\n')[0], { cause: err });
  }
}

export async function runAgentCommand(argv: string[]): Promise<number> {
  const say = (line: string) => process.stdout.write(`arclight agent: ${line}\n`);
  let agent: ClusterAgent;
  let flags: Flags;
  try {
    flags = parse(argv);
    if (flags.help) {
      process.stdout.write(`${agentHelpText()}\n`);
      return 0;
    }
    for (const o of AGENT_OPTIONS) if (o.required && typeof flags[o.flag] !== 'string') throw new Error(`--${o.flag} is required`);
    agent = new ClusterAgent({
      endpoint: String(flags.endpoint).replace(/\/+$/, ''),
      clusterId: String(flags['cluster-id']),
      privateKeyPem: fs.readFileSync(String(flags['private-key']), 'utf8'),
      caPem: typeof flags.ca === 'string' ? fs.readFileSync(flags.ca, 'utf8') : undefined,
      log: say,
    });
  } catch (err) {
    process.stderr.write(`arclight agent: ${(err as Error).message}\n${USAGE}\n`);
    return 2;
  }

  const cycle = async (): Promise<boolean> => {
    try {
      await agent.cycle();
      say('cycle complete');
      return true;
    } catch (err) {
      const why = err instanceof AgentError ? `${err.status} ${err.code}: ${err.message}` : (err as Error).message;
      process.stderr.write(`arclight agent: refused: ${why}\n`);
      return false;
    }
  };

  if (flags.once) return (await cycle()) ? 0 : 1;

  const interval = Number(flags.interval ?? 60);
  if (!(interval > 0)) {
    process.stderr.write('arclight agent: --interval must be a positive number of seconds\n');
    return 2;
  }
  let stopped = false;
  let wake: () => void = () => undefined;
  const stop = () => {
    stopped = true;
    wake();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  while (!stopped) {
    await cycle();
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, interval * 1000);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
  say('stopped');
  return 0;
}
