/**
 * `arclight agent --endpoint URL --cluster-id ARM_ID --private-key FILE [--ca FILE] [--once]
 *  [--interval SECONDS]`: a standalone agent for one connected cluster, doing over Arclight's
 * real HTTPS endpoints what its simulated agents do, with a progress line per step. It runs
 * until stopped (a cycle every --interval seconds, 60 by default); --once runs one cycle and
 * exits 0, or non-zero with the refusal's code and message.
 */
import * as fs from 'fs';
import { AgentError, ClusterAgent } from './agentClient';

const USAGE = 'Usage: arclight agent --endpoint URL --cluster-id ARM_ID --private-key FILE [--ca FILE] [--once] [--interval SECONDS]';
const FLAGS = ['endpoint', 'cluster-id', 'private-key', 'ca', 'interval'];

function parse(argv: string[]): Record<string, string | boolean> {
  const out: Record<string, string | boolean> = {};
  for (let i = 0; i < argv.length; i++) {
    const [name, inline] = argv[i].replace(/^--/, '').split(/=(.*)/s, 2);
    if (!argv[i].startsWith('--')) throw new Error(`unexpected argument '${argv[i]}'`);
    if (name === 'once' || name === 'help') out[name] = true;
    else if (FLAGS.includes(name)) {
      const value = inline ?? argv[++i];
      if (value === undefined) throw new Error(`--${name} needs a value`);
      out[name] = value;
    } else throw new Error(`unknown option --${name}`);
  }
  return out;
}

export async function runAgentCommand(argv: string[]): Promise<number> {
  const say = (line: string) => process.stdout.write(`arclight agent: ${line}\n`);
  let agent: ClusterAgent;
  let flags: Record<string, string | boolean>;
  try {
    flags = parse(argv);
    if (flags.help) {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
    for (const required of ['endpoint', 'cluster-id', 'private-key']) if (typeof flags[required] !== 'string') throw new Error(`--${required} is required`);
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
