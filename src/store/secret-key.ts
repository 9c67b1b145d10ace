import { randomBytes } from 'node:crypto';
import { chmodSync, closeSync, linkSync, mkdirSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { SecretKeyError } from './secret-errors';

export const SECRET_KEY_ENV = 'OUTBOUND_SECRET_KEY';

export interface SecretKeyOptions {
  /** A 32-byte key given directly (tests, embedding). Wins over everything else. */
  key?: Buffer;
  /** Key file, created with mode 0600 when absent. */
  keyFile?: string;
  /** Where OUTBOUND_SECRET_KEY is read from; process.env by default. */
  env?: NodeJS.ProcessEnv;
}

/**
 * The key that encrypts secrets at rest: `key`, else env OUTBOUND_SECRET_KEY (base64 of 32 bytes),
 * else the key file, generated on first use. A key file readable by group or others is refused:
 * anyone who can read it can read every stored secret.
 */
export function loadSecretKey(options: SecretKeyOptions): Buffer {
  if (options.key) return checkLength(options.key, 'the given key');
  const fromEnv = (options.env ?? process.env)[SECRET_KEY_ENV];
  if (fromEnv !== undefined && fromEnv.trim() !== '') return decodeKey(fromEnv, `${SECRET_KEY_ENV}`);
  if (!options.keyFile) {
    throw new SecretKeyError(`no secret key: set ${SECRET_KEY_ENV} (base64 of 32 random bytes) or configure a key file`);
  }
  return readOrCreateKeyFile(options.keyFile);
}

function readOrCreateKeyFile(path: string): Buffer {
  if (!exists(path)) createKeyFile(path);
  let mode: number;
  try {
    mode = statSync(path).mode;
  } catch (err) {
    throw new SecretKeyError(`cannot read secret key file ${path}`, { cause: err });
  }
  // POSIX permissions only; Windows has no group/other bits to check.
  if (process.platform !== 'win32' && (mode & 0o077) !== 0) {
    throw new SecretKeyError(
      `secret key file ${path} is readable by group or others (mode ${(mode & 0o777).toString(8).padStart(4, '0')}); run: chmod 600 ${path}`,
    );
  }
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new SecretKeyError(`cannot read secret key file ${path}`, { cause: err });
  }
  return decodeKey(text, `secret key file ${path}`);
}

/**
 * Writes a fresh key to a temporary file and hard-links it into place, so a concurrent process
 * (worker and API starting together) either creates the file or reads a complete one: never a
 * half-written key, and never two different keys.
 */
function createKeyFile(path: string): void {
  try {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    const fd = openSync(tmp, 'wx', 0o600);
    try {
      writeSync(fd, `${randomBytes(32).toString('base64')}\n`);
    } finally {
      closeSync(fd);
    }
    chmodSync(tmp, 0o600);
    try {
      linkSync(tmp, path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    } finally {
      unlinkSync(tmp);
    }
  } catch (err) {
    throw new SecretKeyError(`cannot create secret key file ${path}`, { cause: err });
  }
}

function decodeKey(text: string, source: string): Buffer {
  const trimmed = text.trim();
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(trimmed)) throw new SecretKeyError(`${source} is not base64 (expected base64 of 32 bytes)`);
  return checkLength(Buffer.from(trimmed, 'base64'), source);
}

function checkLength(key: Buffer, source: string): Buffer {
  if (key.length !== 32) throw new SecretKeyError(`${source} must hold 32 bytes (256 bits), got ${key.length}`);
  return key;
}

function exists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw new SecretKeyError(`cannot read secret key file ${path}`, { cause: err });
  }
}
