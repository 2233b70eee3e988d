#!/usr/bin/env node
/**
 * The `arclight` command: flags and ARCLIGHT_* environment variables -> config ->
 * startArclight(), one ready line, and a clean stop on SIGINT/SIGTERM.
 * `arclight agent ...` runs the standalone cluster agent instead.
 */
import { ConfigError, helpText, parseConfig } from './config';
import { startArclight } from './arclight';

async function main(argv: string[]): Promise<number> {
  if (argv[0] === 'agent') {
    const { runAgentCommand } = await import('./agents/agentCommand');
    return runAgentCommand(argv.slice(1));
  }
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(helpText() + '\n');
    return 0;
  }
  const config = parseConfig(argv, process.env);
  const running = await startArclight(config);
  process.stdout.write(
    `Arclight ready at ${running.url} | CA certificate: ${running.caCertPath} | tenant ${running.tenantId} | ` +
      `subscription ${running.subscriptionId} | service principal ${running.clientId} | auth ${config.auth} | data ${config.inMemory ? 'in memory' : config.dataDir}\n`,
  );
  await new Promise<void>((resolve) => {
    const stop = () => void running.stop().then(resolve);
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`arclight: ${err instanceof ConfigError ? err.message : (err as Error)?.message ?? err}\n`);
    process.exit(err instanceof ConfigError ? 2 : 1);
  },
);
