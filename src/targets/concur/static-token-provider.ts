/** Bearer tokens for a connection, and PingFederate's static OAUTH_ACCESS_TOKEN. */
import { ConcurConnectionError } from './concur-errors';
import { trimSlash } from './url-text';

export interface AccessToken {
  /** The bearer value. Never log it. */
  token: string;
  /** API host to call (the token's geolocation for OAuth2), no trailing slash. */
  baseUrl: string;
}

export interface ConcurTokenProvider {
  get(): Promise<AccessToken>;
  /** The API rejected `token` (401): forget it. Returns whether a new token can be obtained. */
  invalidate(token: string): boolean;
}

/** PingFederate's OAUTH_ACCESS_TOKEN: one long-lived token, nothing to refresh. */
export class StaticTokenProvider implements ConcurTokenProvider {
  private value?: Promise<string>;
  constructor(
    private readonly resolveToken: () => Promise<string>,
    private readonly baseUrl: string,
  ) {}

  async get(): Promise<AccessToken> {
    this.value ??= this.resolveToken();
    try {
      return { token: await this.value, baseUrl: trimSlash(this.baseUrl) };
    } catch (err) {
      this.value = undefined;
      throw new ConcurConnectionError('misconfigured', `the access token secret could not be resolved: ${(err as Error).message}`, { cause: err });
    }
  }

  invalidate(): boolean {
    return false;
  }
}
