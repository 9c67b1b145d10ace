/**
 * A running cycle's state as a plain class (no Temporal calls): what its progress query shows and
 * what its signals decide (pause, stop, the guard's approval). The workflow reads it and waits.
 */
import type { CycleCounts } from '../domain/cycle';
import type { CycleProgress } from '../domain/messages';

export interface AppliedCounts {
  succeeded: number;
  failed: number;
  retrying: number;
}

export class CycleEntity {
  readonly progress: CycleProgress = { phase: 'planning', batches: 0, batchesDone: 0 };
  private pausedNow: boolean;
  private stopping = false;
  private approval?: boolean;
  /** Users whose write failed transiently: each gets its own durable retry after the batches. */
  readonly retryGuids = new Set<string>();
  readonly applied: AppliedCounts = { succeeded: 0, failed: 0, retrying: 0 };
  /** Spend/Travel provisions the batches submitted and the cycle still awaits. */
  pendingProvisions: string[] = [];
  private nextBatch = 0;

  constructor(paused: boolean) {
    this.pausedNow = paused;
  }

  get paused(): boolean {
    return this.pausedNow;
  }

  get stopRequested(): boolean {
    return this.stopping;
  }

  get decision(): boolean | undefined {
    return this.approval;
  }

  setPaused(paused: boolean): void {
    this.pausedNow = paused;
  }

  requestStop(): void {
    this.stopping = true;
  }

  decide(approved: boolean): void {
    this.approval = approved;
  }

  planned(batches: number, counts: CycleCounts): void {
    this.progress.batches = batches;
    this.progress.counts = counts;
  }

  enter(phase: CycleProgress['phase']): void {
    this.progress.phase = phase;
  }

  awaitApproval(guard: NonNullable<CycleProgress['guard']>): void {
    this.progress.phase = 'awaiting-approval';
    this.progress.guard = guard;
  }

  /** The next batch to apply, or undefined when all are taken or the cycle is stopping. */
  takeBatch(): number | undefined {
    if (this.stopping || this.nextBatch >= this.progress.batches) return undefined;
    return this.nextBatch++;
  }

  batchApplied(result: { retryingGuids: string[]; provisions: string[] }): void {
    result.retryingGuids.forEach((g) => this.retryGuids.add(g));
    this.pendingProvisions.push(...result.provisions);
  }

  batchDone(counts: AppliedCounts): void {
    this.applied.succeeded += counts.succeeded;
    this.applied.failed += counts.failed;
    this.applied.retrying += counts.retrying;
    this.progress.batchesDone++;
  }

  breakerOpen(reason: string): void {
    this.progress.phase = 'breaker-open';
    this.progress.breakerReason = reason;
  }

  breakerClosed(): void {
    this.progress.phase = 'applying';
    this.progress.breakerReason = undefined;
  }

  /** UPS refused some provisions: those users failed after all. */
  provisionsChecked(checked: { pending: string[]; failed: number }): void {
    this.pendingProvisions = checked.pending;
    this.applied.failed += checked.failed;
    this.applied.succeeded -= checked.failed;
  }

  /** A cycle stopped before all its batches ran, or with provisions unconfirmed, is partial. */
  get complete(): boolean {
    return this.progress.batchesDone >= this.progress.batches && this.pendingProvisions.length === 0;
  }

  done(counts?: CycleCounts): void {
    this.progress.phase = 'done';
    if (counts) this.progress.counts = counts;
  }
}
