import { deadlineSignal } from '../targets/deadline-signal';
import { withRequestSignal } from '../targets/request-signal';
import type { DesiredConcurUser } from '../domain/concur-user';
import { DELETE_REFUSED, type PlannedAction } from '../domain/plan/plan-user';
import type { AuditEntry, ProvisionedUser } from '../store/state-store';
import { TargetError, type LookedUpUser, type UserTarget } from '../targets/user-target';

export interface UserWrite {
  channelId: string;
  guid: string;
  action: PlannedAction;
  reason: string;
  desired?: DesiredConcurUser;
  desiredHash?: string;
  concurId?: string;
  cycleId?: number;
  /** Result of a batched look-up just made for this create (undefined: not looked up). */
  lookedUp?: LookedUpUser;
  /** Extension data (Spend/Travel) is submitted afterwards by the caller, in bulk. */
  deferExtensions?: boolean;
  /** Channel opt-in (channel.linkByUserName). */
  linkByUserName?: boolean;
  /** GUID of another entry of the channel already linked to this Concur id, if any. */
  holderOf?: (concurId: string) => Promise<string | undefined>;
}

export interface UserWriteResult {
  outcome: 'succeeded' | 'failed' | 'retrying' | 'connection-error';
  message?: string;
  concurId?: string;
  /** What to record in the provisioner database (absent for connection errors: nothing happened). */
  user?: Partial<ProvisionedUser> & { channelId: string; guid: string };
  audit?: AuditEntry;
}

/** First delay of a user's durable retry, written as nextAttemptAt so cycles leave the user alone. */
export const RETRY_HOLD_MS = 15 * 60_000;

/**
 * Runs one write under a deadline that aborts its requests (AbortSignal), so a timed-out write
 * is not left running beside its retry; `cancel` (the activity's cancellation) aborts it too.
 */
async function withTimeout<T>(run: () => Promise<T>, ms: number, cancel?: AbortSignal): Promise<T> {
  const deadline = deadlineSignal(ms, cancel);
  const { signal } = deadline;
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () =>
      reject(deadline.timedOut ? new TargetError('transient', `no answer from Concur within ${ms} ms`, 'TIMEOUT') : new TargetError('transient', 'the write was cancelled', 'CANCELLED'));
    signal.addEventListener('abort', onAbort, { once: true });
  });
  const work = withRequestSignal(signal, run);
  try {
    // The race only makes the outcome prompt; the requests themselves are aborted by the signal.
    return await Promise.race([work, aborted]);
  } finally {
    signal.removeEventListener('abort', onAbort!);
    deadline.dispose();
    work.catch(() => undefined);
    aborted.catch(() => undefined);
  }
}

/**
 * Performs one planned write against the target and says what to record. Failures are
 * classified, never thrown: a bad record fails alone with Concur's message.
 */
export async function applyUserWrite(target: UserTarget, write: UserWrite, options: { now: Date; timeoutMs: number; signal?: AbortSignal }): Promise<UserWriteResult> {
  const base = { channelId: write.channelId, guid: write.guid };
  const audit = (outcome: AuditEntry['outcome'], message?: string, action: AuditEntry['action'] = write.action, reason = write.reason): AuditEntry => ({
    ...base,
    cycleId: write.cycleId,
    at: options.now,
    action,
    outcome,
    reason,
    message,
  });
  /** Set when Concur refused a delete (a user with history) and the user was disabled instead. */
  let deleteRefused: string | undefined;
  try {
    let concurId = write.concurId;
    let status: ProvisionedUser['status'] = 'active';
    const opts = { deferExtensions: write.deferExtensions, linkByUserName: write.linkByUserName };
    await withTimeout(
      async () => {
        switch (write.action) {
          case 'create': {
            const desired = need(write.desired);
            const created = await target.create(desired, write.lookedUp, opts);
            // Never two entries on one account: the entry already linked keeps it.
            if (created.linked && write.holderOf) {
              const holder = await write.holderOf(created.id);
              if (holder && holder !== write.guid) throw new TargetError('data', 'userName: the Concur account found is already linked to another entry of this channel; not linked', 'ACCOUNT_CONFLICT');
            }
            concurId = created.id;
            // A linked (pre-existing) user is brought to the desired state.
            if (created.linked) await target.update(created.id, desired, opts);
            status = desired.identity.active ? 'active' : 'disabled';
            break;
          }
          case 'update': {
            const desired = need(write.desired);
            await target.update(need(concurId), desired, opts);
            status = desired.identity.active ? 'active' : 'disabled';
            break;
          }
          case 'reactivate':
            await target.reactivate(need(concurId), need(write.desired), opts);
            status = 'active';
            break;
          case 'disable':
            await target.disable(need(concurId), options.now);
            status = 'disabled';
            break;
          case 'delete':
            try {
              await target.remove(need(concurId));
              status = 'deleted';
            } catch (err) {
              // Concur deletes only users without history; the others are disabled, as PingFederate would.
              if (!(err instanceof TargetError) || err.kind !== 'data') throw err;
              deleteRefused = err.message;
              await target.disable(need(concurId), options.now);
              status = 'disabled';
            }
            break;
        }
      },
      options.timeoutMs,
      options.signal,
    );
    const user: UserWriteResult['user'] = {
      ...base,
      concurId,
      status,
      attempts: 0,
      lastError: undefined,
      lastErrorCode: undefined,
      failedHash: undefined,
      nextAttemptAt: undefined,
    };
    if (write.desiredHash) user.lastHash = write.desiredHash;
    if (write.desired) user.sourceEnabled = write.desired.identity.active;
    if (deleteRefused !== undefined) {
      user.lastErrorCode = DELETE_REFUSED;
      user.lastError = `Concur refused the delete; disabled instead: ${deleteRefused}`;
      return { outcome: 'succeeded', concurId, user, audit: audit('succeeded', deleteRefused, 'disable', `${write.reason}; Concur refused the delete, disabled instead`) };
    }
    return { outcome: 'succeeded', concurId, user, audit: audit('succeeded') };
  } catch (err) {
    const e = err instanceof TargetError ? err : new TargetError('transient', 'unexpected error talking to Concur', 'UNEXPECTED', { cause: err });
    switch (e.kind) {
      case 'connection':
        return { outcome: 'connection-error', message: e.message };
      case 'not-found':
        if (write.action === 'disable' || write.action === 'delete') {
          // Already gone from Concur: the removal's goal holds.
          return { outcome: 'succeeded', user: { ...base, status: 'deleted', concurId: undefined }, audit: audit('succeeded', 'user was already gone from Concur') };
        }
        // Deleted outside Outbound: forget the id so the next cycle creates the user again.
        return {
          outcome: 'failed',
          message: e.message,
          user: { ...base, status: 'deleted', concurId: undefined, lastErrorCode: 'NOT_FOUND', lastError: 'Concur user not found; will be created again next cycle' },
          audit: audit('failed', e.message),
        };
      case 'transient':
        return {
          outcome: 'retrying',
          message: e.message,
          user: { ...base, lastErrorCode: e.code ?? 'TRANSIENT', lastError: e.message, nextAttemptAt: new Date(options.now.getTime() + RETRY_HOLD_MS) },
          audit: audit('retrying', e.message),
        };
      case 'data':
      default:
        return {
          outcome: 'failed',
          message: e.message,
          user: {
            ...base,
            ...(write.concurId ? {} : { status: 'failed' as const }),
            lastErrorCode: e.code ?? 'INVALID_VALUE',
            lastError: e.message,
            failedHash: write.desiredHash ?? `action:${write.action}`,
            nextAttemptAt: undefined,
          },
          audit: audit('failed', e.message),
        };
    }
  }
}

function need<T>(value: T | undefined): T {
  if (value === undefined) throw new TargetError('data', 'plan item is missing the data its action needs', 'PLAN_INCOMPLETE');
  return value;
}
