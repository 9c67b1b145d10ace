import { log } from '@temporalio/activity';
import { stableHash } from '../domain/hashing';
import { planEntry } from '../domain/plan/plan-entry';
import { planRemoval, type PlanDecision } from '../domain/plan/plan-user';
import { losingClaims, USERNAME_CLAIM_CONFLICT, type UserNameClaim } from '../domain/plan/user-name-claims';
import { heldBackReason } from '../domain/plan/provisioning-options';
import { fullReadReason, reconcileFingerprint, type FullReadReason } from '../domain/plan/reconcile-fingerprint';
import { ORPHAN_GUID_PREFIX, TARGET_RECONCILE, TargetSnapshot, targetReconcileDue } from './target-reconcile';
import type { AuditEntry, CycleCounts, PlanItem, ProvisionedUser } from '../store/state-store';
import type { ActivityDeps } from './activity-deps';
import { StoreRecordNotFoundError } from '../store/store-errors';
import type { ChannelResources } from './channel-resources';
import { withHeartbeat } from './heartbeat-ticker';
import { zeroCounts } from '../domain/cycle';

/** Users per apply batch: small enough that a pause takes effect within about a second. */
export const BATCH_SIZE = 250;

export interface PlanCycleResult {
  counts: CycleCounts;
  batches: number;
  /** Users Outbound managed before the cycle (for the removal guard's percentage). */
  managed: number;
  /** A full read that returned no entry at all (the removal guard then always asks). */
  emptyRead: boolean;
  guard: { maxRemovals: number; maxRemovalPercent: number };
  retry: { initialDelaySeconds: number; maxAttempts: number; breakerProbeSeconds: number };
  intervalSeconds: number;
  fullReconcileEvery: number;
  /** The cycle's mode as planned: an incremental cycle becomes full when the config changed. */
  mode: 'full' | 'incremental';
  /** Why the whole scope was read (e.g. `config-changed`). */
  modeReason?: string;
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
  if (!cycle) throw new StoreRecordNotFoundError('cycle', input.cycleId);
  const state = await store.getChannelState(input.channelId);
  const userCounts = await store.countUsers(input.channelId);
  const managed = userCounts.active + userCounts.disabled;
  await store.clearPlan(input.cycleId);

  const settings = { provisionDisabledUsers: channel.provisionDisabledUsers, removeAction: channel.removeAction };
  const rules = { ...settings, exclusion: channel.exclusion };
  const incrementalPossible = channel.source.kind === 'ldap' ? channel.source.changeDetection !== 'full' : Boolean(channel.source.updatedAtColumn);
  const fingerprint = reconcileFingerprint(channel);
  const fullReason = fullReadReason({ requestedMode: cycle.mode, incrementalPossible, watermark: state.watermark, lastFullCycleNo: state.lastFullCycleNo, committedFingerprint: state.configHash, fingerprint });
  const fullRead = fullReason !== undefined;
  const targetMode = cycle.mode === 'target' || (fullRead && (await targetReconcileDue(store, input.channelId, channel.targetReconcileEvery, cycle.cycleNo)));
  // A config change turns the cycle into a full reconcile, recorded as such (mode full, reason).
  const mode = fullReason === 'config-changed' || targetMode || cycle.mode === 'target' ? 'full' : cycle.mode;
  const modeReason: FullReadReason | undefined = targetMode ? TARGET_RECONCILE : fullReason;
  await store.updateCycle(input.cycleId, { mode, modeReason, configHash: fingerprint });
  let unmappedExcluded = 0;
  const snapshot = targetMode ? await TargetSnapshot.load((await resources.get(input.channelId)).target) : undefined;
  const counts = zeroCounts();
  let seq = 0;
  let watermark: string | undefined;
  // Writes a provisioning option holds back: audited as warnings (not in a dry run), counted.
  let heldBack: AuditEntry[] = [];
  const flushHeldBack = async () => {
    if (heldBack.length === 0) return;
    const entries = heldBack;
    heldBack = [];
    await store.appendAudit(entries);
  };
  const add = (items: PlanItem[], guid: string, decision: PlanDecision, extra: Partial<PlanItem>, existing?: ProvisionedUser) => {
    const held = decision.kind === 'action' ? heldBackReason(decision.action, channel) : undefined;
    if (decision.kind === 'action' && held) {
      counts.heldBack = (counts.heldBack ?? 0) + 1;
      if (!cycle.dryRun) heldBack.push({ channelId: input.channelId, guid, cycleId: input.cycleId, at: now, action: decision.action, outcome: 'warning', reason: held, message: decision.reason });
    } else if (decision.kind === 'action') {
      counts[decision.action]++;
      items.push({ cycleId: input.cycleId, seq, guid, action: decision.action, reason: decision.reason, batchNo: Math.floor(seq / BATCH_SIZE), concurId: existing?.concurId, ...extra });
      seq++;
    } else if (decision.kind === 'skip') {
      if (decision.reason === 'excluded') counts.excluded++;
      else counts.unchanged++;
    }
  };

  // userName claims of this cycle's mapped entries (value-free keys), resolved after the read.
  const claims: UserNameClaim[] = [];
  const plannedCreates = new Map<string, { seq: number; status?: ProvisionedUser['status'] }>();

  // A dry run writes nothing, not even "seen" marks: it remembers GUIDs (ids only) in memory.
  const seenInDryRun = new Set<string>();
  // A source fault a retry cannot fix (bad base DN, filter, credentials) leaves the activity as a
  // configuration error naming the setting (failure-boundary.ts); the channel shows it.
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
        const planned = await planEntry(entry, existing, rules, mapper, now);
        if (planned.kind === 'excluded') {
          snapshot?.reference(existing?.concurId);
          if (snapshot) {
            // Excluded accounts (the Concur administrator) exist in Concur unmanaged: never orphans.
            const mapped = await mapper.map(entry);
            if (mapped.ok) snapshot.referenceKeys(mapped.user.identity.userName, mapped.user.identity.enterprise.employeeNumber);
            else unmappedExcluded++;
          }
          counts.excluded++;
          if (existing && !existing.excluded && !cycle.dryRun) userUpdates.push({ channelId: input.channelId, guid: entry.guid, excluded: true });
          continue;
        }
        if (planned.kind === 'invalid') {
          counts.invalid++;
          if (!cycle.dryRun) {
            userUpdates.push({
              channelId: input.channelId,
              guid: entry.guid,
              status: existing?.status ?? 'failed',
              sourceEnabled: entry.enabled,
              lastErrorCode: 'INVALID_MAPPING',
              lastError: planned.message,
              failedHash: planned.failedHash,
            });
          }
          continue;
        }
        const { mapped } = planned;
        if (!mapped) {
          snapshot?.reference(existing?.concurId);
          add(items, entry.guid, planned.decision, {}, existing);
          continue;
        }
        let decision: PlanDecision = planned.decision;
        if (snapshot) {
          const repaired = snapshot.repair(decision, existing, mapped.user);
          decision = repaired.decision;
          if (repaired.repaired) counts.repair = (counts.repair ?? 0) + 1;
        }
        const linked = Boolean(existing?.concurId) && (existing?.status === 'active' || existing?.status === 'disabled');
        claims.push({ guid: entry.guid, key: stableHash(mapped.user.identity.userName.toLowerCase()).slice(0, 32), linked });
        if (decision.kind === 'action' && decision.action === 'create') plannedCreates.set(entry.guid, { seq, status: existing?.status });
        add(items, entry.guid, decision, { desired: mapped.user, desiredHash: mapped.hash }, existing);
      }
      if (items.length) await store.addPlanItems(items);
      if (userUpdates.length) await store.upsertUsers(userUpdates);
      await flushHeldBack();
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

  // Two entries mapping to one userName: the planned creates that lose fail alone, unsent.
  const losers = [...losingClaims(claims)].filter((guid) => plannedCreates.has(guid));
  if (losers.length > 0) {
    await store.recordPlanOutcomes(losers.map((guid) => ({ cycleId: input.cycleId, seq: plannedCreates.get(guid)!.seq, outcome: 'failed' as const, message: USERNAME_CLAIM_CONFLICT })));
    if (!cycle.dryRun) {
      await store.upsertUsers(losers.map((guid) => ({ channelId: input.channelId, guid, status: plannedCreates.get(guid)!.status ?? 'failed', lastErrorCode: 'USERNAME_CONFLICT', lastError: USERNAME_CLAIM_CONFLICT })));
      await store.appendAudit(losers.map((guid) => ({ channelId: input.channelId, guid, cycleId: input.cycleId, at: now, action: 'create' as const, outcome: 'failed' as const, reason: 'userName claimed by another entry', message: USERNAME_CLAIM_CONFLICT })));
    }
  }
  claims.length = 0;

  // After a full read, managed users the source no longer shows have left scope.
  if (fullRead) {
    let after: string | undefined;
    for (;;) {
      const unseen = await store.listUnseen(input.channelId, cycle.cycleNo, after, 500);
      if (unseen.length === 0) break;
      const items: PlanItem[] = [];
      for (const user of unseen) {
        snapshot?.reference(user.concurId);
        if (!seenInDryRun.has(user.guid)) add(items, user.guid, planRemoval(user, settings), {}, user);
      }
      if (items.length) await store.addPlanItems(items);
      await flushHeldBack();
      after = unseen[unseen.length - 1].guid;
      progress.read = counts.read;
      progress.planned = seq;
      cancelled.throwIfAborted();
    }
  }

  if (snapshot) {
    // Orphans are listed (audit warnings, also in a dry run: an observation, not a change), never touched.
    const orphans = snapshot.orphans();
    counts.orphans = orphans.length;
    // Opted in: disable active orphans, unless an excluded entry could not be matched to its
    // Concur user (it might be the administrator's account among the orphans).
    if (channel.orphanAction === 'disable') {
      if (unmappedExcluded > 0) {
        log.warn('orphans listed, not disabled: an excluded entry could not be mapped to find its Concur user', { channelId: input.channelId, unmappedExcluded });
      } else {
        const items: PlanItem[] = [];
        for (const id of orphans) {
          if (snapshot.isActive(id)) add(items, `${ORPHAN_GUID_PREFIX}${id}`, { kind: 'action', action: 'disable', reason: 'orphan in Concur (orphanAction: disable)' }, { concurId: id });
        }
        if (items.length) await store.addPlanItems(items);
        await flushHeldBack();
      }
    }
    for (let i = 0; i < orphans.length; i += 500) {
      await store.appendAudit(
        orphans.slice(i, i + 500).map((id) => ({ channelId: input.channelId, guid: `concur:${id}`, cycleId: input.cycleId, at: now, action: 'skip' as const, outcome: 'warning' as const, reason: 'orphan: a Concur user no source entry manages' })),
      );
    }
  }

  const batches = Math.ceil(seq / BATCH_SIZE);
  await store.updateCycle(input.cycleId, { counts, batches, watermark });
  log.info('cycle planned', { channelId: input.channelId, cycleId: input.cycleId, fullRead, fullReason, read: counts.read, planned: seq, batches, ms: Date.now() - started });
  return {
    counts,
    batches,
    managed,
    emptyRead: fullRead && counts.read === 0,
    guard: channel.guard,
    retry: channel.retry,
    intervalSeconds: channel.intervalSeconds,
    fullReconcileEvery: channel.fullReconcileEvery,
    mode,
    modeReason,
  };
}

