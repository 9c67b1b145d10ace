/**
 * Which cycles must read the whole scope, and why. A cycle plans with a fingerprint of the
 * settings that decide who is in scope and what each user maps to (source settings, location,
 * exclusion, mapping, provisioning options); a full cycle commits it. When the committed one
 * differs, the next cycle is a full reconcile (`config-changed`): incremental reads would show
 * only changed entries, so a newly mapped field would never reach existing users. Pure.
 */
import type { ChannelConfig } from '../config/channel-config';
import { stableHash } from '../hashing';

export type FullReadReason = 'target-reconcile' | 'config-changed' | 'first-cycle' | 'scheduled-or-requested' | 'no-change-detection' | 'no-watermark';

export function reconcileFingerprint(channel: ChannelConfig): string {
  const { source, location, exclusion, mapping, userCreate, userUpdate, userDisableDelete, provisionDisabledUsers, removeAction } = channel;
  return stableHash({ source, location, exclusion, mapping, options: { userCreate, userUpdate, userDisableDelete, provisionDisabledUsers, removeAction } });
}

/** Why this cycle reads the whole scope, or undefined when it may read incrementally. */
export function fullReadReason(input: {
  requestedMode: 'full' | 'incremental' | 'target';
  incrementalPossible: boolean;
  watermark?: string;
  lastFullCycleNo?: number;
  committedFingerprint?: string;
  fingerprint: string;
}): FullReadReason | undefined {
  if (input.lastFullCycleNo === undefined) return 'first-cycle';
  // Before any fingerprint was committed (an older store) the config may have changed: re-read once.
  if (input.committedFingerprint !== input.fingerprint) return 'config-changed';
  if (input.requestedMode !== 'incremental') return 'scheduled-or-requested';
  if (!input.incrementalPossible) return 'no-change-detection';
  if (!input.watermark) return 'no-watermark';
  return undefined;
}
