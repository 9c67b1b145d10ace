/**
 * Entry GUIDs. Text GUIDs (entryUUID, nsUniqueId, a custom attribute) are used as they are.
 * Binary GUIDs (AD's objectGUID) are 16 bytes in Microsoft's mixed-endian layout: the first three
 * fields little-endian, the last two big-endian. They are rendered as the canonical text AD tools
 * show ({00112233-4455-6677-8899-aabbccddeeff} without braces, lower case) so the same user keeps
 * the same id whichever tool looked it up. Other lengths are rendered as lower-case hex.
 */

/** Byte order of the canonical text's 32 hex digits within the 16 stored bytes. */
const ORDER = [3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15];

export function formatBinaryGuid(bytes: Buffer): string {
  if (bytes.length !== 16) return bytes.toString('hex');
  const hex = ORDER.map((i) => bytes[i].toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const CANONICAL = /^\{?([0-9a-f]{8})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{12})\}?$/i;

/** Inverse of formatBinaryGuid (also accepts braces and upper case); undefined when malformed. */
export function parseBinaryGuid(text: string): Buffer | undefined {
  const m = CANONICAL.exec(text.trim());
  if (m) {
    const canonical = Buffer.from(m.slice(1).join(''), 'hex');
    const bytes = Buffer.alloc(16);
    ORDER.forEach((stored, i) => (bytes[stored] = canonical[i]));
    return bytes;
  }
  return /^(?:[0-9a-f]{2})+$/i.test(text) ? Buffer.from(text, 'hex') : undefined;
}

/**
 * The GUID text of one attribute value as ldapts returns it. A binary value that happens to be
 * valid UTF-8 arrives as a string; re-encoding it gives back the exact bytes.
 */
export function guidText(value: string | Buffer, type: 'text' | 'binary'): string {
  if (type === 'binary') return formatBinaryGuid(Buffer.isBuffer(value) ? value : Buffer.from(value, 'utf8'));
  return Buffer.isBuffer(value) ? value.toString('utf8') : value;
}
