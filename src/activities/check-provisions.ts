import type { AuditEntry, PlanItem, ProvisionedUserPatch } from '../store/state-store';
import type { ActivityDeps } from './activity-deps';
import type { ChannelResources } from './channel-resources';
import { BATCH_SIZE } from './plan-cycle';
import { parseExtensionRef } from '../domain/plan/extension-ref';

export interface CheckProvisionsResult {
  /** Provisions not finished yet: check again later. */
  pending: string[];
  /** Users whose extension data the target refused (now recorded as failed with its message). */
  failed: number;
}

/**
 * Checks asynchronous extension provisions (UPS) submitted by the apply batches and records each
 * user's outcome: a refused extension fails the user with Concur's message (not retried until the
 * source changes); a transiently failed one is written again next cycle.
 */
export async function checkProvisions(deps: ActivityDeps, resources: ChannelResources, input: { channelId: string; cycleId: number; provisionIds: string[] }): Promise<CheckProvisionsResult> {
  const { store } = deps;
  const { target } = await resources.get(input.channelId);
  if (!target.extensions) return { pending: [], failed: 0 };
  const pending: string[] = [];
  const failures: Array<{ seq: number; transient: boolean; message: string }> = [];
  const confirmed: number[] = [];
  for (const id of input.provisionIds) {
    const result = await target.extensions.check(id);
    if (!result.done) {
      pending.push(id);
      continue;
    }
    for (const o of result.outcomes) {
      const ref = parseExtensionRef(o.ref);
      if (ref?.cycleId !== input.cycleId) continue;
      const { seq } = ref;
      if (o.ok) confirmed.push(seq);
      else failures.push({ seq, transient: Boolean(o.transient), message: o.message ?? 'extension failed' });
    }
  }
  if (failures.length === 0 && confirmed.length === 0) return { pending, failed: 0 };

  const bySeq = new Map<number, PlanItem>();
  for (const batchNo of new Set([...failures, ...confirmed.map((seq) => ({ seq }))].map((f) => Math.floor(f.seq / BATCH_SIZE)))) {
    for (const item of await store.getPlanBatch(input.cycleId, batchNo)) bySeq.set(item.seq, item);
  }
  // Confirmed: the user is now fully in the desired state; only now is its hash saved.
  const done = confirmed.map((seq) => bySeq.get(seq)).filter((i): i is PlanItem => Boolean(i?.desiredHash) && i?.outcome === 'succeeded');
  if (done.length) await store.upsertUsers(done.map((i) => ({ channelId: input.channelId, guid: i.guid, lastHash: i.desiredHash })));
  if (failures.length === 0) return { pending, failed: 0 };
  const now = deps.now?.() ?? new Date();
  const users: ProvisionedUserPatch[] = [];
  const audit: AuditEntry[] = [];
  for (const f of failures) {
    const item = bySeq.get(f.seq);
    if (!item) continue;
    users.push(
      f.transient
        ? { channelId: input.channelId, guid: item.guid, lastHash: undefined, lastErrorCode: 'EXTENSION_UNAVAILABLE', lastError: f.message }
        : { channelId: input.channelId, guid: item.guid, lastErrorCode: 'EXTENSION_FAILED', lastError: f.message, failedHash: item.desiredHash },
    );
    audit.push({ channelId: input.channelId, guid: item.guid, cycleId: input.cycleId, at: now, action: item.action, outcome: 'failed', reason: 'Spend/Travel extension refused', message: f.message });
  }
  await store.upsertUsers(users);
  await store.recordPlanOutcomes(failures.filter((f) => bySeq.has(f.seq)).map((f) => ({ cycleId: input.cycleId, seq: f.seq, outcome: 'failed' as const, message: f.message })));
  await store.appendAudit(audit);
  return { pending, failed: users.length };
}
