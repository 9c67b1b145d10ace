/**
 * One connection's HTTP transport to Concur: keep-alive pool, per-connection concurrency limit,
 * adaptive rate limit, bearer tokens, bounded retries of transient failures, and Concur's answers
 * turned into typed errors (concur-errors.ts).
 */
import { randomUUID } from 'node:crypto';
import { request, type Dispatcher } from 'undici';
import type { AdaptiveRateLimiter } from './adaptive-rate-limiter';
import type { ConcurrencyLimiter } from './concurrency-limiter';
import {
  ConcurConflictError,
  ConcurConnectionError,
  ConcurDataError,
  ConcurError,
  ConcurNotFoundError,
  ConcurTransientError,
  type ConcurMessage,
} from './concur-errors';
import type { ConcurLogger } from './concur-logger';
import type { ConcurTokenProvider } from './static-token-provider';
import { deadlineSignal } from '../deadline-signal';
import { requestSignal } from '../request-signal';
import { MAX_RESPONSE_BYTES, readCappedText } from './response-body';
import { parseRetryAfter, retryDelay, type RetryOptions } from './retry-policy';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface ConcurRequest {
  /** Name for logs and metrics, e.g. `identity.createUser`. */
  operation: string;
  method: HttpMethod;
  /** Path on the API host, e.g. `/profile/identity/v4.1/Users`. */
  path: string;
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  /**
   * Whether repeating the request is harmless. A non-idempotent request (create, bulk of creates)
   * is retried only when it surely was not processed (429, connection refused); other transient
   * failures are thrown with `maybeApplied` so the caller can look before trying again.
   */
  idempotent: boolean;
  /** Ids safe to log with the request (Concur user id, provision id). */
  logFields?: Record<string, string | undefined>;
}

export interface ConcurResponse {
  status: number;
  body: unknown;
  headers: Record<string, string | string[] | undefined>;
}

/** One HTTP attempt, for metrics (ids and numbers only: no URL, no body). */
export interface ConcurRequestObservation {
  connectionId: string;
  operation: string;
  /** HTTP status, or `error` when no answer came (timeout, reset, refused). */
  status: number | 'error';
  durationMs: number;
}

export interface ConcurHttpClientOptions {
  tokens: ConcurTokenProvider;
  dispatcher: Dispatcher;
  concurrency: ConcurrencyLimiter;
  rateLimiter: AdaptiveRateLimiter;
  retry: RetryOptions;
  timeoutMs: number;
  /** Largest answer read (default MAX_RESPONSE_BYTES). */
  maxResponseBytes?: number;
  connectionId: string;
  logger?: ConcurLogger;
  /** Called after each attempt (the worker's latency histogram and 429 counter). */
  observe?: (o: ConcurRequestObservation) => void;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

/** Error codes (Node and undici) meaning the request never reached Concur. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);

export interface HttpCounters {
  requests: number;
  retries: number;
  throttled: number;
}

export class ConcurHttpClient {
  readonly counters: HttpCounters = { requests: 0, retries: 0, throttled: 0 };
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly options: ConcurHttpClientOptions) {
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /** The adaptive rate limit now in force (requests per second). */
  get rateLimitRps(): number {
    return this.options.rateLimiter.rate;
  }

  get tokens(): ConcurTokenProvider {
    return this.options.tokens;
  }

  async send(req: ConcurRequest): Promise<ConcurResponse> {
    const { retry, logger } = this.options;
    const correlationId = randomUUID();
    const started = this.now();
    let refreshedAfter401 = false;
    let throttled = 0;
    for (let attempt = 1; ; attempt++) {
      let error: ConcurError;
      try {
        return await this.attempt(req, correlationId);
      } catch (err) {
        if (!(err instanceof ConcurError)) throw err;
        error = err;
      }
      if (error instanceof TokenRejected) {
        // One fresh token per request: a second 401 means the credentials themselves are bad.
        if (!refreshedAfter401 && this.options.tokens.invalidate(error.token)) {
          refreshedAfter401 = true;
          attempt--;
          continue;
        }
        throw new ConcurConnectionError(error.reason, error.message, { status: 401, correlationId });
      }
      if (!(error instanceof ConcurTransientError)) throw error;
      // A 429 means Concur processed nothing and asks us to slow down: it costs time (bounded by
      // maxElapsedMs), not one of the attempts meant for real failures.
      const throttledNow = error.code === 'RATE_LIMITED';
      if (throttledNow) throttled++;
      const safeToRepeat = req.idempotent || !error.maybeApplied;
      // Repeated 429s do not back off exponentially: the adaptive rate limiter already paces every
      // request of the connection to what the tenant admits, and a growing backoff on top left
      // the tenant's rate windows unused (about 60 % of a 50 req/s limit achieved).
      const delay = retryDelay(throttledNow ? 1 : attempt, error.retryAfterMs, retry, this.options.random);
      const fits = this.now() + delay - started <= retry.maxElapsedMs;
      // The write was given up (its deadline or the activity's cancellation): no further attempt.
      const abandoned = requestSignal()?.aborted === true;
      if (!safeToRepeat || attempt - throttled >= retry.maxAttempts || !fits || abandoned) {
        if (error.code === 'UNREACHABLE') {
          throw new ConcurConnectionError('unreachable', `Concur is unreachable after ${attempt} attempt(s)`, { cause: error, correlationId });
        }
        throw error;
      }
      this.counters.retries++;
      logger?.warn?.(
        { connectionId: this.options.connectionId, operation: req.operation, code: error.code, status: error.status, attempt, delayMs: Math.round(delay), correlationId, ...req.logFields },
        'concur request failed transiently; retrying',
      );
      await abortableSleep(this.sleep(delay), requestSignal());
    }
  }

  private async attempt(req: ConcurRequest, correlationId: string): Promise<ConcurResponse> {
    const { concurrency, rateLimiter, tokens, dispatcher, timeoutMs } = this.options;
    return concurrency.run(async () => {
      await rateLimiter.acquire();
      const access = await tokens.get();
      const url = new URL(access.baseUrl + req.path);
      for (const [key, value] of Object.entries(req.query ?? {})) if (value !== undefined) url.searchParams.set(key, String(value));
      const headers: Record<string, string> = {
        authorization: `Bearer ${access.token}`,
        accept: 'application/json',
        'concur-correlationid': correlationId,
      };
      let payload: string | undefined;
      if (req.body !== undefined) {
        payload = JSON.stringify(req.body);
        headers['content-type'] = 'application/json';
      }
      this.counters.requests++;
      let res: Dispatcher.ResponseData;
      let text: string;
      const sentAt = performance.now();
      const observe = (status: number | 'error') => this.options.observe?.({ connectionId: this.options.connectionId, operation: req.operation, status, durationMs: performance.now() - sentAt });
      try {
        const outer = requestSignal();
        outer?.throwIfAborted();
        const deadline = deadlineSignal(timeoutMs, outer);
        try {
          res = await request(url, { method: req.method, headers, body: payload, dispatcher, headersTimeout: timeoutMs, bodyTimeout: timeoutMs, signal: deadline.signal });
          text = await readCappedText(res, this.options.maxResponseBytes ?? MAX_RESPONSE_BYTES, payload !== undefined || req.method !== 'GET');
        } finally {
          deadline.dispose();
        }
      } catch (err) {
        observe('error');
        if (err instanceof ConcurTransientError) throw err;
        throw networkError(err, payload !== undefined || req.method !== 'GET');
      }
      observe(res.statusCode);
      const body = parseBody(text);
      const logFields = { connectionId: this.options.connectionId, operation: req.operation, status: res.statusCode, correlationId, ...req.logFields };
      if (res.statusCode >= 200 && res.statusCode < 300) {
        rateLimiter.onSuccess();
        this.options.logger?.debug?.(logFields, 'concur request succeeded');
        return { status: res.statusCode, body, headers: res.headers };
      }
      const retryAfterMs = parseRetryAfter(res.headers['retry-after'], this.now());
      if (res.statusCode === 429) {
        this.counters.throttled++;
        rateLimiter.onThrottle(retryAfterMs);
      }
      this.options.logger?.debug?.(logFields, 'concur request failed');
      throw responseError(res.statusCode, body, { retryAfterMs, correlationId: headerValue(res.headers['concur-correlationid']) ?? correlationId, token: access.token });
    });
  }
}

/** A backoff sleep that ends early when the write is abandoned (the retry check then stops). */
async function abortableSleep(sleeping: Promise<void>, signal: AbortSignal | undefined): Promise<void> {
  if (!signal) return sleeping;
  if (signal.aborted) return;
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<void>((resolve) => {
    onAbort = resolve;
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    await Promise.race([sleeping, aborted]);
  } finally {
    signal.removeEventListener('abort', onAbort!);
  }
}

/** 401: the token was refused; the client decides between a fresh token and a connection error. */
class TokenRejected extends ConcurError {
  readonly kind = 'connection' as const;
  constructor(
    readonly token: string,
    readonly reason: 'bad-token' | 'expired',
    message: string,
  ) {
    super('TOKEN_REJECTED', message, { status: 401 });
    this.name = 'TokenRejected';
  }
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function parseBody(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function networkError(err: unknown, bodySent: boolean): ConcurTransientError {
  const e = err as { code?: string; name?: string; cause?: { code?: string } };
  const code = e.code ?? e.cause?.code;
  if (code && NOT_SENT_CODES.has(code)) {
    return new ConcurTransientError('UNREACHABLE', `Concur is unreachable (${code})`, { cause: err, maybeApplied: false });
  }
  const timedOut = e.name === 'TimeoutError' || e.name === 'AbortError' || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT';
  return new ConcurTransientError(timedOut ? 'TIMEOUT' : 'CONNECTION_RESET', timedOut ? 'no answer from Concur in time' : `the connection to Concur failed (${code ?? e.name ?? 'error'})`, {
    cause: err,
    maybeApplied: bodySent,
  });
}

interface ScimError {
  status?: string;
  scimType?: string;
  detail?: string;
  'urn:ietf:params:scim:api:messages:concur:2.0:Error'?: { messages?: ConcurMessage[] };
  error?: { id?: string; message?: string } | string;
  error_description?: string;
  message?: string;
}

/** Concur's text for an error: detail plus each message with its schemaPath. Never our values. */
function describe(body: ScimError | undefined): { text: string; messages: ConcurMessage[] } {
  const messages = Array.isArray(body?.['urn:ietf:params:scim:api:messages:concur:2.0:Error']?.messages)
    ? body!['urn:ietf:params:scim:api:messages:concur:2.0:Error']!.messages!
    : [];
  const parts: string[] = [];
  if (typeof body?.detail === 'string') parts.push(body.detail);
  for (const m of messages) {
    const text = `${m.schemaPath ? `${m.schemaPath}: ` : ''}${m.message ?? m.code}`;
    if (!parts.includes(text) && text !== body?.detail) parts.push(text);
  }
  if (parts.length === 0) {
    if (typeof body?.error === 'object' && body.error?.message) parts.push(body.error.message);
    else if (typeof body?.error_description === 'string') parts.push(body.error_description);
    else if (typeof body?.message === 'string') parts.push(body.message);
  }
  return { text: parts.join('; '), messages };
}

export function responseError(status: number, raw: unknown, context: { retryAfterMs?: number; correlationId?: string; token?: string } = {}): ConcurError {
  const body = raw !== null && typeof raw === 'object' ? (raw as ScimError) : undefined;
  const { text, messages } = describe(body);
  const suffix = text ? `: ${text}` : '';
  const base = { status, correlationId: context.correlationId };
  if (status === 401) {
    const expired = /expir/i.test(text);
    return new TokenRejected(context.token ?? '', expired ? 'expired' : 'bad-token', `Concur rejected the access token (401)${suffix}`);
  }
  if (status === 403) {
    const reason = /scope/i.test(text) ? 'missing-scope' : 'company-not-authorised';
    return new ConcurConnectionError(reason, `Concur refused access (403)${suffix}`, base);
  }
  if (status === 404) return new ConcurNotFoundError(`not found in Concur (404)${suffix}`, base);
  if (status === 409 || body?.scimType === 'uniqueness') {
    return new ConcurConflictError(`Concur reports a duplicate (${status}${body?.scimType ? ` ${body.scimType}` : ''})${suffix}`, { ...base, messages, scimType: body?.scimType });
  }
  if (status === 408 || status === 429 || status >= 500) {
    const code = status === 429 ? 'RATE_LIMITED' : `HTTP_${status}`;
    // A 5xx may come after Concur applied the write; 429 and 408 come before any processing.
    return new ConcurTransientError(code, `Concur answered ${status}${suffix}`, { ...base, retryAfterMs: context.retryAfterMs, maybeApplied: status >= 500 });
  }
  const code = messages.find((m) => m.type !== 'warning')?.code ?? messages[0]?.code ?? (status === 413 ? 'TOO_LARGE' : 'INVALID_VALUE');
  return new ConcurDataError(code, `Concur rejected the request (${status}${body?.scimType ? ` ${body.scimType}` : ''})${suffix}`, { ...base, messages, scimType: body?.scimType });
}
