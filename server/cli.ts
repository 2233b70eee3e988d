/**
 * The `arclight` command: flags and ARCLIGHT_* environment variables -> config ->
 * startArclight(), one ready line, and a clean stop on SIGINT/SIGTERM.
 * `arclight agent ...` runs the standalone cluster agent instead. main.ts runs it (from its
 * single-file build when there is one).
 */
import * as fs from 'fs';
import { helpText, parseConfig } from './core/config';
import { USAGE_ERROR_CODE } from './core/startupError';
import { startArclight } from './arclight';
import { packagePath } from './core/packageRoot';

export { rehearseStart } from './launch/rehearsal';

/** The installed package's version, from its package.json (the one file that states it). */
function packageVersion(): string {
  return (JSON.parse(fs.readFileSync(packagePath('package.json'), 'utf8')) as { version: string }).version;
}

export async function runCommand(argv: string[]): Promise<number> {
  if (argv[0] === 'agent') {
    const { runAgentCommand } = await import('../agent/agentCommand');
    return runAgentCommand(argv.slice(1));
  }
  if (argv.includes('--help') || argv.includes('-h')) {
    const { agentHelpText } = await import('../agent/agentCommand');
    process.stdout.write(`${helpText()}\n\n${agentHelpText()}\n`);
    return 0;
  }
  if (argv.includes('--version') || argv.includes('-v')) {
    process.stdout.write(`${packageVersion()}\n`);
    return 0;
  }
  const config = parseConfig(argv, process.env);
  // The command is a server people watch: it logs to stdout (the programmatic default is silence).
  const running = await startArclight({ ...config, logger: 'stdout' });
  // A promise nobody awaited that fails is a fault of Arclight's: logged, and the server goes on
  // serving (Node would end the process, and with it every test talking to it).
  process.on('unhandledRejection', (reason) => running.services.logger.error(`unhandled rejection: ${(reason as Error)?.stack ?? String(reason)}`));
  process.stdout.write(
    `Arclight ready at ${running.url} | CA certificate: ${running.caCertPath} | tenant ${running.tenantId} | ` +
      `subscription ${running.subscriptionId} | service principal ${running.clientId} | auth ${config.auth} | data ${config.inMemory ? 'in memory' : config.dataDir} | ` +
      `dashboard ${running.dashboardUrl}\n`,
  );
  await new Promise<void>((resolve) => {
    const stop = () => void running.stop().then(resolve);
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  return 0;
}

/**
 * A start that fails says why in one line, without a stack trace: exit 2 when the command
 * line (or environment) is at fault (EINVAL), 1 for everything else.
 */
export function exitOnFailure(err: unknown): never {
  const message = String((err as Error)?.message ?? err).replace(/\s*\n\s*/g, ' ');
  process.stderr.write(`arclight: ${message}\n`);
  process.exit((err as { code?: unknown })?.code === USAGE_ERROR_CODE ? 2 : 1);
}
