/**
 * Target reconciliation: a full cycle that also compares the managed users with what Concur
 * really holds (Identity v4.1 search, cursor-paged), because ordinary cycles diff the source only
 * against what Outbound last wrote. It re-creates managed users missing from Concur, repairs
 * owned, updatable fields that drifted, and lists orphans (Concur users no source entry
 * manages) without touching them. Runs on demand (`sync --mode target`) and every
 * `targetReconcileEvery` full cycles. Attribute values stay inside the activity.
 */
import type { DesiredConcurUser } from '../domain/concur-user';
import type { ManagedUserState, PlanDecision } from '../domain/plan/plan-user';
import type { StateStore } from '../store/state-store';
import type { TargetUser, UserTarget } from '../targets/user-target';

export const TARGET_RECONCILE = 'target-reconcile';
/** Plan items and audit rows of orphans use this GUID prefix; no provisioner row is kept for them. */
export const ORPHAN_GUID_PREFIX = 'concur:';

export class TargetSnapshot {
  private readonly referenced = new Set<string>();

  private constructor(
    private readonly target: UserTarget,
    private readonly users: Map<string, TargetUser>,
  ) {}

  static async load(target: UserTarget): Promise<TargetSnapshot> {
    if (!target.listAll) throw new Error('the target cannot list its users, so it cannot be reconciled');
    const users = new Map<string, TargetUser>();
    for await (const page of target.listAll()) {
      for (const u of page) {
        const { meta: _meta, schemas: _schemas, ...resource } = u.resource;
        users.set(u.id, { id: u.id, resource });
      }
    }
    return new TargetSnapshot(target, users);
  }

  get size(): number {
    return this.users.size;
  }

  /** Marks a Concur id as managed by some source entry (so it is no orphan). */
  reference(concurId: string | undefined): void {
    if (concurId) this.referenced.add(concurId);
  }

  /**
   * The decision once Concur's real state is known: a managed user gone from Concur is created
   * again; an unchanged one whose owned fields drifted is updated. `repaired` says it is a repair.
   */
  repair(decision: PlanDecision, existing: ManagedUserState | undefined, desired: DesiredConcurUser): { decision: PlanDecision; repaired: boolean } {
    const id = existing?.concurId;
    if (!id || (existing.status !== 'active' && existing.status !== 'disabled')) return { decision, repaired: false };
    this.reference(id);
    const actual = this.users.get(id);
    const writes = decision.kind === 'skip' || (decision.kind === 'action' && (decision.action === 'update' || decision.action === 'reactivate'));
    if (!actual) {
      return writes ? { decision: { kind: 'action', action: 'create', reason: 'missing in Concur' }, repaired: true } : { decision, repaired: false };
    }
    if (decision.kind !== 'skip' || decision.reason !== 'unchanged' || !this.target.drift) return { decision, repaired: false };
    const drifted = this.target.drift(desired, actual);
    if (drifted.length === 0) return { decision, repaired: false };
    return { decision: { kind: 'action', action: 'update', reason: `drifted in Concur: ${drifted.join(', ')}` }, repaired: true };
  }

  /** Marks the Concur user holding these keys as accounted for (an excluded entry's, e.g. the admin's). */
  referenceKeys(userName: string | undefined, employeeNumber: string | undefined): void {
    for (const u of this.users.values()) {
      const r = u.resource as { userName?: unknown; [k: string]: unknown };
      const enterprise = r['urn:ietf:params:scim:schemas:extension:enterprise:2.0:User'] as { employeeNumber?: unknown } | undefined;
      const sameName = userName !== undefined && typeof r.userName === 'string' && r.userName.toLowerCase() === userName.toLowerCase();
      const sameNumber = employeeNumber !== undefined && enterprise?.employeeNumber === employeeNumber;
      if (sameName || sameNumber) this.referenced.add(u.id);
    }
  }

  /** Whether Concur shows the user active (orphans already inactive need no disable). */
  isActive(id: string): boolean {
    return this.users.get(id)?.resource.active !== false;
  }

  /** Concur ids no managed user references, in Concur's order. */
  orphans(): string[] {
    return [...this.users.keys()].filter((id) => !this.referenced.has(id));
  }
}

/** Whether this full cycle is due to reconcile with the target: every N full cycles (0: never). */
export async function targetReconcileDue(store: StateStore, channelId: string, every: number, cycleNo: number): Promise<boolean> {
  if (every <= 0) return false;
  let fulls = 0;
  for (const c of await store.listCycles(channelId, 50 * every)) {
    if (c.cycleNo >= cycleNo || c.dryRun || c.mode !== 'full' || c.outcome === 'rejected' || c.outcome === 'running') continue;
    if (c.modeReason === TARGET_RECONCILE) break;
    fulls++;
  }
  return fulls + 1 >= every;
}
