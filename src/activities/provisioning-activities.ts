/**
 * Outbound's activities, built by a factory that takes their clients (testable with fakes).
 * Activities are thin: load config by id, call adapters, record results. They return ids,
 * counts and reasons only, never secrets or user attribute values.
 */
import { MAX_RETENTION_DAYS } from '../domain/config/duration-limits';
import { log } from '@temporalio/activity';
import type { ActivationCheck, OnDemandInput, OnDemandResult } from '../domain/messages';
import type { CycleMode, CycleOutcome } from '../store/state-store';
import type { ActivityDeps, LoadedChannel } from './activity-deps';
import { StoreRecordNotFoundError } from '../store/store-errors';
import { applyBatch } from './apply-batch';
import { checkProvisions } from './check-provisions';
import { ChannelResources } from './channel-resources';
import { planCycle } from './plan-cycle';
import { provisionSingleUser } from './single-user';

export function createProvisioningActivities(deps: ActivityDeps) {
  const resources = new ChannelResources(deps);
  const { store } = deps;

  return {
    /** Retention: removes history older than `retentionDays`; counts only leave the activity. */
    async purgeHistory(input: { retentionDays: number }) {
      const days = Math.min(Math.max(1, input.retentionDays), MAX_RETENTION_DAYS);
      const before = new Date((deps.now?.() ?? new Date()).getTime() - days * 24 * 3600_000);
      return deps.store.purgeHistory(before);
    },
    async loadChannelRuntime(input: { channelId: string }) {
      const { channel } = await resources.load(input.channelId);
      const state = await store.getChannelState(input.channelId);
      return {
        intervalSeconds: channel.intervalSeconds,
        fullReconcileEvery: channel.fullReconcileEvery,
        lastCycleNo: state.lastCycleNo,
        lastFullCycleNo: state.lastFullCycleNo ?? 0,
      };
    },

    async beginCycle(input: { channelId: string; cycleNo: number; mode: CycleMode; dryRun: boolean }) {
      const cycle = await store.startCycle(input.channelId, input.mode, input.dryRun, input.cycleNo);
      return { cycleId: cycle.id };
    },

    planCycle: (input: { channelId: string; cycleId: number }) => planCycle(deps, resources, input),

    applyBatch: (input: { channelId: string; cycleId: number; batchNo: number }) => applyBatch(deps, resources, input),

    checkProvisions: (input: { channelId: string; cycleId: number; provisionIds: string[] }) => checkProvisions(deps, resources, input),

    async probeTarget(input: { channelId: string }): Promise<{ ok: boolean; reason?: string }> {
      const { target } = await resources.get(input.channelId);
      const result = await target.verify();
      return result.ok ? { ok: true } : { ok: false, reason: `${result.reason}: ${result.message}` };
    },

    async finishCycle(input: { cycleId: number; outcome: CycleOutcome | 'auto'; applied?: { succeeded: number; failed: number; retrying: number } }) {
      const cycle = await store.getCycle(input.cycleId);
      if (!cycle) throw new StoreRecordNotFoundError('cycle', input.cycleId);
      const counts = { ...cycle.counts, ...(input.applied ?? {}) };
      const outcome: CycleOutcome = input.outcome === 'auto' ? (counts.failed + counts.retrying + counts.invalid > 0 ? 'partial' : 'succeeded') : input.outcome;
      await store.finishCycle(input.cycleId, outcome, counts);
      log.info('cycle finished', { channelId: cycle.channelId, cycleNo: cycle.cycleNo, outcome, ...counts });
      return { counts, outcome };
    },

    /** A cycle workflow that failed leaves its row `running`: mark it failed with the typed reason. */
    async recordCycleFailure(input: { channelId: string; cycleNo: number; reason: string; message: string }) {
      const cycle = (await store.listCycles(input.channelId, 20)).find((c) => c.cycleNo === input.cycleNo);
      if (cycle && cycle.outcome === 'running') {
        await store.finishCycle(cycle.id, 'failed', cycle.counts);
        await store.updateCycle(cycle.id, { error: `${input.reason}: ${input.message}`.slice(0, 1000) });
      }
      log.warn('cycle failed', { channelId: input.channelId, cycleNo: input.cycleNo, reason: input.reason, message: input.message });
    },

    async retryUser(input: { channelId: string; guid: string; attempt: number }) {
      const result = await provisionSingleUser(deps, resources, input);
      if (result.outcome === 'retry') {
        await store.upsertUser({ channelId: input.channelId, guid: input.guid, attempts: input.attempt });
      }
      return { outcome: result.outcome, message: result.message };
    },

    async markUserFailed(input: { channelId: string; guid: string; message: string }) {
      await store.upsertUser({ channelId: input.channelId, guid: input.guid, lastErrorCode: 'RETRIES_EXHAUSTED', lastError: input.message, nextAttemptAt: undefined });
      await store.appendAudit([{ channelId: input.channelId, guid: input.guid, at: deps.now?.() ?? new Date(), action: 'retry', outcome: 'failed', reason: 'retry limit reached', message: input.message }]);
    },

    async provisionOne(input: OnDemandInput): Promise<OnDemandResult> {
      const result = await provisionSingleUser(deps, resources, input);
      return {
        channelId: input.channelId,
        guid: input.guid,
        action: result.action,
        reason: result.reason,
        outcome: result.outcome === 'retry' ? 'failed' : result.outcome,
        message: result.message,
        concurId: result.concurId,
      };
    },

    async verifyActivation(input: { channelId: string }): Promise<{ checks: ActivationCheck[]; connectionId: string }> {
      let loaded;
      try {
        loaded = await resources.load(input.channelId);
      } catch (err) {
        return { connectionId: '', checks: [{ name: 'config', ok: false, message: (err as Error).message }] };
      }
      const checks: ActivationCheck[] = [];
      const issues = deps.checkMapping(loaded.channel, loaded.connection);
      checks.push(
        issues.length === 0
          ? { name: 'mapping', ok: true, message: 'every field Concur and the tenant require is mapped' }
          : { name: 'mapping', ok: false, setting: issues[0].path, message: issues.map((i) => `${i.path}: ${i.message}`).join('; ') },
      );
      const target = deps.openTarget(loaded.connection);
      try {
        const verified = await target.verify();
        checks.push(
          verified.ok
            ? { name: 'target-credentials', ok: true, message: 'Concur accepted the credentials' }
            : { name: 'target-credentials', ok: false, setting: `connection.${loaded.connection.id}.auth`, message: `${verified.reason}: ${verified.message}` },
        );
      } finally {
        await target.close();
      }
      const source = resources.openSource(loaded);
      try {
        const check = await source.verify();
        if (!check.ok) {
          const isFilter = (check.setting ?? '').includes('location') || (check.setting ?? '').includes('source');
          checks.push({ name: isFilter ? 'source-filter' : 'datastore', ok: false, setting: check.setting, message: check.message ?? 'datastore check failed' });
        } else if (check.sample === 0) {
          // An empty scope is never a silent success: the channel would manage nobody.
          const setting = emptyScopeSetting(loaded.channel);
          checks.push({ name: 'datastore', ok: true, message: 'connected' });
          checks.push({ name: 'source-filter', ok: false, setting, message: `0 entries in scope: check ${setting}${setting.endsWith('filter') ? '' : ' and channel.location.filter'}` });
        } else {
          checks.push({ name: 'datastore', ok: true, message: `connected; ${check.sample ?? 0} entries in scope` });
          const ex = loaded.channel.exclusion;
          const hasExclusion = ex.dns.length > 0 || Boolean(ex.attribute) || Boolean(ex.filter);
          if (hasExclusion) {
            checks.push(
              check.excluded
                ? { name: 'exclusion', ok: true, message: `the exclusion rule matches ${check.excluded} entries` }
                : { name: 'exclusion', ok: true, warning: true, setting: 'channel.exclusion', message: 'the exclusion rule matches no entry: is the Concur administrator account really excluded?' },
            );
          } else {
            checks.push({ name: 'exclusion', ok: true, warning: true, setting: 'channel.exclusion', message: 'no exclusion rule: exclude the account used to administer Concur' });
          }
        }
      } finally {
        await source.close();
      }
      return { checks, connectionId: loaded.connection.id };
    },

    async setChannelActive(input: { channelId: string; active: boolean }) {
      const found = await store.getChannel(input.channelId);
      if (!found) return;
      if (found.config.active !== input.active) await store.putChannel({ ...found.config, active: input.active });
    },

    async resetChannelState(input: { channelId: string }) {
      await store.resetChannel(input.channelId);
      log.info('channel state reset', { channelId: input.channelId });
    },

    async closeResources() {
      await resources.closeAll();
    },
  };
}

export type ProvisioningActivities = ReturnType<typeof createProvisioningActivities>;

/** The setting that most narrows a channel's scope, named when the scope is empty. */
function emptyScopeSetting(channel: LoadedChannel['channel']): string {
  if (channel.source.kind === 'ldap') {
    if (channel.location.groupDn) return 'channel.location.groupDn';
    if (channel.location.baseDn) return 'channel.location.baseDn';
    return 'channel.location.filter';
  }
  return `channel.source.${channel.source.table ? 'table' : 'query'}`;
}
