/**
 * Upper bounds for every duration in the configuration. Node's timers (setTimeout, AbortSignal
 * .timeout, undici's timeouts) take at most 2^31-1 ms (~24.8 days) and fire at once above it;
 * Temporal rejects or wedges on absurd durations. Each bound is well inside both, and generous
 * for what the setting means.
 */
import { z } from 'zod';

/** The largest delay Node's timers honour. */
export const NODE_TIMER_MAX_MS = 2 ** 31 - 1;

export const MAX_REQUEST_TIMEOUT_MS = 10 * 60_000;
export const MAX_CONNECT_TIMEOUT_MS = 5 * 60_000;
export const MAX_LDAP_OPERATION_TIMEOUT_MS = 60 * 60_000;
export const MAX_INTERVAL_SECONDS = 7 * 24 * 3600;
export const MAX_RETRY_DELAY_SECONDS = 24 * 3600;
export const MAX_BREAKER_PROBE_SECONDS = 3600;
export const MAX_RETENTION_DAYS = 3650;
export const DEFAULT_RETENTION_DAYS = 90;

/** A positive whole number of milliseconds up to `max`, with a message naming the bound. */
export function durationMs(max: number): z.ZodNumber {
  return z.number().int().positive().max(max, `at most ${max} ms`);
}
