/** A cycle's mode, outcome and counts: shared by the store, the activities and the workflows. */
/** `target`: a full cycle that also reconciles with what Concur holds (recorded as full, reason target-reconcile). */
export type CycleMode = 'full' | 'incremental' | 'target';
export type CycleOutcome = 'running' | 'succeeded' | 'partial' | 'failed' | 'rejected' | 'planned';

export interface CycleCounts {
  read: number;
  excluded: number;
  unchanged: number;
  create: number;
  update: number;
  disable: number;
  delete: number;
  reactivate: number;
  succeeded: number;
  failed: number;
  retrying: number;
  invalid: number;
  /** Writes not sent because the channel's provisioning option for them is off (userCreate, ...). */
  heldBack?: number;
  /** Target reconciliation: managed users re-created or repaired because Concur drifted. */
  repair?: number;
  /** Target reconciliation: Concur users no source entry manages (listed, never touched). */
  orphans?: number;
}

/** A cycle's counts before it has read anything. */
export function zeroCounts(): CycleCounts {
  return { read: 0, excluded: 0, unchanged: 0, create: 0, update: 0, disable: 0, delete: 0, reactivate: 0, succeeded: 0, failed: 0, retrying: 0, invalid: 0, heldBack: 0, repair: 0, orphans: 0 };
}
