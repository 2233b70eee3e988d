/**
 * Write-only values at rest: sealed with AES-256-GCM under the data dir's store key, so the
 * database, its WAL and its free pages never hold them in plain text. The key is 32 random
 * bytes in `<data-dir>/keys/store.key` (mode 0600), created with the data dir; an in-memory
 * store gets a key of its own. A sealed value is `v1.` + base64(iv | tag | ciphertext).
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { CORRUPT_CODE, osReason, RESTORE_OR_NEW_DATA_DIR, StartupError } from '../core/startupError';

const PREFIX = 'v1.';
const IV_BYTES = 12;
const TAG_BYTES = 16;

export class Sealer {
  /** Identifies the key (not secret): recorded in the store so a different key is noticed at start. */
  readonly keyId: string;

  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new Error('the store key must be 32 bytes');
    this.keyId = createHash('sha256').update(key).digest('hex').slice(0, 16);
  }

  static random(): Sealer {
    return new Sealer(randomBytes(32));
  }

  /** The data dir's key: read from `keys/store.key`, or created there when `create` allows. */
  static forDataDir(dataDir: string, create: boolean): Sealer {
    const file = storeKeyFile(dataDir);
    if (fs.existsSync(file)) {
      let key: Buffer;
      try {
        key = fs.readFileSync(file);
      } catch (err) {
        throw new StartupError((err as NodeJS.ErrnoException).code ?? 'EIO', `cannot read the store key ${file} (${osReason(err)}); ${RESTORE_OR_NEW_DATA_DIR}`);
      }
      if (key.length !== 32) throw new StartupError(CORRUPT_CODE, `the store key ${file} is not 32 bytes long; ${RESTORE_OR_NEW_DATA_DIR}`);
      return new Sealer(key);
    }
    if (!create) throw new StartupError('ENOENT', `the store key ${file} is missing, and the protected values of this data dir cannot be read without it; ${RESTORE_OR_NEW_DATA_DIR}`);
    const key = randomBytes(32);
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    fs.writeFileSync(file, key, { mode: 0o600, flag: 'wx' });
    return new Sealer(key);
  }

  seal(plaintext: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return PREFIX + Buffer.concat([iv, cipher.getAuthTag(), ciphertext]).toString('base64');
  }

  open(sealed: string): string {
    if (!isSealed(sealed)) throw new Error('not a sealed value');
    const raw = Buffer.from(sealed.slice(PREFIX.length), 'base64');
    const decipher = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, IV_BYTES));
    decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
  }
}

export function isSealed(value: string): boolean {
  return value.startsWith(PREFIX);
}

export function storeKeyFile(dataDir: string): string {
  return path.join(dataDir, 'keys', 'store.key');
}
