/**
 * A real browser for the dashboard's tests and bench row: Debian's chromium driven by
 * playwright-core. Chromium is told to trust exactly the server's key (its SPKI pin), after the
 * test has checked with Node that the certificate chains to Arclight's CA: the page is loaded
 * over HTTPS that was verified, not with certificate errors ignored.
 */
import { createHash, X509Certificate } from 'crypto';
import * as fs from 'fs';
import type { Browser } from 'playwright-core';
import { peerCertificate } from './https';

const CANDIDATES = [process.env.ARCLIGHT_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser'];

/** The chromium executable, or undefined (browser tests skip, unless ARCLIGHT_TEST_REQUIRE_BROWSER=1). */
export function findChromium(): string | undefined {
  return CANDIDATES.find((c): c is string => Boolean(c) && fs.existsSync(c!));
}

export const browserRequired = () => process.env.ARCLIGHT_TEST_REQUIRE_BROWSER === '1';

/** A headless chromium that trusts the server at `url`, whose certificate must chain to `caPem`. */
export async function browserFor(url: string, caPem: string): Promise<Browser> {
  const executablePath = findChromium();
  if (!executablePath) throw new Error('chromium is not installed (apt-get install chromium, or set ARCLIGHT_CHROMIUM)');
  const peer = await peerCertificate(url, caPem);
  const spki = new X509Certificate(peer.raw).publicKey.export({ type: 'spki', format: 'der' });
  const pin = createHash('sha256').update(spki).digest('base64');
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath, args: [`--ignore-certificate-errors-spki-list=${pin}`, '--no-sandbox'] });
}

/** Where the browser tests leave their screenshots (CI keeps the folder). */
export function artifactPath(name: string): string {
  const dir = 'test-artifacts';
  fs.mkdirSync(dir, { recursive: true });
  return `${dir}/${name}`;
}
