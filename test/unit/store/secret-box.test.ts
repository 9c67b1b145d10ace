import { randomBytes } from 'node:crypto';
import { SecretBox } from '../../../src/store/secret-box';
import { SecretDecryptionError, SecretKeyError } from '../../../src/store/secret-errors';

describe('SecretBox', () => {
  const box = new SecretBox(randomBytes(32));

  it('round-trips text, including unicode and the empty string', () => {
    for (const text of ['s3cr3t', '', 'päss wörd ✓', 'x'.repeat(10_000)]) {
      expect(box.open(box.seal(text, 'vault:a'), 'vault:a')).toBe(text);
    }
  });

  it('uses a fresh IV per value and never shows the plaintext', () => {
    const a = box.seal('same secret', 'ctx');
    const b = box.seal('same secret', 'ctx');
    expect(a).not.toBe(b);
    expect(a).not.toContain('same secret');
    expect(Buffer.from(a.split('.')[2], 'base64').toString('latin1')).not.toContain('same secret');
  });

  it('detects a flipped ciphertext bit', () => {
    const sealed = box.seal('secret value', 'ctx');
    const [v, kid, b64] = sealed.split('.');
    const bytes = Buffer.from(b64, 'base64');
    bytes[bytes.length - 1] ^= 0x01;
    const tampered = `${v}.${kid}.${bytes.toString('base64')}`;
    expect(() => box.open(tampered, 'ctx')).toThrow(SecretDecryptionError);
    try {
      box.open(tampered, 'ctx');
    } catch (err) {
      expect((err as SecretDecryptionError).reason).toBe('tampered');
      expect((err as Error).message).not.toContain('secret value');
    }
  });

  it('detects a tampered IV or tag', () => {
    const sealed = box.seal('secret value', 'ctx');
    const [v, kid, b64] = sealed.split('.');
    for (const index of [0, 12]) {
      const bytes = Buffer.from(b64, 'base64');
      bytes[index] ^= 0x80;
      expect(() => box.open(`${v}.${kid}.${bytes.toString('base64')}`, 'ctx')).toThrow(SecretDecryptionError);
    }
  });

  it('refuses a ciphertext moved to another context (row)', () => {
    const sealed = box.seal('secret value', 'vault:one');
    expect(() => box.open(sealed, 'vault:two')).toThrow(expect.objectContaining({ reason: 'tampered' }));
  });

  it('reports a wrong key as such', () => {
    const other = new SecretBox(randomBytes(32));
    const sealed = box.seal('secret value', 'ctx');
    expect(() => other.open(sealed, 'ctx')).toThrow(expect.objectContaining({ name: 'SecretDecryptionError', reason: 'wrong-key' }));
  });

  it('fails authentication when the key id is forged to match another key', () => {
    const other = new SecretBox(randomBytes(32));
    const [v, , b64] = box.seal('secret value', 'ctx').split('.');
    expect(() => other.open(`${v}.${other.keyId}.${b64}`, 'ctx')).toThrow(expect.objectContaining({ reason: 'tampered' }));
  });

  it('rejects malformed and truncated input', () => {
    expect(() => box.open('not sealed', 'ctx')).toThrow(expect.objectContaining({ reason: 'malformed' }));
    expect(() => box.open(`v1.${box.keyId}.AAAA`, 'ctx')).toThrow(expect.objectContaining({ reason: 'malformed' }));
  });

  it('requires a 32-byte key', () => {
    expect(() => new SecretBox(randomBytes(16))).toThrow(SecretKeyError);
  });
});
