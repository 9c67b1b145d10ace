import type { DesiredConcurUser } from '../concur-user';
import type { SourceEntry } from '../source-entry';

export type MapOutcome =
  | { ok: true; user: DesiredConcurUser; hash: string }
  | { ok: false; errors: Array<{ field: string; message: string; code: string }> };

/** A channel's compiled attribute mapping. */
export interface UserMapper {
  map(entry: SourceEntry): Promise<MapOutcome>;
}
