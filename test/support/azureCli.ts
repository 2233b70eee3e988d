/** The Azure CLI for the end-to-end tests that drive it: where it is, if it is installed. */
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
