import type { Knex } from 'knex';
import { parseJson, toDate } from './row-values';

export type DraftKind = 'datastores' | 'connections' | 'channels';

export interface StoredDraft {
  kind: DraftKind;
  id: string;
  draft: unknown;
  updatedAt: Date;
}

/**
 * Drafts of datastores and connections (table `resource_drafts`), and the listing of every draft
 * (channels' included, from `channel_drafts`) for the console's lists. Additive to StateStore:
 * it works on the store's database directly.
 */
export class ResourceDraftsStore {
  constructor(private readonly db: Knex) {}

  async put(kind: Exclude<DraftKind, 'channels'>, id: string, draft: unknown): Promise<void> {
    await this.db('resource_drafts')
      .insert({ kind, id, draft: JSON.stringify(draft ?? null), updated_at: new Date() })
      .onConflict(['kind', 'id'])
      .merge(['draft', 'updated_at']);
  }

  async get(kind: Exclude<DraftKind, 'channels'>, id: string): Promise<unknown | undefined> {
    const row = (await this.db('resource_drafts').where({ kind, id }).first('draft')) as { draft: string } | undefined;
    return row ? parseJson<unknown>(row.draft) : undefined;
  }

  async delete(kind: Exclude<DraftKind, 'channels'>, id: string): Promise<void> {
    await this.db('resource_drafts').where({ kind, id }).delete();
  }

  async list(kind: DraftKind): Promise<StoredDraft[]> {
    if (kind === 'channels') {
      const rows = (await this.db('channel_drafts').orderBy('channel_id').select('channel_id', 'draft', 'updated_at')) as Array<{ channel_id: string; draft: string; updated_at: unknown }>;
      return rows.map((r) => ({ kind, id: r.channel_id, draft: parseJson<unknown>(r.draft), updatedAt: toDate(r.updated_at) }));
    }
    const rows = (await this.db('resource_drafts').where({ kind }).orderBy('id').select('id', 'draft', 'updated_at')) as Array<{ id: string; draft: string; updated_at: unknown }>;
    return rows.map((r) => ({ kind, id: r.id, draft: parseJson<unknown>(r.draft), updatedAt: toDate(r.updated_at) }));
  }
}
