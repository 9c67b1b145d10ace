import { log } from '@temporalio/activity';
import type { AuditEntry, PlanItem, ProvisionedUser } from '../store/state-store';
import { withRequestSignal } from '../targets/request-signal';
import type { LookedUpUser, UserTarget } from '../targets/user-target';
import type { ActivityDeps } from './activity-deps';
import { applyUserWrite, type UserWriteResult } from './apply-user';
import type { ChannelResources } from './channel-resources';
import { withHeartbeat } from './heartbeat-ticker';
import { ORPHAN_GUID_PREFIX } from './target-reconcile';
import { extensionRef } from '../domain/plan/extension-ref';

export interface ApplyBatchResult {
  /** Outcome counts over the whole batch, including items done by an earlier attempt. */
  succeeded: number;
  failed: number;
  retrying: number;
  /** GUIDs (identifiers only) whose write failed transiently: each gets a durable retry workflow. */
  retryingGuids: string[];
  /** Set when Concur is unusable for everyone (auth, unreachable): the cycle opens its breaker. */
  connectionError?: string;
  /** Asynchronous extension provisions (UPS) submitted for this batch; the cycle awaits them. */
  provisions: string[];
}

const extensionMode = (item: PlanItem): 'create' | 'update' => (item.action === 'create' ? 'create' : 'update');

/** The item's write leaves Spend/Travel data for the target's asynchronous extension writer. */
function hasExtensionWork(target: UserTarget, item: PlanItem): boolean {
  if (!target.extensions || !item.desired || item.action === 'disable' || item.action === 'delete') return false;
  return target.extensions.has(item.desired, extensionMode(item));
}


/** Users written per store flush: bounds what a crash can make us redo (redo is idempotent). */
const FLUSH_EVERY = 50;

/**
 * Applies one batch of the cycle's plan with at most the channel's max threads in flight,
 * recording each user's outcome. Items that already have an outcome (an earlier attempt of this
 * activity) are skipped, so a retried batch resumes instead of redoing.
 */
export async function applyBatch(deps: ActivityDeps, resources: ChannelResources, input: { channelId: string; cycleId: number; batchNo: number }): Promise<ApplyBatchResult> {
  let progress: { batchNo: number; done: number } = { batchNo: input.batchNo, done: 0 };
  return withHeartbeat(() => progress, (cancelled) => applyBatchBeating(deps, resources, input, cancelled, (p) => (progress = p)));
}

async function applyBatchBeating(
  deps: ActivityDeps,
  resources: ChannelResources,
  input: { channelId: string; cycleId: number; batchNo: number },
  cancelled: AbortSignal,
  report: (progress: { batchNo: number; done: number }) => void,
): Promise<ApplyBatchResult> {
  const { store } = deps;
  const started = Date.now();
  const { loaded, target } = await resources.get(input.channelId);
  const items = await store.getPlanBatch(input.cycleId, input.batchNo);
  const pending = items.filter((i) => !i.outcome);
  let connectionError: string | undefined;

  let outcomes: Array<{ item: PlanItem; result: UserWriteResult }> = [];
  const flush = async () => {
    const batch = outcomes;
    outcomes = [];
    // Orphans disabled by target reconciliation have no source entry, so no provisioner row.
    const users = batch
      .map((o) => o.result.user)
      .filter((u): u is Partial<ProvisionedUser> & { channelId: string; guid: string } => Boolean(u) && !u!.guid.startsWith(ORPHAN_GUID_PREFIX));
    const audit = batch.map((o) => o.result.audit).filter((a): a is AuditEntry => Boolean(a));
    if (users.length) await store.upsertUsers(users);
    const recorded = batch.filter((o) => o.result.outcome !== 'connection-error');
    for (const { item, result } of recorded) item.outcome = result.outcome as NonNullable<PlanItem['outcome']>;
    if (recorded.length) {
      await store.recordPlanOutcomes(recorded.map(({ item, result }) => ({ cycleId: item.cycleId, seq: item.seq, outcome: result.outcome as NonNullable<PlanItem['outcome']>, message: result.message })));
    }
    if (audit.length) await store.appendAudit(audit);
    report({ batchNo: input.batchNo, done: items.filter((i) => i.outcome).length });
  };

  // One search per ~40 creates instead of one per user: link users that already exist in Concur.
  const lookedUp = new Map<number, LookedUpUser>();
  const linkByUserName = loaded.channel.linkByUserName;
  const creates = pending.filter((i) => i.action === 'create' && i.desired);
  if (creates.length > 1 && target.findExisting) {
    try {
      const find = target.findExisting.bind(target);
      const found = await withRequestSignal(cancelled, () => find(creates.map((i) => i.desired!), { linkByUserName }));
      creates.forEach((item, n) => lookedUp.set(item.seq, found[n]));
    } catch {
      lookedUp.clear(); // fall back to one look-up per user
    }
  }

  let next = 0;
  const threads = Math.max(1, loaded.channel.maxThreads);
  const worker = async () => {
    // A cancelled attempt (heartbeat lost, worker stopping) takes no new user: the next attempt resumes.
    while (next < pending.length && !connectionError && !cancelled.aborted) {
      const item = pending[next++];
      const result = await applyUserWrite(
        target,
        {
          channelId: input.channelId,
          guid: item.guid,
          action: item.action,
          reason: item.reason,
          desired: item.desired,
          desiredHash: item.desiredHash,
          concurId: item.concurId,
          cycleId: input.cycleId,
          lookedUp: lookedUp.get(item.seq),
          deferExtensions: Boolean(target.extensions),
          linkByUserName,
          holderOf: async (concurId) => (await store.getConcurIdHolders(input.channelId, [concurId])).get(concurId),
        },
        { now: deps.now?.() ?? new Date(), timeoutMs: loaded.channel.timeoutMs, signal: cancelled },
      );
      if (result.outcome === 'connection-error') connectionError = result.message;
      if (result.outcome === 'succeeded' && result.concurId) item.concurId = result.concurId;
      // A user with Spend/Travel work is done only once UPS confirms it: its hash is saved then
      // (checkProvisions), so a provision never confirmed is sent again next cycle.
      if (result.outcome === 'succeeded' && result.user && hasExtensionWork(target, item)) delete result.user.lastHash;
      outcomes.push({ item, result });
      if (outcomes.length >= FLUSH_EVERY) await flush();
    }
  };
  await Promise.all(Array.from({ length: Math.min(threads, pending.length) }, worker));
  await flush();
  cancelled.throwIfAborted();

  const provisions = await submitExtensions(deps, input, target, pending);

  const count = (o: PlanItem['outcome']) => items.filter((i) => i.outcome === o).length;
  log.info('batch applied', { channelId: input.channelId, cycleId: input.cycleId, batchNo: input.batchNo, users: pending.length, ms: Date.now() - started });
  return {
    succeeded: count('succeeded'),
    failed: count('failed'),
    retrying: count('retrying'),
    retryingGuids: pending.filter((i) => i.outcome === 'retrying').map((i) => i.guid),
    connectionError,
    provisions,
  };
}

/**
 * Spend/Travel data of the users written now goes to the target in bulk (UPS); the cycle awaits
 * the results with durable timers (checkProvisions). If submitting fails, the users' hashes are
 * forgotten so the next cycle writes them again.
 */
async function submitExtensions(deps: ActivityDeps, input: { channelId: string; cycleId: number }, target: UserTarget, done: PlanItem[]): Promise<string[]> {
  const writer = target.extensions;
  if (!writer) return [];
  const items = done
    .filter((i) => i.outcome === 'succeeded' && i.concurId && hasExtensionWork(target, i))
    .map((i) => ({ item: i, mode: extensionMode(i) }));
  if (items.length === 0) return [];
  try {
    return await writer.submit(items.map(({ item, mode }) => ({ ref: extensionRef(input.cycleId, item.seq), id: item.concurId!, desired: item.desired!, mode })));
  } catch (err) {
    log.warn('extension submit failed; users will be written again next cycle', { channelId: input.channelId, users: items.length, error: (err as Error).message });
    await deps.store.upsertUsers(items.map(({ item }) => ({ channelId: input.channelId, guid: item.guid, lastHash: undefined, lastErrorCode: 'EXTENSIONS_NOT_SENT', lastError: (err as Error).message })));
    return [];
  }
}
