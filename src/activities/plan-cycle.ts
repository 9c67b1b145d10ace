import { log } from '@temporalio/activity';
import { matchesExclusion } from '../domain/exclusion';
import { stableHash } from '../domain/hashing';
import { planAfterMapping, planBeforeMapping, planRemoval, type PlanDecision } from '../domain/plan/plan-user';
import type { CycleCounts, PlanItem, ProvisionedUser } from '../store/state-store';
import type { ActivityDeps } from './activity-deps';
import type { ChannelResources } from './channel-resources';
import { withHeartbeat } from './heartbeat-ticker';
import { zeroCounts } from './cycle-counts';

/** Users per apply batch: small enough that a pause takes effect within about a second. */
export const BATCH_SIZE = 250;

export interface PlanCycleResult {
  counts: CycleCounts;
  batches: number;
  /** Users Outbound managed before the cycle (for the removal guard's percentage). */
  managed: number;
  guard: { maxRemovals: number; maxRemovalPercent: number };
  retry: { initialDelaySeconds: number; maxAttempts: number; breakerProbeSeconds: number };
  intervalSeconds: number;
  fullReconcileEvery: number;
}

/**
 * Reads the source page by page, maps each entry, compares with the provisioner database and
 * writes the cycle's plan (creates, updates, disables, deletes, reactivations with reasons) to the
 * store. Returns counts only: no user data leaves the activity.
 */
export async function planCycle(deps: ActivityDeps, resources: ChannelResources, input: { channelId: string; cycleId: number }): Promise<PlanCycleResult> {
  const progress = { read: 0, planned: 0 };
  return withHeartbeat(() => progress, (cancelled) => planCycleBeating(deps, resources, input, cancelled, progress));
}

async function planCycleBeating(
  deps: ActivityDeps,
  resources: ChannelResources,
  input: { channelId: string; cycleId: number },
  cancelled: AbortSignal,
  progress: { read: number; planned: number },
): Promise<PlanCycleResult> {
  const { store } = deps;
  const now = deps.now?.() ?? new Date();
  const started = Date.now();
  const { loaded, mapper } = await resources.get(input.channelId);
  const { channel } = loaded;
  const cycle = await store.getCycle(input.cycleId);
  if (!cycle) throw new Error(`cycle ${input.cycleId} not found`);
  const state = await store.getChannelState(input.channelId);
  const userCounts = await store.countUsers(input.channelId);
  const managed = userCounts.active + userCounts.disabled;
  await store.clearPlan(input.cycleId);

  const settings = { provisionDisabledUsers: channel.provisionDisabledUsers, removeAction: channel.removeAction };
  const incrementalPossible = channel.source.kind === 'ldap' ? channel.source.changeDetection !== 'full' : Boolean(channel.source.updatedAtColumn);
  const fullRead = cycle.mode === 'full' || !incrementalPossible || !state.watermark;
  const counts = zeroCounts();
  let seq = 0;
  let watermark: string | undefined;
  const add = (items: PlanItem[], guid: string, decision: PlanDecision, extra: Partial<PlanItem>, existing?: ProvisionedUser) => {
    if (decision.kind === 'action') {
      counts[decision.action]++;
      items.push({ cycleId: input.cycleId, seq, guid, action: decision.action, reason: decision.reason, batchNo: Math.floor(seq / BATCH_SIZE), concurId: existing?.concurId, ...extra });
      seq++;
    } else if (decision.kind === 'skip') {
      if (decision.reason === 'excluded') counts.excluded++;
      else counts.unchanged++;
    }
  };

  // A dry run writes nothing, not even "seen" marks: it remembers GUIDs (ids only) in memory.
  const seenInDryRun = new Set<string>();
  const source = resources.openSource(loaded);
  try {
    for await (const page of source.read({ mode: fullRead ? 'full' : 'incremental', watermark: fullRead ? undefined : state.watermark })) {
      const guids = page.entries.map((e) => e.guid);
      const existingUsers = await store.getUsers(input.channelId, guids);
      const items: PlanItem[] = [];
      const userUpdates: Array<Partial<ProvisionedUser> & { channelId: string; guid: string }> = [];
      for (const entry of page.entries) {
        counts.read++;
        const existing = existingUsers.get(entry.guid);
        const excluded = matchesExclusion(entry, channel.exclusion);
        if (excluded) {
          counts.excluded++;
          if (existing && !existing.excluded && !cycle.dryRun) userUpdates.push({ channelId: input.channelId, guid: entry.guid, excluded: true });
          continue;
        }
        let decision = planBeforeMapping({ enabled: entry.enabled }, existing, settings, now);
        if (decision.kind === 'map') {
          const mapped = await mapper.map(entry);
          if (!mapped.ok) {
            counts.invalid++;
            if (!cycle.dryRun) {
              const message = mapped.errors.map((e) => `${e.field}: ${e.message}`).join('; ');
              userUpdates.push({
                channelId: input.channelId,
                guid: entry.guid,
                status: existing?.status ?? 'failed',
                sourceEnabled: entry.enabled,
                lastErrorCode: 'INVALID_MAPPING',
                lastError: message,
                failedHash: `invalid:${stableHash(mapped.errors)}`,
              });
            }
            continue;
          }
          decision = planAfterMapping(mapped.hash, mapped.user.identity.active, existing);
          add(items, entry.guid, decision, { desired: mapped.user, desiredHash: mapped.hash }, existing);
        } else {
          add(items, entry.guid, decision, {}, existing);
        }
      }
      if (items.length) await store.addPlanItems(items);
      if (userUpdates.length) await store.upsertUsers(userUpdates);
      if (fullRead && !cycle.dryRun) await store.markSeen(input.channelId, guids, cycle.cycleNo);
      if (fullRead && cycle.dryRun) guids.forEach((g) => seenInDryRun.add(g));
      if (page.watermark) watermark = page.watermark;
      progress.read = counts.read;
      progress.planned = seq;
      cancelled.throwIfAborted();
    }
  } finally {
    await source.close();
  }

  // After a full read, managed users the source no longer shows have left scope.
  if (fullRead) {
    let after: string | undefined;
    for (;;) {
      const unseen = await store.listUnseen(input.channelId, cycle.cycleNo, after, 500);
      if (unseen.length === 0) break;
      const items: PlanItem[] = [];
      for (const user of unseen) {
        if (!seenInDryRun.has(user.guid)) add(items, user.guid, planRemoval(user, settings), {}, user);
      }
      if (items.length) await store.addPlanItems(items);
      after = unseen[unseen.length - 1].guid;
      progress.read = counts.read;
      progress.planned = seq;
      cancelled.throwIfAborted();
    }
  }

  const batches = Math.ceil(seq / BATCH_SIZE);
  await store.updateCycle(input.cycleId, { counts, batches, watermark });
  log.info('cycle planned', { channelId: input.channelId, cycleId: input.cycleId, fullRead, read: counts.read, planned: seq, batches, ms: Date.now() - started });
  return {
    counts,
    batches,
    managed,
    guard: channel.guard,
    retry: channel.retry,
    intervalSeconds: channel.intervalSeconds,
    fullReconcileEvery: channel.fullReconcileEvery,
  };
}

