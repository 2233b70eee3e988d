/**
 * Write-only values at rest: sealed with AES-256-GCM under the data dir's store key, so the
 * database, its WAL and its free pages never hold them in plain text. The key is 32 random
 * bytes in `<data-dir>/keys/store.key` (mode 0600), created with the data dir; an in-memory
 * store gets a key of its own. A sealed value is `v1.` + base64(iv | tag | ciphertext).
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

const PREFIX = 'v1.';
const IV_BYTES = 12;
const TAG_BYTES = 16;

export class SealingError extends Error {}

export class Sealer {
  /** Identifies the key (not secret): recorded in the store so a different key is noticed at start. */
  readonly keyId: string;

  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new SealingError('the store key must be 32 bytes');
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
        throw new SealingError(`${file} cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}): fix its permissions, or start with a new --data-dir`);
      }
      if (key.length !== 32) throw new SealingError(`${file} is not a store key (32 bytes): restore it from a backup, or start with a new --data-dir`);
      return new Sealer(key);
    }
    if (!create) throw new SealingError(`${file} is missing: the protected values in this data dir cannot be read without it. Restore it from a backup, or start with a new --data-dir`);
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
    if (!isSealed(sealed)) throw new SealingError('not a sealed value');
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
