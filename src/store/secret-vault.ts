import { randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import type { SecretBox } from './secret-box';
import { SecretNotFoundError } from './secret-errors';

export const SECRETS_TABLE = 'secrets';

/**
 * Encrypted secret values, one row each, addressed by a random id (`vault:<id>` in configs).
 * `owner` (e.g. `datastore:ldap-main`) lets a config update drop the secrets it no longer uses.
 * The row id is bound into the ciphertext, so values cannot be swapped between rows.
 */
export class SecretVault {
  constructor(
    private readonly db: Knex,
    private readonly box: SecretBox,
  ) {}

  async put(value: string, owner: string, trx: Knex = this.db): Promise<string> {
    const id = randomBytes(16).toString('base64url');
    await trx(SECRETS_TABLE).insert({ id, owner, ciphertext: this.box.seal(value, context(id)), created_at: new Date() });
    return id;
  }

  async read(id: string, trx: Knex = this.db): Promise<string> {
    const row = (await trx(SECRETS_TABLE).where({ id }).first('ciphertext')) as { ciphertext: string } | undefined;
    if (!row) throw new SecretNotFoundError(id);
    return this.box.open(row.ciphertext, context(id));
  }

  async owner(id: string, trx: Knex = this.db): Promise<string | undefined> {
    const row = (await trx(SECRETS_TABLE).where({ id }).first('owner')) as { owner: string | null } | undefined;
    return row?.owner ?? undefined;
  }

  /** Like read, but undefined when the secret is absent or unreadable (used to compare values). */
  async tryRead(id: string, trx: Knex = this.db): Promise<string | undefined> {
    try {
      return await this.read(id, trx);
    } catch {
      return undefined;
    }
  }

  /** Deletes the owner's secrets except `keep`. */
  async pruneOwner(owner: string, keep: string[], trx: Knex = this.db): Promise<void> {
    const q = trx(SECRETS_TABLE).where({ owner });
    if (keep.length) q.whereNotIn('id', keep);
    await q.delete();
  }
}

const context = (id: string): string => `vault:${id}`;
