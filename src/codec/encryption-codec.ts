import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { METADATA_ENCODING_KEY, type Payload, type PayloadCodec } from '@temporalio/common';
import { temporal } from '@temporalio/proto';

const ENCODING = 'binary/encrypted';
const KEY_ID = 'outbound-1';

/** A payload could not be decrypted (wrong key or tampered data). */
export class PayloadDecryptionError extends Error {
  constructor(options?: { cause?: unknown }) {
    super('cannot decrypt a workflow payload: wrong OUTBOUND_PAYLOAD_KEY or tampered data', options);
    this.name = 'PayloadDecryptionError';
  }
}

/**
 * Defence in depth for histories that carry ids and counts only, never values: every payload Temporal
 * stores is AES-256-GCM encrypted by the worker and clients, so even a slip would not put
 * readable data in the server. The API serves this codec to the Web UI for allowed users.
 */
export class EncryptionCodec implements PayloadCodec {
  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new Error('the payload key must be 32 bytes (base64 in OUTBOUND_PAYLOAD_KEY)');
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', this.key, iv);
      const plain = temporal.api.common.v1.Payload.encode(payload).finish();
      const data = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
      return {
        metadata: { [METADATA_ENCODING_KEY]: Buffer.from(ENCODING), 'encryption-key-id': Buffer.from(KEY_ID) },
        data,
      };
    });
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      const encoding = payload.metadata?.[METADATA_ENCODING_KEY];
      if (!encoding || Buffer.from(encoding).toString() !== ENCODING || !payload.data) return payload;
      const data = Buffer.from(payload.data);
      try {
        const decipher = createDecipheriv('aes-256-gcm', this.key, data.subarray(0, 12));
        decipher.setAuthTag(data.subarray(data.length - 16));
        const plain = Buffer.concat([decipher.update(data.subarray(12, data.length - 16)), decipher.final()]);
        return temporal.api.common.v1.Payload.decode(plain);
      } catch (err) {
        throw new PayloadDecryptionError({ cause: err });
      }
    });
  }
}

/**
 * The payload key: OUTBOUND_PAYLOAD_KEY (base64, 32 bytes), else a key file created once with
 * owner-only permissions. Worker, API and CLI on one machine thus share it without set-up.
 */
export function loadPayloadKey(keyFile: string, env: NodeJS.ProcessEnv = process.env): Buffer {
  if (env.OUTBOUND_PAYLOAD_KEY) return Buffer.from(env.OUTBOUND_PAYLOAD_KEY, 'base64');
  if (!existsSync(keyFile)) {
    mkdirSync(dirname(keyFile), { recursive: true });
    writeFileSync(keyFile, randomBytes(32).toString('base64'), { mode: 0o600, flag: 'wx' });
  }
  const mode = statSync(keyFile).mode & 0o077;
  if (mode !== 0) chmodSync(keyFile, 0o600);
  return Buffer.from(readFileSync(keyFile, 'utf8').trim(), 'base64');
}
