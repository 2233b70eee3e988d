/**
 * The container's HEALTHCHECK: `node dist/server/launch/healthcheck.js [pid]`. Docker runs it
 * as a process of its own, which sees neither the flags the container was started with nor
 * the variables `docker run -e` set for it; so it reads both from the running Arclight's
 * /proc/<pid> (PID 1 in the container) and works the port out with the command's own
 * parsing: `--port 9000` and ARCLIGHT_PORT=9000 are checked alike. Exit 0 when
 * /_arclight/health answers 200, 1 otherwise, with one line saying why.
 */
import * as fs from 'fs';
import * as https from 'https';
import { parseConfig } from '../core/config';

/** The arguments after the script (`node dist/server/main.js ...`) and the environment of `pid`. */
function commandOf(pid: string): { argv: string[]; env: NodeJS.ProcessEnv } {
  const words = (file: string) => fs.readFileSync(`/proc/${pid}/${file}`, 'utf8').split('\0').filter((w) => w !== '');
  const cmdline = words('cmdline');
  const script = cmdline.findIndex((w, i) => i > 0 && !w.startsWith('-'));
  const env: NodeJS.ProcessEnv = {};
  for (const entry of words('environ')) {
    const eq = entry.indexOf('=');
    if (eq > 0) env[entry.slice(0, eq)] = entry.slice(eq + 1);
  }
  return { argv: script < 0 ? [] : cmdline.slice(script + 1), env };
}

/** Where to reach a server listening on `host`: every-address binds answer on loopback. */
function probeHost(host: string): string {
  if (host === '0.0.0.0' || host === '') return '127.0.0.1';
  if (host === '::') return '::1';
  return host;
}

export function healthcheck(pid: string): Promise<string | undefined> {
  let host: string;
  let port: number;
  try {
    const { argv, env } = commandOf(pid);
    const config = parseConfig(argv, env);
    if (config.port === 0) return Promise.resolve('the port is 0 (picked at start), so it cannot be probed');
    host = probeHost(config.host);
    port = config.port;
  } catch (err) {
    return Promise.resolve(`cannot read Arclight's command (PID ${pid}): ${(err as Error).message}`);
  }
  return new Promise((resolve) => {
    // Only whether it answers matters here: the CA it serves is its own.
    const request = https.get({ host, port, path: '/_arclight/health', rejectUnauthorized: false, timeout: 2500 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200 ? undefined : `https://${host}:${port}/_arclight/health answered ${res.statusCode}`);
    });
    request.on('timeout', () => request.destroy(new Error('no answer in time')));
    request.on('error', (err) => resolve(`https://${host}:${port}/_arclight/health: ${err.message}`));
  });
}

if (require.main === module) {
  void healthcheck(process.argv[2] ?? '1').then((problem) => {
    process.stdout.write(problem ? `unhealthy: ${problem}\n` : 'healthy\n');
    process.exit(problem ? 1 : 0);
  });
}
