/** The dashboard's browser tests: chromium (see bench/browser.ts), required in CI, and where screenshots go. */
import * as fs from 'fs';
import * as path from 'path';

export { browserFor, findChromium } from '../../bench/browser';

/** CI installs chromium and says so: there a missing browser is a failure, not a skip. */
export const browserRequired = () => process.env.ARCLIGHT_TEST_REQUIRE_BROWSER === '1';

/** Where the browser tests leave their screenshots, test-artifacts/ (CI keeps the folder). */
export function artifactPath(name: string): string {
  const dir = 'test-artifacts';
  fs.mkdirSync(dir, { recursive: true });
  return path.join(dir, name);
}
