/**
 * The planning pipeline for one source entry: scope (exclusion), status (before mapping), mapping,
 * diff (after mapping), giving an action with its reason or a skip. The cycle and the single-user
 * paths (on demand, retries) both plan through it. Pure apart from the injected mapper.
 */
import type { Exclusion } from '../config/source-settings';
import type { DesiredConcurUser } from '../concur-user';
import { matchesExclusion } from '../exclusion';
import { stableHash } from '../hashing';
import type { UserMapper } from '../mapping/user-mapper';
import type { SourceEntry } from '../source-entry';
import { planAfterMapping, planBeforeMapping, type ChannelPlanSettings, type FinalDecision, type ManagedUserState } from './plan-user';

export interface EntryPlanRules extends ChannelPlanSettings {
  exclusion: Exclusion;
}

export type EntryPlan =
  /** The channel's exclusion rule names the entry: never planned, never touched. */
  | { kind: 'excluded' }
  /** The mapping rejected the entry; the message names each field, `failedHash` marks this state. */
  | { kind: 'invalid'; message: string; failedHash: string }
  /** `mapped` is set when the decision needed the mapping (its desired state and hash). */
  | { kind: 'decided'; decision: FinalDecision; mapped?: { user: DesiredConcurUser; hash: string } };

export async function planEntry(
  entry: SourceEntry,
  existing: ManagedUserState | undefined,
  rules: EntryPlanRules,
  mapper: UserMapper,
  now: Date,
): Promise<EntryPlan> {
  if (matchesExclusion(entry, rules.exclusion)) return { kind: 'excluded' };
  const before = planBeforeMapping({ enabled: entry.enabled }, existing, rules, now);
  if (before.kind !== 'map') return { kind: 'decided', decision: before };
  const mapped = await mapper.map(entry);
  if (!mapped.ok) {
    return { kind: 'invalid', message: mapped.errors.map((e) => `${e.field}: ${e.message}`).join('; '), failedHash: `invalid:${stableHash(mapped.errors)}` };
  }
  const decision = planAfterMapping(mapped.hash, mapped.user.identity.active, existing);
  return { kind: 'decided', decision, mapped: { user: mapped.user, hash: mapped.hash } };
}
