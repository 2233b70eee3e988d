/**
 * The data dir's identity: the CA (certs/ca.pem, ca-key.pem) and the token-signing key
 * (keys/token-signing.pem, token-signing-key.pem). Clients trust the one and accept tokens
 * signed by the other, so neither is ever replaced behind their back.
 *
 * Each is made once, when the data dir has none, and the database records it then (a settings
 * row with its certificate's SHA-256 thumbprint). From then on the files must be there and be
 * the recorded ones: a missing, unreadable or corrupt file, a key that does not match its
 * certificate, or another certificate stops the start with one line naming the file and the
 * way out. A data dir from before the records adopts the files it has.
 */
import { createPrivateKey, KeyObject, X509Certificate } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { CORRUPT_CODE, osReason, RESTORE_OR_NEW_DATA_DIR, StartupError } from '../core/startupError';

/** What the database records about a CA or signing key it made or adopted. */
export interface KeyRecord {
  /** SHA-256 of the certificate, as X509Certificate.fingerprint256 writes it. */
  sha256: string;
  createdAt: string;
}

/** Where a KeyRecord is kept (a settings row). */
export interface KeyRecordSlot {
  read(): KeyRecord | undefined;
  write(record: KeyRecord): void;
}

interface Settings {
  setting<T>(name: string): T | undefined;
  setSetting(name: string, value: unknown): void;
}

/** The KeyRecord in settings row `name`; a row that does not read as one stops the start. */
export function settingSlot(settings: Settings, name: string, databaseFile: string): KeyRecordSlot {
  return {
    read() {
      let value: unknown;
      try {
        value = settings.setting<unknown>(name);
      } catch {
        value = null;
      }
      if (value === undefined) return undefined;
      const record = value as Partial<KeyRecord> | null;
      if (typeof record?.sha256 !== 'string' || typeof record.createdAt !== 'string') {
        throw new StartupError(CORRUPT_CODE, `the database ${databaseFile} has an unreadable '${name}' setting; ${RESTORE_OR_NEW_DATA_DIR}`);
      }
      return { sha256: record.sha256, createdAt: record.createdAt };
    },
    write(record) {
      settings.setSetting(name, record);
    },
  };
}

/** A certificate and its key file, under the names messages give them ("the CA certificate"). */
export interface KeyPairFiles {
  what: string;
  certFile: string;
  keyFile: string;
}

export interface LoadedIdentity {
  certPem: string;
  keyPem: string;
  certificate: X509Certificate;
  privateKey: KeyObject;
}

const refusal = (code: string, message: string) => new StartupError(code, `${message}; ${RESTORE_OR_NEW_DATA_DIR}`);

function readIdentityFile(file: string, what: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'EIO';
    if (code === 'ENOENT') throw refusal(code, `the ${what} ${file} is missing`);
    throw refusal(code, `cannot read the ${what} ${file} (${osReason(err)})`);
  }
}

/** Whether either file of a pair is on disk (a new data dir has neither). */
export function anyExists(files: KeyPairFiles): boolean {
  return fs.existsSync(files.certFile) || fs.existsSync(files.keyFile);
}

/**
 * Reads and checks a certificate and its key: both there, both PEM, the key the
 * certificate's, and (when recorded) the certificate the recorded one.
 */
export function loadIdentity(files: KeyPairFiles, recorded: KeyRecord | undefined): LoadedIdentity {
  const certPem = readIdentityFile(files.certFile, `${files.what} certificate`);
  const keyPem = readIdentityFile(files.keyFile, `${files.what} key`);
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(certPem);
  } catch (err) {
    throw refusal(CORRUPT_CODE, `the ${files.what} certificate ${files.certFile} is not a PEM certificate (${(err as Error).message})`);
  }
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(keyPem);
  } catch (err) {
    throw refusal(CORRUPT_CODE, `the ${files.what} key ${files.keyFile} is not a PEM private key (${(err as Error).message})`);
  }
  if (!certificate.checkPrivateKey(privateKey)) {
    throw refusal(CORRUPT_CODE, `the ${files.what} key ${files.keyFile} does not match the ${files.what} certificate ${files.certFile}`);
  }
  if (recorded && recorded.sha256 !== certificate.fingerprint256) {
    throw refusal(CORRUPT_CODE, `the ${files.what} certificate ${files.certFile} is not the one this data dir recorded on ${recorded.createdAt} (SHA-256 ${recorded.sha256}, found ${certificate.fingerprint256})`);
  }
  return { certPem, keyPem, certificate, privateKey };
}

/** Writes a new pair: each file whole or not at all (written aside, then renamed), the key 0600. */
export function writeIdentity(files: KeyPairFiles, certPem: string, keyPem: string): void {
  try {
    fs.mkdirSync(path.dirname(files.keyFile), { recursive: true, mode: 0o700 });
    writeWhole(files.keyFile, keyPem, 0o600);
    writeWhole(files.certFile, certPem, 0o644);
  } catch (err) {
    throw new StartupError((err as NodeJS.ErrnoException).code ?? 'EIO',
      `cannot write the ${files.what} certificate and key to ${path.dirname(files.keyFile)} (${osReason(err)}); make the data dir writable by this user`);
  }
}

function writeWhole(file: string, content: string, mode: number): void {
  const aside = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(aside, content, { mode });
  fs.renameSync(aside, file);
}

export function recordOf(certificate: X509Certificate, now = new Date()): KeyRecord {
  return { sha256: certificate.fingerprint256, createdAt: now.toISOString() };
}
