import type { StoredOAuthToken } from '../../store/state-store';

/**
 * Where a connection's OAuth2 tokens live between processes: Concur rotates the refresh token on
 * refresh, and the rotated one must survive a restart or the connection is lost. The lead wires
 * the state store's `loadOAuthToken`/`saveOAuthToken` here.
 */
export interface ConcurTokenStore {
  load(connectionId: string): Promise<StoredOAuthToken | undefined>;
  save(connectionId: string, token: StoredOAuthToken): Promise<void>;
}

/** Process-local store, for tests and single-process tools. */
export class InMemoryConcurTokenStore implements ConcurTokenStore {
  private readonly tokens = new Map<string, StoredOAuthToken>();

  async load(connectionId: string): Promise<StoredOAuthToken | undefined> {
    const token = this.tokens.get(connectionId);
    return token ? { ...token } : undefined;
  }

  async save(connectionId: string, token: StoredOAuthToken): Promise<void> {
    this.tokens.set(connectionId, { ...token });
  }
}
