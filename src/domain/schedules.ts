/**
 * Defaults and schedules of the engine, in one place. Pure, so workflows, activities, adapters
 * and the config schemas all import the same numbers.
 */

/** Per-user durable retry and the circuit breaker's first probe (channel.retry's defaults). */
export const RETRY_DEFAULTS = { initialDelaySeconds: 10, maxAttempts: 8, breakerProbeSeconds: 5 } as const;
/** A user's retries back off by doubling up to this wait. */
export const USER_RETRY_MAX_DELAY_MS = 30 * 60_000;
/** The breaker's probes back off by doubling up to this wait. */
export const BREAKER_PROBE_MAX_MS = 5 * 60_000;

export interface PollOptions {
  /** First wait; UPS asks for status polls no faster than every 5 s. */
  pollIntervalMs: number;
  /** Backoff ceiling. */
  maxPollIntervalMs: number;
  /** Multiplier per poll. */
  backoffFactor: number;
  /** Give up after this long. */
  timeoutMs: number;
}

/**
 * UPS provision status polls: 5 s, ×1.5, up to a minute. A cycle waits at most an hour (a user
 * whose provision is still pending is sent again next cycle).
 */
export const PROVISION_POLL: PollOptions = { pollIntervalMs: 5_000, maxPollIntervalMs: 60_000, backoffFactor: 1.5, timeoutMs: 60 * 60_000 };

/** The same schedule for a write that waits inside its activity: past UPS's own 120-minute failure of a pending request. */
export const BLOCKING_PROVISION_POLL: PollOptions = { ...PROVISION_POLL, timeoutMs: 125 * 60_000 };

/** Wait before poll number `poll` (1-based). */
export function nextPollDelay(poll: number, options: PollOptions = PROVISION_POLL): number {
  return Math.min(options.maxPollIntervalMs, options.pollIntervalMs * options.backoffFactor ** Math.max(0, poll - 1));
}
