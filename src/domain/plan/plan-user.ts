/**
 * What to do with one user this cycle, and why. Pure: the same inputs always give the same
 * decision, so the rules are tested in milliseconds and the audit trail can quote the reason.
 */
export type PlannedAction = 'create' | 'update' | 'disable' | 'delete' | 'reactivate';

/** The provisioner database's view of a user, as far as planning needs it. */
export interface ManagedUserState {
  /** Concur state as Outbound left it; `failed` only for users never created. */
  status: 'active' | 'disabled' | 'deleted' | 'failed';
  concurId?: string;
  lastHash?: string;
  failedHash?: string;
  nextAttemptAt?: Date;
  excluded?: boolean;
  /** `DELETE_REFUSED` once Concur refused to delete the user (kept disabled instead). */
  lastErrorCode?: string;
}

/** Recorded when Concur refused a delete and the user was disabled instead: no delete is tried again. */
export const DELETE_REFUSED = 'DELETE_REFUSED';

export interface ChannelPlanSettings {
  provisionDisabledUsers: boolean;
  removeAction: 'disable' | 'delete';
}

export type PlanDecision =
  | { kind: 'action'; action: PlannedAction; reason: string }
  | { kind: 'skip'; reason: 'excluded' | 'unchanged' | 'disabled in source, not provisioned' | 'failed, source unchanged' | 'retry pending' | 'already disabled' }
  | { kind: 'map' };

/** A decision that needs no further step. */
export type FinalDecision = Exclude<PlanDecision, { kind: 'map' }>;

/**
 * First step for an entry in scope: decisions that need no mapping (cheap), else `map`.
 */
export function planBeforeMapping(
  entry: { enabled: boolean; excluded?: boolean },
  existing: ManagedUserState | undefined,
  settings: ChannelPlanSettings,
  now: Date,
): PlanDecision {
  if (entry.excluded) return { kind: 'skip', reason: 'excluded' };
  if (existing?.nextAttemptAt && existing.nextAttemptAt > now) return { kind: 'skip', reason: 'retry pending' };
  if (!entry.enabled && !settings.provisionDisabledUsers) {
    // The Remove User Action applies to users disabled in the datastore too (PingFederate).
    if (existing?.concurId && canDelete(existing, settings)) return { kind: 'action', action: 'delete', reason: 'disabled in source' };
    if (existing?.concurId && existing.status === 'active') return { kind: 'action', action: 'disable', reason: 'disabled in source' };
    if (existing?.concurId && existing.status === 'disabled') return { kind: 'skip', reason: 'already disabled' };
    return { kind: 'skip', reason: 'disabled in source, not provisioned' };
  }
  return { kind: 'map' };
}

/** Second step, once the entry is mapped to its desired Concur state (summarised by its hash). */
export function planAfterMapping(desiredHash: string, desiredActive: boolean, existing: ManagedUserState | undefined): FinalDecision {
  if (!existing) return { kind: 'action', action: 'create', reason: 'new in scope' };
  // A write Concur refused is not retried until the source changes (or an administrator asks).
  if (existing.failedHash === desiredHash) return { kind: 'skip', reason: 'failed, source unchanged' };
  if (existing.status === 'deleted' || !existing.concurId) {
    return { kind: 'action', action: 'create', reason: existing.status === 'deleted' ? 'returned to scope after deletion' : 'create retried after source change' };
  }
  if (existing.status === 'disabled' && desiredActive) return { kind: 'action', action: 'reactivate', reason: 'enabled or back in scope' };
  if (existing.lastHash !== desiredHash) return { kind: 'action', action: 'update', reason: 'mapped values changed' };
  return { kind: 'skip', reason: 'unchanged' };
}

/** For managed users a full read did not see: the channel's remove-user action. */
export function planRemoval(existing: ManagedUserState, settings: ChannelPlanSettings): FinalDecision {
  if (existing.excluded || !existing.concurId) return { kind: 'skip', reason: 'excluded' };
  if (canDelete(existing, settings)) return { kind: 'action', action: 'delete', reason: 'left scope or deleted in source' };
  if (existing.status === 'active') return { kind: 'action', action: 'disable', reason: 'left scope or deleted in source' };
  return { kind: 'skip', reason: 'already disabled' };
}

/** Delete applies to users still in Concur, unless Concur already refused to delete them. */
function canDelete(existing: ManagedUserState, settings: ChannelPlanSettings): boolean {
  return settings.removeAction === 'delete' && (existing.status === 'active' || existing.status === 'disabled') && existing.lastErrorCode !== DELETE_REFUSED;
}
