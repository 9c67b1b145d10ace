/** Mass-change guard: a cycle removing more than this waits for an administrator's decision. */
export interface RemovalGuardSettings {
  maxRemovals: number;
  maxRemovalPercent: number;
}

/**
 * Returns why the planned removals (disables + deletes) need approval, or undefined when they
 * are within the channel's limits. `managed` is the number of users Outbound manages before the
 * cycle; the percentage is of that population.
 */
export function removalGuardReason(removals: number, managed: number, guard: RemovalGuardSettings, read: { emptyRead?: boolean } = {}): string | undefined {
  if (removals === 0) return undefined;
  // A full read that finds nothing is far likelier a broken source (wrong base DN, emptied view,
  // lost permission) than everyone leaving: always ask, whatever the limits say.
  if (read.emptyRead && managed > 0) return `the source returned no entries while ${managed} users are managed`;
  if (removals > guard.maxRemovals) return `${removals} removals exceed the limit of ${guard.maxRemovals}`;
  const percent = managed > 0 ? (removals / managed) * 100 : 100;
  if (percent > guard.maxRemovalPercent) {
    return `${removals} removals are ${percent.toFixed(1)}% of ${managed} managed users, above ${guard.maxRemovalPercent}%`;
  }
  return undefined;
}
