/**
 * The abort signal of the write in progress, carried to the HTTP layer without threading it
 * through every connector method: a per-write timeout (or the activity's cancellation) must
 * abort the request on the wire and stop its retries, not leave it running beside the next
 * attempt. Read by the Concur HTTP client for each request and each backoff sleep.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

const current = new AsyncLocalStorage<AbortSignal>();

/** Runs `fn` with `signal` as the signal of every target request it makes. */
export function withRequestSignal<T>(signal: AbortSignal, fn: () => Promise<T>): Promise<T> {
  const outer = current.getStore();
  return current.run(outer ? AbortSignal.any([outer, signal]) : signal, fn);
}

/** The signal of the write in progress, if any. */
export function requestSignal(): AbortSignal | undefined {
  return current.getStore();
}
