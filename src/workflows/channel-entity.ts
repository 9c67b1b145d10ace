/**
 * The channel's state and decisions, as a plain class (no Temporal calls) that owns every change
 * to its state, so the workflow reads as a story and the rules are unit-tested in milliseconds.
 */
import type { CycleMode } from '../domain/cycle';
import type { ChannelCarriedState, ChannelPhase, ChannelStatus, CycleFailure, CycleSummary, SyncRequest } from '../domain/messages';
import { failureBackoffMs } from './cycle-failure';

export interface ChannelRuntime {
  intervalSeconds: number;
  fullReconcileEvery: number;
  lastCycleNo: number;
  lastFullCycleNo: number;
}

export class ChannelEntity {
  private currentPhase: ChannelPhase = 'starting';
  private stopping = false;
  private running?: { cycleNo: number; workflowId: string; mode: CycleMode; dryRun: boolean };
  private nextCycleAt?: string;
  /** Highest cycle number whose workflow has been started (this run). */
  private started = 0;

  constructor(
    readonly channelId: string,
    private readonly carried: ChannelCarriedState,
  ) {}

  /** The state carried across continue-as-new (read-only outside this class). */
  get state(): Readonly<ChannelCarriedState> {
    return this.carried;
  }

  get phase(): ChannelPhase {
    return this.currentPhase;
  }

  get current(): Readonly<{ cycleNo: number; workflowId: string; mode: CycleMode; dryRun: boolean }> | undefined {
    return this.running;
  }

  get stopRequested(): boolean {
    return this.stopping;
  }

  get startedCycleNo(): number {
    return this.started;
  }

  /** Cycles run (or failed) by this workflow run, for continue-as-new. */
  get cyclesThisRun(): number {
    return this.carried.cyclesThisRun ?? 0;
  }

  /** Deactivation: the channel finishes its current cycle, then stops. */
  requestStop(): void {
    this.stopping = true;
  }

  /** The cycle's workflow exists (or could not be started): syncNow/reset callers get their answer. */
  cycleStarted(cycleNo: number): void {
    this.started = cycleNo;
  }

  /** The store's state was reset for the cycle that asked for it. */
  resetDone(): void {
    this.carried.resetRequested = false;
  }

  /** Between cycles: shows the resting phase and, while waiting, when the next cycle is due. */
  rest(nextCycleAt?: string): ChannelPhase {
    this.nextCycleAt = nextCycleAt;
    this.currentPhase = this.restingPhase();
    return this.currentPhase;
  }

  /** How long to wait before the next cycle: the interval, or the back-off after failed cycles. */
  waitMs(): number {
    const failures = this.carried.lastFailure?.consecutiveFailures ?? 0;
    return failures > 0 ? failureBackoffMs(this.carried.intervalSeconds, failures) : this.carried.intervalSeconds * 1000;
  }

  /** The state the next run starts from. */
  continuedState(): ChannelCarriedState {
    return { ...this.carried, cyclesThisRun: 0 };
  }

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
    return this.carried.paused;
  }

  pause(): void {
    this.carried.paused = true;
  }

  resume(): void {
    this.carried.paused = false;
  }

  requestSync(request: SyncRequest): number {
    // Merge with a pending request: target over full over incremental; a real (non-dry) run wins.
    const pending = this.carried.pendingSync;
    const rank = (m?: CycleMode) => (m === 'target' ? 2 : m === 'full' ? 1 : 0);
    this.carried.pendingSync = pending
      ? { mode: rank(pending.mode) >= rank(request.mode) && pending.mode !== undefined ? pending.mode : request.mode ?? pending.mode, dryRun: Boolean(pending.dryRun && request.dryRun) }
      : { ...request };
    return this.carried.nextCycleNo;
  }

  requestReset(): number {
    this.carried.resetRequested = true;
    this.carried.pendingSync = { mode: 'full', dryRun: false };
    return this.carried.nextCycleNo;
  }

  get syncPending(): boolean {
    return this.carried.pendingSync !== undefined;
  }

  /** Full reconcile on the first cycle, every N cycles, on request, and after a reset. */
  nextMode(): CycleMode {
    if (this.carried.pendingSync?.mode) return this.carried.pendingSync.mode;
    if (this.carried.lastFullCycleNo === 0 || this.carried.fullOwed) return 'full';
    return this.carried.nextCycleNo - this.carried.lastFullCycleNo >= this.carried.fullReconcileEvery ? 'full' : 'incremental';
  }

  beginCycle(workflowId: string): { cycleNo: number; mode: CycleMode; dryRun: boolean } {
    const cycle = { cycleNo: this.carried.nextCycleNo, mode: this.nextMode(), dryRun: Boolean(this.carried.pendingSync?.dryRun) };
    this.carried.pendingSync = undefined;
    this.carried.nextCycleNo++;
    this.running = { ...cycle, workflowId };
    this.currentPhase = 'running';
    return cycle;
  }

  endCycle(summary: CycleSummary): void {
    this.carried.lastCycle = summary;
    if (summary.mode === 'full' && !summary.dryRun && summary.outcome !== 'rejected') this.carried.lastFullCycleNo = summary.cycleNo;
    this.carried.intervalSeconds = summary.intervalSeconds;
    this.carried.fullReconcileEvery = summary.fullReconcileEvery;
    this.carried.cyclesThisRun = (this.carried.cyclesThisRun ?? 0) + 1;
    if (summary.outcome !== 'planned' && summary.outcome !== 'rejected') this.carried.fullOwed = undefined;
    this.carried.lastFailure = undefined;
    this.running = undefined;
    this.currentPhase = this.carried.paused ? 'paused' : 'idle';
  }

  /** A cycle that failed (or could not start): remember why; the channel backs off and goes on. */
  failCycle(cycleNo: number, failure: CycleFailure, at: string): void {
    const mode = this.running?.mode;
    if (mode === 'full' && !this.running?.dryRun) this.carried.fullOwed = true;
    this.carried.lastFailure = { cycleNo, ...failure, at, consecutiveFailures: (this.carried.lastFailure?.consecutiveFailures ?? 0) + 1 };
    this.carried.cyclesThisRun = (this.carried.cyclesThisRun ?? 0) + 1;
    this.running = undefined;
    this.currentPhase = 'error';
  }

  /** The phase between cycles: paused wins, then a failure, else idle. */
  restingPhase(): ChannelPhase {
    if (this.carried.paused) return 'paused';
    return this.carried.lastFailure ? 'error' : 'idle';
  }

  status(): ChannelStatus {
    return {
      channelId: this.channelId,
      phase: this.carried.paused && (this.currentPhase === 'idle' || this.currentPhase === 'error') ? 'paused' : this.currentPhase,
      paused: this.carried.paused,
      currentCycle: this.running,
      lastCycle: this.carried.lastCycle,
      nextCycleNo: this.carried.nextCycleNo,
      nextCycleAt: this.running ? undefined : this.nextCycleAt,
      lastFailure: this.carried.lastFailure,
    };
  }
}
