/**
 * --cert and --key: the user's own TLS certificate and key, read and checked at start so a
 * wrong file is one line naming it, not a TLS failure later.
 */
import { createPrivateKey, X509Certificate } from 'crypto';
import * as fs from 'fs';
import type { IssuedCertificate } from './certificateAuthority';
import { osReason, StartupError, USAGE_ERROR_CODE } from '../core/startupError';

function readOption(option: string, file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new StartupError((err as NodeJS.ErrnoException).code ?? 'EIO', `${option} ${file}: cannot read it (${osReason(err)}); check the path and its permissions`);
  }
}

export function readTlsFiles(certFile: string, keyFile: string): IssuedCertificate {
  const certPem = readOption('--cert', certFile);
  const keyPem = readOption('--key', keyFile);
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(certPem);
  } catch (err) {
    throw new StartupError(USAGE_ERROR_CODE, `--cert ${certFile} is not a PEM certificate (${(err as Error).message}); give the certificate to serve, in PEM`);
  }
  let matches: boolean;
  try {
    matches = certificate.checkPrivateKey(createPrivateKey(keyPem));
  } catch (err) {
    throw new StartupError(USAGE_ERROR_CODE, `--key ${keyFile} is not a PEM private key (${(err as Error).message}); give the unencrypted key of --cert, in PEM`);
  }
  if (!matches) throw new StartupError(USAGE_ERROR_CODE, `--key ${keyFile} is not the key of --cert ${certFile}; give the key the certificate was issued for`);
  return { certPem, keyPem };
}
