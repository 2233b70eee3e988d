/** The Azure CLI for the end-to-end tests that drive it: where it is, if it is installed. */
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

/** The `az` executable on PATH, or undefined (those tests skip, unless ARCLIGHT_TEST_REQUIRE_AZ=1). */
export function findAz(): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, 'az');
    if (dir && fs.existsSync(candidate)) return candidate;
  }
  return undefined;
}

export interface AzRun {
  az: string;
  /** The test's home folder; the CLI's configuration goes to `home/configDir`. */
  home: string;
  configDir: string;
  /** Arclight's CA, which the CLI's requests library trusts through REQUESTS_CA_BUNDLE. */
  caCertPath: string;
  timeoutMs: number;
  extraEnv?: Record<string, string>;
}

/** Runs `az` in its own configuration, quiet (no telemetry, colour or warnings); stdout, or the error with stderr. */
export function runAz(o: AzRun, args: string[]): Promise<string> {
  const env = {
    PATH: process.env.PATH ?? '', HOME: o.home, AZURE_CONFIG_DIR: path.join(o.home, o.configDir), REQUESTS_CA_BUNDLE: o.caCertPath,
    AZURE_CORE_COLLECT_TELEMETRY: 'false', AZURE_CORE_NO_COLOR: 'true', ...o.extraEnv,
  };
  return new Promise((resolve, reject) => {
    execFile(o.az, [...args, '--only-show-errors'], { env, timeout: o.timeoutMs }, (err, stdout, stderr) =>
      (err ? reject(new Error(`az ${args.slice(0, 4).join(' ')}: ${stderr || err.message}`)) : resolve(stdout)));
  });
}
