/**
 * How long to wait before retrying a transient failure: exponential backoff with equal jitter,
 * never shorter than the server's Retry-After (0 included: Concur's own 429 sample sends
 * `retry-after: 0`, so the backoff alone spaces those retries). Pure.
 */
export interface RetryOptions {
  /** Attempts in total, the first included. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** No retry is started that would end after this much time since the first attempt. */
  maxElapsedMs: number;
}

export const DEFAULT_RETRY: RetryOptions = { maxAttempts: 5, baseDelayMs: 250, maxDelayMs: 30_000, maxElapsedMs: 120_000 };

/** Backoff for the retry after failed attempt number `attempt` (1-based). */
export function backoffDelay(attempt: number, options: RetryOptions, random: () => number = Math.random): number {
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  // Equal jitter: at least half the ceiling, so retries never collapse to zero, the rest random
  // so many workers throttled together do not come back in step.
  return ceiling / 2 + random() * (ceiling / 2);
}

/** The wait before the next attempt, honouring Retry-After when the server sent one. */
export function retryDelay(attempt: number, retryAfterMs: number | undefined, options: RetryOptions, random: () => number = Math.random): number {
  const backoff = backoffDelay(attempt, options, random);
  return retryAfterMs === undefined ? backoff : Math.max(retryAfterMs, backoff);
}

/**
 * The longest Retry-After believed. A larger one (a misbehaving proxy, `Retry-After: 99999999`)
 * is read as this; a wait beyond the retry budget is not slept in-process anyway (the error
 * carries it for a durable retry), and the rate limiter holds callers back MAX_THROTTLE_BLOCK_MS at most.
 */
export const MAX_RETRY_AFTER_MS = 3_600_000;
/** The longest a 429 holds back every caller of a connection in-process (under heartbeat timeouts). */
export const MAX_THROTTLE_BLOCK_MS = 60_000;

/** Retry-After as ms (capped at MAX_RETRY_AFTER_MS): delta-seconds (0 allowed) or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(header: string | string[] | undefined, now: number = Date.now()): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Math.min(Number(trimmed) * 1000, MAX_RETRY_AFTER_MS);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.min(Math.max(0, date - now), MAX_RETRY_AFTER_MS);
}
