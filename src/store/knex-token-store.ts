import { KnexConfigStore } from './knex-config-store';
import type { StoredOAuthToken } from './state-store';

const tokenContext = (connectionId: string): string => `oauth:${connectionId}`;

/** Cached OAuth tokens of the Concur connections, sealed with the store's key. */
export class KnexTokenStore extends KnexConfigStore {
  async saveOAuthToken(connectionId: string, token: StoredOAuthToken): Promise<void> {
    const plain = JSON.stringify({
      accessToken: token.accessToken,
      expiresAt: token.expiresAt.toISOString(),
      refreshToken: token.refreshToken,
      refreshExpiresAt: token.refreshExpiresAt?.toISOString(),
      geolocation: token.geolocation,
    });
    const now = new Date();
    await this.db('oauth_tokens')
      .insert({ connection_id: connectionId, ciphertext: this.box.seal(plain, tokenContext(connectionId)), updated_at: now })
      .onConflict('connection_id')
      .merge(['ciphertext', 'updated_at']);
  }

  async loadOAuthToken(connectionId: string): Promise<StoredOAuthToken | undefined> {
    const row = (await this.db('oauth_tokens').where({ connection_id: connectionId }).first('ciphertext')) as { ciphertext: string } | undefined;
    if (!row) return undefined;
    const t = JSON.parse(this.box.open(row.ciphertext, tokenContext(connectionId))) as {
      accessToken: string;
      expiresAt: string;
      refreshToken?: string;
      refreshExpiresAt?: string;
      geolocation?: string;
    };
    const token: StoredOAuthToken = { accessToken: t.accessToken, expiresAt: new Date(t.expiresAt) };
    if (t.refreshToken !== undefined) token.refreshToken = t.refreshToken;
    if (t.refreshExpiresAt !== undefined) token.refreshExpiresAt = new Date(t.refreshExpiresAt);
    if (t.geolocation !== undefined) token.geolocation = t.geolocation;
    return token;
  }
}
