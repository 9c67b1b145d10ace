/**
 * The channel's state and decisions, as a plain class (no Temporal calls), so the workflow reads
 * as a story and the rules can be unit-tested in milliseconds.
 */
import type { CycleFailure } from '../domain/messages';
import type { ChannelCarriedState, ChannelPhase, ChannelStatus, CycleSummary, SyncRequest } from './messages';
import type { CycleMode } from '../store/state-store';

export interface ChannelRuntime {
  intervalSeconds: number;
  fullReconcileEvery: number;
  lastCycleNo: number;
  lastFullCycleNo: number;
}

export class ChannelEntity {
  phase: ChannelPhase = 'starting';
  stopRequested = false;
  current?: { cycleNo: number; workflowId: string; mode: CycleMode; dryRun: boolean };
  nextCycleAt?: string;
  /** Highest cycle number whose workflow has been started (this run). */
  startedCycleNo = 0;
  /** Cycle numbers handed to syncNow callers, resolved when that cycle starts. */
  private syncTickets = 0;

  constructor(
    readonly channelId: string,
    public state: ChannelCarriedState,
  ) {}

  static initialState(runtime: ChannelRuntime): ChannelCarriedState {
    return {
      version: 1,
      nextCycleNo: runtime.lastCycleNo + 1,
      lastFullCycleNo: runtime.lastFullCycleNo,
      paused: false,
      intervalSeconds: runtime.intervalSeconds,
      fullReconcileEvery: runtime.fullReconcileEvery,
      cyclesThisRun: 0,
    };
  }

  get paused(): boolean {
    return this.state.paused;
  }

  pause(): void {
    this.state.paused = true;
  }

  resume(): void {
    this.state.paused = false;
  }

  requestSync(request: SyncRequest): number {
    // Merge with a pending request: target over full over incremental; a real (non-dry) run wins.
    const pending = this.state.pendingSync;
    const rank = (m?: CycleMode) => (m === 'target' ? 2 : m === 'full' ? 1 : 0);
    this.state.pendingSync = pending
      ? { mode: rank(pending.mode) >= rank(request.mode) && pending.mode !== undefined ? pending.mode : request.mode ?? pending.mode, dryRun: Boolean(pending.dryRun && request.dryRun) }
      : { ...request };
    this.syncTickets++;
    return this.state.nextCycleNo;
  }

  requestReset(): number {
    this.state.resetRequested = true;
    this.state.pendingSync = { mode: 'full', dryRun: false };
    return this.state.nextCycleNo;
  }

  get syncPending(): boolean {
    return this.state.pendingSync !== undefined;
  }

  /** Full reconcile on the first cycle, every N cycles, on request, and after a reset. */
  nextMode(): CycleMode {
    if (this.state.pendingSync?.mode) return this.state.pendingSync.mode;
    if (this.state.lastFullCycleNo === 0 || this.state.fullOwed) return 'full';
    return this.state.nextCycleNo - this.state.lastFullCycleNo >= this.state.fullReconcileEvery ? 'full' : 'incremental';
  }

  beginCycle(workflowId: string): { cycleNo: number; mode: CycleMode; dryRun: boolean } {
    const cycle = { cycleNo: this.state.nextCycleNo, mode: this.nextMode(), dryRun: Boolean(this.state.pendingSync?.dryRun) };
    this.state.pendingSync = undefined;
    this.state.nextCycleNo++;
    this.current = { ...cycle, workflowId };
    this.phase = 'running';
    return cycle;
  }

  endCycle(summary: CycleSummary): void {
    this.state.lastCycle = summary;
    if (summary.mode === 'full' && !summary.dryRun && summary.outcome !== 'rejected') this.state.lastFullCycleNo = summary.cycleNo;
    this.state.intervalSeconds = summary.intervalSeconds;
    this.state.fullReconcileEvery = summary.fullReconcileEvery;
    this.state.cyclesThisRun = (this.state.cyclesThisRun ?? 0) + 1;
    if (summary.outcome !== 'planned' && summary.outcome !== 'rejected') this.state.fullOwed = undefined;
    this.state.lastFailure = undefined;
    this.current = undefined;
    this.phase = this.state.paused ? 'paused' : 'idle';
  }

  /** A cycle that failed (or could not start): remember why; the channel backs off and goes on. */
  failCycle(cycleNo: number, failure: CycleFailure, at: string): void {
    const mode = this.current?.mode;
    if (mode === 'full' && !this.current?.dryRun) this.state.fullOwed = true;
    this.state.lastFailure = { cycleNo, ...failure, at, consecutiveFailures: (this.state.lastFailure?.consecutiveFailures ?? 0) + 1 };
    this.state.cyclesThisRun = (this.state.cyclesThisRun ?? 0) + 1;
    this.current = undefined;
    this.phase = 'error';
  }

  /** The phase between cycles: paused wins, then a failure, else idle. */
  restingPhase(): ChannelPhase {
    if (this.state.paused) return 'paused';
    return this.state.lastFailure ? 'error' : 'idle';
  }

  status(): ChannelStatus {
    return {
      channelId: this.channelId,
      phase: this.state.paused && (this.phase === 'idle' || this.phase === 'error') ? 'paused' : this.phase,
      paused: this.state.paused,
      currentCycle: this.current,
      lastCycle: this.state.lastCycle,
      nextCycleNo: this.state.nextCycleNo,
      nextCycleAt: this.current ? undefined : this.nextCycleAt,
      lastFailure: this.state.lastFailure,
    };
  }
}
