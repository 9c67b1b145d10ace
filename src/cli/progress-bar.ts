/** One line of progress for `sync --wait`: bar, batches, phase and counts. */
export function progressLine(progress: { phase?: string; batches?: number; batchesDone?: number; counts?: Record<string, number> } | undefined, width = 24): string {
  const total = progress?.batches ?? 0;
  const done = Math.min(progress?.batchesDone ?? 0, total);
  const filled = total > 0 ? Math.round((done / total) * width) : 0;
  const c = progress?.counts;
  const counts = c ? ` read ${c.read ?? 0} create ${c.create ?? 0} update ${c.update ?? 0} disable ${c.disable ?? 0} failed ${(c.failed ?? 0) + (c.invalid ?? 0)}` : '';
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} batches  ${progress?.phase ?? 'starting'}${counts}`;
}
