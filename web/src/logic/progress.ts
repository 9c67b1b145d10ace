/** The current cycle's progress in percent: planning counts as 0, finishing and done as 100. Pure. */
export function progressPercent(p: { phase: string; batches: number; batchesDone: number }): number {
  if (p.phase === 'done' || p.phase === 'finishing') return 100;
  if (p.phase === 'planning' || p.batches <= 0) return 0;
  return Math.min(100, Math.round((p.batchesDone / p.batches) * 100));
}
