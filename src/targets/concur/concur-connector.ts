/**
 * The Concur connector: one object per SP connection that the engine writes users through.
 * Identity v4.1 carries core and enterprise attributes synchronously; UPS v4 carries Spend and
 * Travel asynchronously. Every write is validated before sending, and creation never duplicates.
 */
import { Agent, type Dispatcher } from 'undici';
import type { ConnectionConfig } from '../../domain/config/connection-config';
import { SCHEMA_ENTERPRISE, type DesiredConcurUser } from '../../domain/concur-user';
import { validateConcurUser } from '../../domain/concur-validation';
import type { SecretResolver } from '../../domain/secrets';
import { AdaptiveRateLimiter } from './adaptive-rate-limiter';
import { ConcurrencyLimiter } from './concurrency-limiter';
import {
  ConcurConflictError,
  ConcurConnectionError,
  ConcurDataError,
  ConcurError,
  ConcurNotFoundError,
  ConcurTransientError,
  ConcurValidationError,
  type ConnectionFailureReason,
} from './concur-errors';
import { ConcurHttpClient, type ConcurHttpClientOptions, type HttpCounters } from './concur-http-client';
import { matchAccount, type AccountMatch, type MatchOptions } from './account-match';
import { ConcurIdentityClient, findByManyKeys, type ConcurUserResource, type SearchOptions, type UserKeys, type UserPage } from './concur-identity-client';
import type { ConcurLogger } from './concur-logger';
import { OAuth2TokenProvider, StaticTokenProvider, type ConcurTokenProvider } from './concur-token-provider';
import { InMemoryConcurTokenStore, type ConcurTokenStore } from './concur-token-store';
import { ConcurUpsClient, DEFAULT_POLL, type PollOptions, type SubmittedProvision } from './concur-ups-client';
import { operationOutcomes, type OperationOutcome, type ProvisionStatus } from './provision-status';
import { backoffDelay, DEFAULT_RETRY, type RetryOptions } from './retry-policy';
import { buildDisablePatch, buildReactivatePatch, buildUpdatePatch, existingEntries, type PatchBody, type UpdatePatchOptions } from './scim-patch-builder';
import { scimString } from './scim-paths';
import { buildIdentityUserBody, managerEmployeeNumber } from './scim-user-builder';
import { extensionBulkOperation, type BulkOperation, type ExtensionMode } from './ups-operation-builder';

export interface ConcurConnectorDeps {
  secrets: SecretResolver;
  /** Where OAuth2 tokens (and rotated refresh tokens) persist; in-memory when omitted. */
  tokens?: ConcurTokenStore;
  logger?: ConcurLogger;
  /** Each HTTP attempt's latency and status, for metrics. */
  observe?: ConcurHttpClientOptions['observe'];
  /** undici dispatcher (tests pass a MockAgent); default: a keep-alive Agent owned by the connector. */
  dispatcher?: Dispatcher;
  retry?: Partial<RetryOptions>;
  /** UPS polling for the blocking helpers; the engine's durable loop uses nextPollDelay. */
  poll?: Partial<PollOptions>;
  /** Ceiling of the adaptive rate limit (default ConnectionConfig.maxRequestsPerSecond, else 50). */
  maxRequestsPerSecond?: number;
  /** Attempts at creating one user when POSTs fail without an answer (default 3). */
  maxCreateAttempts?: number;
  /** Origins trusted as a token geolocation besides Concur's https hosts and baseUrl's origin. */
  trustedGeolocationOrigins?: readonly string[];
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

export type CredentialCheck = { ok: true } | { ok: false; reason: ConnectionFailureReason | 'unavailable' | 'unknown'; message: string };

export interface EnsureUserResult {
  id: string;
  outcome: 'created' | 'linked';
  /** The POST's answer was lost and the lookup afterwards found the user it created. */
  recovered?: boolean;
}

/** The result of a just-made batched look-up for one user (see findExisting). */
export interface LookedUp {
  existingId?: string;
  /** The account found is not provably this user: the create fails alone with this message. */
  conflict?: string;
}

export interface WriteOptions {
  /**
   * `wait` (default): Spend/Travel go through UPS and the call waits for the provision status.
   * `skip`: Identity only; the caller submits extensionOperation(...) itself (durable engine).
   */
  extensions?: 'wait' | 'skip';
}

const MANAGER_CACHE_LIMIT = 10_000;

export class ConcurConnector {
  readonly identity: ConcurIdentityClient;
  readonly ups: ConcurUpsClient;
  private readonly managers = new Map<string, string>();
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly retry: RetryOptions;

  constructor(
    readonly connection: ConnectionConfig,
    private readonly http: ConcurHttpClient,
    private readonly options: { ownedDispatcher?: Dispatcher; poll: PollOptions; retry: RetryOptions; maxCreateAttempts: number; logger?: ConcurLogger; sleep?: (ms: number) => Promise<void>; random?: () => number },
  ) {
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.retry = options.retry;
    this.identity = new ConcurIdentityClient(http);
    this.ups = new ConcurUpsClient(http, this.sleep);
  }

  /** Request counters (requests, retries, throttled) and the adaptive rate limit in force. */
  get stats(): HttpCounters & { rateLimitRps: number } {
    return { ...this.http.counters, rateLimitRps: this.http.rateLimitRps };
  }

  /** Side-effect-free check: a token, then `GET /Users?count=1&attributes=id` (digest §2.3). */
  async verifyCredentials(): Promise<CredentialCheck> {
    try {
      await this.identity.listUsers({ count: 1, attributes: ['id'] });
      return { ok: true };
    } catch (err) {
      if (err instanceof ConcurConnectionError) return { ok: false, reason: err.reason, message: err.message };
      if (err instanceof ConcurTransientError) return { ok: false, reason: 'unavailable', message: err.message };
      if (err instanceof ConcurNotFoundError) return { ok: false, reason: 'misconfigured', message: 'Identity v4.1 is not served at the configured base URL (404)' };
      if (err instanceof ConcurError) return { ok: false, reason: 'unknown', message: err.message };
      return { ok: false, reason: 'unknown', message: 'unexpected error while verifying the Concur credentials' };
    }
  }

  /**
   * Creates the user, or links the Concur user that is provably this one (same employeeNumber, or
   * externalId; see account-match.ts); a userName held by someone else is a conflict, never a
   * takeover. Looks again after a POST whose answer was lost, so a retry never makes a second user.
   */
  async ensureUser(desired: DesiredConcurUser, options: WriteOptions & MatchOptions & { lookedUp?: LookedUp } = {}): Promise<EnsureUserResult> {
    validate(desired);
    const keys = userKeys(desired);
    // A caller that just looked the user up (findExisting) saves the search; recovery look-ups stay.
    if (options.lookedUp?.conflict) throw conflictError(options.lookedUp.conflict);
    const existingId = options.lookedUp ? options.lookedUp.existingId : linkOrThrow(await this.matchUser(keys, options));
    if (existingId) return { id: existingId, outcome: 'linked' };
    const body = buildIdentityUserBody(desired, { companyId: this.connection.companyId, managerId: await this.resolveManager(desired) });
    for (let attempt = 1; ; attempt++) {
      try {
        const created = await this.identity.createUser(body);
        if (!created?.id) throw new ConcurTransientError('CREATE_WITHOUT_ID', 'Concur answered the create without a user id', { maybeApplied: true });
        await this.afterCreate(created.id, desired, options);
        return { id: created.id, outcome: 'created' };
      } catch (err) {
        if (err instanceof ConcurConflictError) {
          const holder = linkOrThrow(await this.matchUser(keys, options));
          if (holder) return { id: holder, outcome: 'linked' };
          // userName is unique across all of Concur: another company's user may hold it. Concur's
          // message may quote the value, so it is not repeated.
          throw new ConcurDataError('USERNAME_TAKEN', 'userName: already taken in Concur (no user of this company holds it: it may belong to another Concur company)', {
            field: 'userName',
            status: err.status,
            cause: err,
          });
        }
        if (!(err instanceof ConcurTransientError) || !err.maybeApplied || attempt >= this.options.maxCreateAttempts) throw err;
        // The POST may have been applied: give Concur a moment, then look before trying again.
        await this.sleep(backoffDelay(attempt, this.retry, this.options.random));
        const match = await this.matchUser(keys, options);
        const made = match.kind === 'link' ? { id: match.id } : undefined;
        if (made) {
          this.options.logger?.info?.({ connectionId: this.connection.id, concurId: made.id, attempt }, 'concur create: answer was lost but the user exists; not creating again');
          await this.afterCreate(made.id, desired, options);
          return { id: made.id, outcome: 'created', recovered: true };
        }
      }
    }
  }

  /** Brings an existing user to `desired`: every managed field replaced, `clear` fields removed. */
  async updateUser(id: string, desired: DesiredConcurUser, options: WriteOptions = {}): Promise<void> {
    validate(desired);
    const managerId = await this.resolveManager(desired);
    await this.patchWithFallback(id, (o) => buildUpdatePatch(desired, { ...o, managerId }));
    if ((options.extensions ?? 'wait') === 'wait') await this.provisionExtensions(id, desired, 'update');
  }

  /** Soft deprovision: `active=false` and terminationDate = `at`. */
  async disableUser(id: string, at: Date): Promise<void> {
    await this.identity.patchUser(id, buildDisablePatch(at));
  }

  /** `active=true`, terminationDate cleared; with `desired`, fields brought up to date as well. */
  async reactivateUser(id: string, desired?: DesiredConcurUser, options: WriteOptions = {}): Promise<void> {
    if (!desired) {
      await this.identity.patchUser(id, buildReactivatePatch());
      return;
    }
    validate(desired);
    const managerId = await this.resolveManager(desired);
    await this.patchWithFallback(id, (o) => buildReactivatePatch(desired, { ...o, managerId }));
    if ((options.extensions ?? 'wait') === 'wait') await this.provisionExtensions(id, desired, 'update');
  }

  /** Full replace (PUT): attributes not in `desired` are cleared by Concur. Only for deliberate resets. */
  async replaceUser(id: string, desired: DesiredConcurUser): Promise<void> {
    validate(desired);
    const body = buildIdentityUserBody(desired, { companyId: this.connection.companyId, managerId: await this.resolveManager(desired) });
    await this.identity.replaceUser(id, body);
  }

  /** Hard delete. Concur discourages it and refuses users with history; only when configured. */
  async deleteUser(id: string): Promise<void> {
    await this.identity.deleteUser(id);
  }

  async getUser(id: string, attributes?: string[]): Promise<ConcurUserResource> {
    return this.identity.getUser(id, attributes);
  }

  /** The account these keys may be linked to, a conflict, or none (account-match.ts). */
  async matchUser(keys: UserKeys, options: MatchOptions = {}): Promise<AccountMatch> {
    return matchAccount(await this.identity.findByKeys(keys), keys, options);
  }

  /** For each desired user, the account it may be linked to or the conflict (same rule as matchUser). */
  async findExisting(desired: DesiredConcurUser[], options: MatchOptions = {}): Promise<LookedUp[]> {
    const keyList = desired.map(userKeys);
    const found: ConcurUserResource[] = await findByManyKeys(this.identity, keyList);
    return keyList.map((keys) => {
      const match = matchAccount(found, keys, options);
      return match.kind === 'link' ? { existingId: match.id } : match.kind === 'conflict' ? { conflict: match.message } : {};
    });
  }

  async searchUsers(filter: string | undefined, options?: SearchOptions): Promise<UserPage> {
    return this.identity.search(filter, options);
  }

  // UPS ---------------------------------------------------------------------------------------

  /** The UPS operation carrying a user's Spend/Travel attributes; undefined when there are none. */
  extensionOperation(id: string, desired: DesiredConcurUser, mode: ExtensionMode, bulkId?: string): BulkOperation | undefined {
    return extensionBulkOperation(id, desired, mode, bulkId);
  }

  submitBulk(operations: BulkOperation[]): Promise<SubmittedProvision[]> {
    return this.ups.submitBulk(operations);
  }

  getProvisionStatus(id: string): Promise<ProvisionStatus> {
    return this.ups.getProvisionStatus(id);
  }

  /** Per operation: ok, or the failed extension(s) with Concur's messages. */
  provisionOutcomes(status: ProvisionStatus): OperationOutcome[] {
    return operationOutcomes(status);
  }

  provisionAndWait(operations: BulkOperation[], poll?: Partial<PollOptions>): Promise<ProvisionStatus[]> {
    return this.ups.provisionAndWait(operations, { ...this.options.poll, ...poll });
  }

  /** One user's Spend/Travel through UPS, waiting for the result; throws the failed extension as a data error. */
  async provisionExtensions(id: string, desired: DesiredConcurUser, mode: ExtensionMode): Promise<void> {
    const op = extensionBulkOperation(id, desired, mode);
    if (!op) return;
    const [status] = await this.provisionAndWait([op]);
    const failed = operationOutcomes(status).find((o) => !o.ok);
    if (failed && !failed.ok) throw failed.error;
    if (status.success === false && !failed) throw new ConcurDataError('PROVISION_FAILED', `UPS provision ${status.id} failed without operation details`);
  }

  async close(): Promise<void> {
    await this.options.ownedDispatcher?.close();
  }

  // internals ---------------------------------------------------------------------------------

  private async afterCreate(id: string, desired: DesiredConcurUser, options: WriteOptions): Promise<void> {
    if ((options.extensions ?? 'wait') === 'wait') await this.provisionExtensions(id, desired, 'create');
  }

  /**
   * PATCH, and when Concur answers `noTarget` (a value filter such as `emails[type eq "home"]`
   * matched no entry, RFC 7644 §3.5.2.3) read which entries exist and send adds for the missing.
   */
  private async patchWithFallback(id: string, build: (options: UpdatePatchOptions) => PatchBody): Promise<void> {
    const body = build({});
    if (body.Operations.length === 0) return;
    try {
      await this.identity.patchUser(id, body);
    } catch (err) {
      if (!(err instanceof ConcurDataError) || err.scimType !== 'noTarget') throw err;
      const current = await this.identity.getUser(id, ['emails', 'phoneNumbers', 'addresses']);
      const retry = build({ existing: existingEntries(current) });
      if (retry.Operations.length > 0) await this.identity.patchUser(id, retry);
    }
  }

  /**
   * Concur links managers by UUID (`manager.value` is required); the mapping gives the manager's
   * employeeNumber. A manager not in Concur yet (created later in the same cycle) is transient.
   */
  private async resolveManager(desired: DesiredConcurUser): Promise<string | undefined> {
    const employeeNumber = managerEmployeeNumber(desired);
    if (!employeeNumber) return undefined;
    const cached = this.managers.get(employeeNumber);
    if (cached) return cached;
    const page = await this.identity.search(`${SCHEMA_ENTERPRISE}:employeeNumber eq ${scimString(employeeNumber)}`, { attributes: ['id'], count: 2 });
    const manager = page.users[0];
    if (!manager) throw new ConcurTransientError('MANAGER_NOT_FOUND', "the user's manager (manager.employeeNumber) is not in Concur yet", { maybeApplied: false });
    if (this.managers.size >= MANAGER_CACHE_LIMIT) this.managers.delete(this.managers.keys().next().value as string);
    this.managers.set(employeeNumber, manager.id);
    return manager.id;
  }
}

function validate(desired: DesiredConcurUser): void {
  const issues = validateConcurUser(desired);
  if (issues.length > 0) throw new ConcurValidationError(issues);
}

function conflictError(message: string): ConcurDataError {
  return new ConcurDataError('ACCOUNT_CONFLICT', message, { field: message.slice(0, message.indexOf(':')) || 'userName' });
}

/** The id to link, undefined when there is no account; throws the conflict (a data error). */
function linkOrThrow(match: AccountMatch): string | undefined {
  if (match.kind === 'conflict') throw conflictError(match.message);
  return match.kind === 'link' ? match.id : undefined;
}

function userKeys(desired: DesiredConcurUser): UserKeys {
  const u = desired.identity;
  return { employeeNumber: u.enterprise.employeeNumber || undefined, userName: u.userName || undefined, externalId: u.externalId || undefined };
}

/** Builds a connector for one SP connection (keep-alive pool, token handling, limits). */
export function createConcurConnector(connection: ConnectionConfig, deps: ConcurConnectorDeps): ConcurConnector {
  const retry: RetryOptions = { ...DEFAULT_RETRY, ...deps.retry };
  const ownedDispatcher = deps.dispatcher
    ? undefined
    : new Agent({ connections: connection.maxConnections, keepAliveTimeout: 30_000, keepAliveMaxTimeout: 300_000, connect: { timeout: Math.min(connection.timeoutMs, 10_000) } });
  const dispatcher = deps.dispatcher ?? ownedDispatcher!;
  let tokens: ConcurTokenProvider;
  if (connection.auth.type === 'OAUTH_ACCESS_TOKEN') {
    const ref = connection.auth.accessToken;
    tokens = new StaticTokenProvider(() => deps.secrets.resolve(ref, { owner: `connection:${connection.id}`, field: 'auth.accessToken' }), connection.baseUrl);
  } else {
    if (!deps.tokens) deps.logger?.warn?.({ connectionId: connection.id }, 'concur: no token store given; rotated refresh tokens are kept in memory only');
    tokens = new OAuth2TokenProvider({
      connectionId: connection.id,
      auth: connection.auth,
      baseUrl: connection.baseUrl,
      secrets: deps.secrets,
      store: deps.tokens ?? new InMemoryConcurTokenStore(),
      dispatcher,
      timeoutMs: connection.timeoutMs,
      retry,
      trustedOrigins: deps.trustedGeolocationOrigins,
      logger: deps.logger,
      now: deps.now,
      sleep: deps.sleep,
      random: deps.random,
    });
  }
  const maxRps = deps.maxRequestsPerSecond ?? connection.maxRequestsPerSecond ?? 50;
  const http = new ConcurHttpClient({
    tokens,
    dispatcher,
    concurrency: new ConcurrencyLimiter(connection.maxConnections),
    rateLimiter: new AdaptiveRateLimiter({ maxRps, now: deps.now, sleep: deps.sleep }),
    retry,
    timeoutMs: connection.timeoutMs,
    connectionId: connection.id,
    logger: deps.logger,
    observe: deps.observe,
    now: deps.now,
    sleep: deps.sleep,
    random: deps.random,
  });
  return new ConcurConnector(connection, http, {
    ownedDispatcher,
    poll: { ...DEFAULT_POLL, ...deps.poll },
    retry,
    maxCreateAttempts: deps.maxCreateAttempts ?? 3,
    logger: deps.logger,
    sleep: deps.sleep,
    random: deps.random,
  });
}
