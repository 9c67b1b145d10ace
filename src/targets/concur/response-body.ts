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
  // Listeners rather than `for await`: an async iterator per response (with a promise per chunk)
  // showed in the worker's profile; this runs for every request.
  const body = res.body;
  return new Promise<string>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        cleanup();
        // undici answers destroy() with an 'error' event (request aborted): expected here.
        body.on('error', () => undefined);
        body.destroy();
        reject(tooLarge());
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(chunks.length === 1 ? chunks[0].toString('utf8') : Buffer.concat(chunks).toString('utf8'));
    };
    const onError = (err: Error) => {
      cleanup();
      reject(err);
    };
    // Destroyed without an error (no 'end'): fail as `for await` did, instead of waiting forever.
    const onClose = () => onError(Object.assign(new Error('Premature close'), { code: 'ERR_STREAM_PREMATURE_CLOSE' }));
    const cleanup = () => {
      body.off('data', onData);
      body.off('end', onEnd);
      body.off('error', onError);
      body.off('close', onClose);
    };
    body.on('data', onData);
    body.once('end', onEnd);
    body.once('error', onError);
    body.once('close', onClose);
  });
}
