/**
 * Why a cycle workflow failed, as a typed reason the channel can show and act on. Pure: it only
 * walks the failure's cause chain (child -> activity -> application failure), so it runs in the
 * workflow sandbox and is unit-tested without Temporal.
 */
import { ActivityFailure, ApplicationFailure, TimeoutFailure } from '@temporalio/common';
import { CONFIG_FAILURES, SOURCE_FAILURES, STORE_FAILURES } from '../domain/error-types';
import type { CycleFailure, CycleFailureReason } from '../domain/messages';

export type { CycleFailure, CycleFailureReason } from '../domain/messages';

const SOURCE_TYPES = new Set(SOURCE_FAILURES);
const CONFIG_TYPES = new Set<string>(CONFIG_FAILURES);
const STORE_TYPES = new Set(STORE_FAILURES);

export function classifyCycleFailure(err: unknown): CycleFailure {
  let activityType: string | undefined;
  let timedOut = false;
  let innermost: unknown = err;
  let type: string | undefined;
  for (let e: unknown = err, depth = 0; e && depth < 10; e = (e as { cause?: unknown }).cause, depth++) {
    innermost = e;
    if (e instanceof ActivityFailure) activityType = e.activityType;
    if (e instanceof TimeoutFailure) timedOut = true;
    if (e instanceof ApplicationFailure && e.type) type = e.type;
  }
  const message = (innermost as Error | undefined)?.message || 'cycle failed without a message';
  let reason: CycleFailureReason = 'cycle-failed';
  if (type && CONFIG_TYPES.has(type)) reason = 'config-error';
  else if (activityType === 'probeTarget') reason = 'target-probe-failed';
  else if (type && SOURCE_TYPES.has(type)) reason = 'source-unavailable';
  else if (type && STORE_TYPES.has(type)) reason = 'store-unavailable';
  else if (timedOut) reason = 'timeout';
  return { reason, message, type };
}

/**
 * How long a channel waits after its Nth consecutive failed cycle: its interval, doubled per
 * further failure, never beyond an hour (or the interval itself when that is longer).
 */
export function failureBackoffMs(intervalSeconds: number, consecutiveFailures: number): number {
  const intervalMs = intervalSeconds * 1000;
  const cap = Math.max(intervalMs, 60 * 60_000);
  return Math.min(intervalMs * 2 ** Math.max(0, Math.min(consecutiveFailures - 1, 30)), cap);
}
