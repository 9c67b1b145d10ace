import type { CycleCounts } from '../store/state-store';

export function zeroCounts(): CycleCounts {
  return { read: 0, excluded: 0, unchanged: 0, create: 0, update: 0, disable: 0, delete: 0, reactivate: 0, succeeded: 0, failed: 0, retrying: 0, invalid: 0, heldBack: 0, repair: 0, orphans: 0 };
}
