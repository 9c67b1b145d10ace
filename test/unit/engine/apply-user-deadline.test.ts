import { applyUserWrite } from '../../../src/activities/apply-user';
import { requestSignal } from '../../../src/targets/request-signal';
import type { UserTarget } from '../../../src/targets/user-target';

/** A target whose update never answers until its request signal aborts, recording that signal. */
function hangingTarget(seen: AbortSignal[]): UserTarget {
  const hang = () =>
    new Promise<void>((_, reject) => {
      const signal = requestSignal()!;
      seen.push(signal);
      signal.addEventListener('abort', () => reject(signal.reason as Error), { once: true });
    });
  return { update: hang } as unknown as UserTarget;
}

const desired = { identity: { userName: 'a@example.com', active: true }, clear: [], createOnly: [] } as never;
const write = { channelId: 'c', guid: 'g', action: 'update' as const, reason: 'changed', desired, desiredHash: 'h', concurId: 'id-1' };

describe('applyUserWrite deadline', () => {
  it('gives up at the per-write timeout, aborts the request, and leaves the user for a retry', async () => {
    const seen: AbortSignal[] = [];
    const started = Date.now();
    const result = await applyUserWrite(hangingTarget(seen), write, { now: new Date(), timeoutMs: 50 });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(result).toMatchObject({ outcome: 'retrying', message: 'no answer from Concur within 50 ms', user: { lastErrorCode: 'TIMEOUT' } });
    expect(seen).toHaveLength(1);
    expect(seen[0].aborted).toBe(true);
  });

  it('stops when the activity is cancelled, saying so rather than timing out', async () => {
    const seen: AbortSignal[] = [];
    const cancel = new AbortController();
    const pending = applyUserWrite(hangingTarget(seen), write, { now: new Date(), timeoutMs: 60_000, signal: cancel.signal });
    await new Promise((resolve) => setImmediate(resolve));
    cancel.abort();
    const result = await pending;
    expect(result).toMatchObject({ outcome: 'retrying', message: 'the write was cancelled', user: { lastErrorCode: 'CANCELLED' } });
    expect(seen[0].aborted).toBe(true);
  });
});
