/**
 * Reads a Concur response body with a size cap, so a broken proxy or a hostile host cannot make
 * the worker buffer an unbounded answer. Too large is treated like a lost answer: a write may
 * have been applied, which the caller's look-up-before-retry already handles.
 */
import type { Dispatcher } from 'undici';
import { ConcurTransientError } from './concur-errors';

/** API answers: a page of users with extensions is a few MB at most. */
export const MAX_RESPONSE_BYTES = 16 * 1024 * 1024;
/** Token endpoint answers: a few KB. */
export const MAX_TOKEN_RESPONSE_BYTES = 64 * 1024;

export async function readCappedText(res: Dispatcher.ResponseData, maxBytes: number, maybeApplied: boolean): Promise<string> {
  const tooLarge = () =>
    new ConcurTransientError('RESPONSE_TOO_LARGE', `Concur's answer exceeded ${maxBytes} bytes and was not read`, { status: res.statusCode, maybeApplied });
  const declared = Number(res.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) {
    res.body.destroy();
    throw tooLarge();
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res.body) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > maxBytes) {
      res.body.destroy();
      throw tooLarge();
    }
    chunks.push(buf);
  }
  return Buffer.concat(chunks).toString('utf8');
}
