import { planEntry } from '../domain/plan/plan-entry';
import { heldBackReason } from '../domain/plan/provisioning-options';
import { planRemoval, type FinalDecision } from '../domain/plan/plan-user';
import type { ActivityDeps } from './activity-deps';
import { applyUserWrite, type UserWriteResult } from './apply-user';
import type { ChannelResources } from './channel-resources';

export interface SingleUserResult {
  action: string;
  reason: string;
  outcome: 'succeeded' | 'failed' | 'skipped' | 'planned' | 'retry';
  message?: string;
  concurId?: string;
}

/**
 * Provisions one user from its current source state: on demand, and for durable retries.
 * Ignores a pending retry hold (this is that retry, or an administrator's explicit request) and
 * a previous data failure (the administrator asked again).
 */
export async function provisionSingleUser(
  deps: ActivityDeps,
  resources: ChannelResources,
  input: { channelId: string; guid: string; dryRun?: boolean; cycleId?: number },
): Promise<SingleUserResult> {
  const { store } = deps;
  const now = deps.now?.() ?? new Date();
  const { loaded, mapper, target } = await resources.get(input.channelId);
  const { channel } = loaded;
  const settings = { provisionDisabledUsers: channel.provisionDisabledUsers, removeAction: channel.removeAction };
  const stored = await store.getUser(input.channelId, input.guid);
  const existing = stored ? { ...stored, nextAttemptAt: undefined, failedHash: undefined } : undefined;

  const source = resources.openSource(loaded);
  let entry;
  try {
    entry = await source.readOne(input.guid);
  } finally {
    await source.close();
  }

  let decision: FinalDecision;
  let desired;
  let desiredHash: string | undefined;
  if (!entry) {
    if (!existing) return { action: 'none', reason: 'not in the source scope and not managed', outcome: 'skipped' };
    decision = planRemoval(existing, settings);
  } else {
    const planned = await planEntry(entry, existing, { ...settings, exclusion: channel.exclusion }, mapper, now);
    if (planned.kind === 'excluded') return { action: 'none', reason: 'excluded by the channel exclusion rule', outcome: 'skipped' };
    if (planned.kind === 'invalid') {
      if (!input.dryRun) await store.upsertUser({ channelId: input.channelId, guid: input.guid, status: existing?.status ?? 'failed', lastErrorCode: 'INVALID_MAPPING', lastError: planned.message, nextAttemptAt: undefined });
      return { action: 'none', reason: 'the mapping rejected the source entry', outcome: 'failed', message: planned.message };
    }
    decision = planned.decision;
    desired = planned.mapped?.user;
    desiredHash = planned.mapped?.hash;
  }
  if (decision.kind !== 'action') {
    if (!input.dryRun && stored?.nextAttemptAt) await store.upsertUser({ channelId: input.channelId, guid: input.guid, nextAttemptAt: undefined });
    return { action: 'none', reason: decision.reason, outcome: 'skipped', concurId: existing?.concurId };
  }
  const held = heldBackReason(decision.action, channel);
  if (held) {
    if (!input.dryRun) {
      await store.appendAudit([{ channelId: input.channelId, guid: input.guid, cycleId: input.cycleId, at: now, action: decision.action, outcome: 'warning', reason: held, message: decision.reason }]);
      if (stored?.nextAttemptAt) await store.upsertUser({ channelId: input.channelId, guid: input.guid, nextAttemptAt: undefined });
    }
    return { action: decision.action, reason: held, outcome: 'skipped', concurId: existing?.concurId };
  }
  if (input.dryRun) return { action: decision.action, reason: decision.reason, outcome: 'planned', concurId: existing?.concurId };

  const result: UserWriteResult = await applyUserWrite(
    target,
    { channelId: input.channelId, guid: input.guid, action: decision.action, reason: decision.reason, desired, desiredHash, concurId: existing?.concurId, cycleId: input.cycleId, linkByUserName: channel.linkByUserName, holderOf: async (concurId) => (await store.getConcurIdHolders(input.channelId, [concurId])).get(concurId) },
    { now, timeoutMs: channel.timeoutMs },
  );
  if (result.user) await store.upsertUser(result.user);
  if (result.audit) await store.appendAudit([result.audit]);
  const outcome = result.outcome === 'succeeded' || result.outcome === 'failed' ? result.outcome : 'retry';
  return { action: decision.action, reason: decision.reason, outcome, message: result.message, concurId: result.concurId ?? existing?.concurId };
}
