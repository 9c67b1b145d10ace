import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { SecretDecryptionError, SecretKeyError } from './secret-errors';

const ALGORITHM = 'aes-256-gcm';
const IV_BYTES = 12; // 96-bit IV: GCM's native size, random per value.
const TAG_BYTES = 16;
const VERSION = 'v1';

/**
 * Authenticated encryption of short strings (secrets, OAuth tokens) with AES-256-GCM.
 *
 * Sealed form: `v1.<keyId>.<base64(iv | tag | ciphertext)>`. The key id (an HMAC of the key, not
 * the key) tells a wrong key apart from tampering, so the error says which it is. `context` is
 * bound as additional authenticated data: a ciphertext copied to another row fails to open.
 */
export class SecretBox {
  readonly keyId: string;
  readonly #key: Buffer;

  constructor(key: Buffer) {
    if (key.length !== 32) throw new SecretKeyError(`the secret key must be 32 bytes, got ${key.length}`);
    this.#key = Buffer.from(key);
    this.keyId = createHmac('sha256', this.#key).update('outbound secret key id').digest('hex').slice(0, 16);
  }

  seal(plaintext: string, context: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(ALGORITHM, this.#key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const packed = Buffer.concat([iv, cipher.getAuthTag(), body]);
    return `${VERSION}.${this.keyId}.${packed.toString('base64')}`;
  }

  open(sealed: string, context: string): string {
    const parts = sealed.split('.');
    if (parts.length !== 3 || parts[0] !== VERSION) {
      throw new SecretDecryptionError(`encrypted value for ${context} is malformed`, 'malformed');
    }
    const [, keyId, b64] = parts;
    if (keyId !== this.keyId) {
      throw new SecretDecryptionError(
        `encrypted value for ${context} was sealed with another key (key id ${keyId}, current key id ${this.keyId}); ` +
          'set OUTBOUND_SECRET_KEY or the key file back to the key that wrote it',
        'wrong-key',
      );
    }
    const packed = Buffer.from(b64, 'base64');
    if (packed.length < IV_BYTES + TAG_BYTES) {
      throw new SecretDecryptionError(`encrypted value for ${context} is truncated`, 'malformed');
    }
    const iv = packed.subarray(0, IV_BYTES);
    const tag = packed.subarray(IV_BYTES, IV_BYTES + TAG_BYTES);
    const body = packed.subarray(IV_BYTES + TAG_BYTES);
    try {
      const decipher = createDecipheriv(ALGORITHM, this.#key, iv, { authTagLength: TAG_BYTES });
      decipher.setAAD(Buffer.from(context, 'utf8'));
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
    } catch (err) {
      throw new SecretDecryptionError(`encrypted value for ${context} failed authentication: it was altered or sealed with another key`, 'tampered', {
        cause: err,
      });
    }
  }
}
