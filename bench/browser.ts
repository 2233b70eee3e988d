/**
 * A real browser for the dashboard's bench row and tests: Debian's chromium driven by
 * playwright-core. Chromium is told to trust exactly the server's key (its SPKI pin), once Node
 * has checked that the server's certificate chains to Arclight's CA: the page loads over HTTPS
 * that was verified, not with certificate errors ignored.
 */
import { createHash, X509Certificate } from 'crypto';
import * as fs from 'fs';
import { isIP } from 'net';
import * as tls from 'tls';
import type { Browser } from 'playwright-core';

const CANDIDATES = [process.env.ARCLIGHT_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser'];

/** The chromium executable, or undefined. */
export function findChromium(): string | undefined {
  return CANDIDATES.find((c): c is string => Boolean(c) && fs.existsSync(c!));
}

/** The SHA-256 of the public key the server at `url` presents, once its certificate has verified against `caPem`. */
function verifiedKeyPin(url: string, caPem: string): Promise<string> {
  const { hostname, port } = new URL(url);
  const host = hostname.replace(/^\[|\]$/g, '');
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host, port: Number(port), ca: caPem, ...(isIP(host) ? {} : { servername: host }) }, () => {
      const spki = new X509Certificate(socket.getPeerCertificate().raw).publicKey.export({ type: 'spki', format: 'der' });
      resolve(createHash('sha256').update(spki).digest('base64'));
      socket.end();
    });
    socket.once('error', reject);
  });
}

/** A headless chromium that trusts the server at `url`, whose certificate must chain to `caPem`. */
export async function browserFor(url: string, caPem: string): Promise<Browser> {
  const executablePath = findChromium();
  if (!executablePath) throw new Error('chromium is not installed (apt-get install chromium, or set ARCLIGHT_CHROMIUM)');
  const pin = await verifiedKeyPin(url, caPem);
  const { chromium } = await import('playwright-core');
  // No sandbox: CI runs as root, where chromium's sandbox cannot start.
  return chromium.launch({ executablePath, args: [`--ignore-certificate-errors-spki-list=${pin}`, '--no-sandbox'] });
}
