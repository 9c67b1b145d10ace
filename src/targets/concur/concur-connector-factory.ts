/**
 * Wiring of a Concur connector for one SP connection: the keep-alive pool, the token provider for
 * its auth type, the concurrency and adaptive rate limits, retry and UPS polling defaults.
 */
import { Agent, type Dispatcher } from 'undici';
import type { ConnectionConfig } from '../../domain/config/connection-config';
import type { SecretResolver } from '../../domain/secrets';
import { AdaptiveRateLimiter } from './adaptive-rate-limiter';
import { ConcurConnector } from './concur-connector';
import { ConcurrencyLimiter } from './concurrency-limiter';
import { ConcurHttpClient, type ConcurHttpClientOptions } from './concur-http-client';
import type { ConcurLogger } from './concur-logger';
import { OAuth2TokenProvider } from './concur-token-provider';
import { StaticTokenProvider, type ConcurTokenProvider } from './static-token-provider';
import { InMemoryConcurTokenStore, type ConcurTokenStore } from './concur-token-store';
import { BLOCKING_PROVISION_POLL, type PollOptions } from '../../domain/schedules';
import { DEFAULT_RETRY, type RetryOptions } from './retry-policy';

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
  /** UPS polling of the blocking helpers (on-demand and retry writes); cycles poll with durable timers. */
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
    poll: { ...BLOCKING_PROVISION_POLL, ...deps.poll },
    retry,
    maxCreateAttempts: deps.maxCreateAttempts ?? 3,
    logger: deps.logger,
    sleep: deps.sleep,
    random: deps.random,
  });
}
