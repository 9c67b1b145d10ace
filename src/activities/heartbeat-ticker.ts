/**
 * Heartbeats on a timer for as long as an activity's work runs, wherever the time goes (the
 * look-up search before creates, group and exclusion pre-scans, a slow page, a backed-off
 * request): a heartbeat only from progress points would let one slow step outlast the heartbeat
 * timeout and make Temporal start a second attempt of the same batch beside the first. A dead
 * worker stops ticking, so the timeout still detects it. Timers keep ticking while a request
 * waits; only a blocked event loop stops them.
 */
import { Context, heartbeat } from '@temporalio/activity';

/** Well under the activities' 15 s heartbeat timeout (the SDK throttles what it sends). */
export const HEARTBEAT_EVERY_MS = 3_000;

export async function withHeartbeat<T>(details: () => unknown, fn: (cancelled: AbortSignal) => Promise<T>, everyMs = HEARTBEAT_EVERY_MS): Promise<T> {
  const beat = () => heartbeat(details());
  beat();
  const timer = setInterval(beat, everyMs);
  try {
    return await fn(Context.current().cancellationSignal);
  } finally {
    clearInterval(timer);
  }
}
