import { URN_CONCUR_ERROR, URN_ERROR } from './constants';

/** One entry of Concur's `urn:…:concur:2.0:Error.messages`. */
export interface ConcurMessage {
  code: string;
  message: string;
  schemaPath?: string;
  type: 'error' | 'warning';
}

/** Concur's SCIM error body (digest §3.6, A9). */
export interface ScimErrorBody {
  schemas: string[];
  status: string;
  scimType?: string;
  detail?: string;
  [URN_CONCUR_ERROR]?: { messages: ConcurMessage[] };
}

/**
 * A request Concur would refuse, carrying everything needed to answer exactly as Concur does.
 * Thrown from pure logic; the HTTP layer turns it into a response.
 */
export class ConcurApiError extends Error {
  readonly messages: ConcurMessage[];
  constructor(
    readonly status: number,
    readonly detail: string,
    opts: { scimType?: string; messages?: ConcurMessage[]; headers?: Record<string, string>; cause?: unknown } = {},
  ) {
    super(detail, { cause: opts.cause });
    this.name = 'ConcurApiError';
    this.scimType = opts.scimType;
    this.messages = opts.messages ?? [];
    this.headers = opts.headers ?? {};
  }
  readonly scimType: string | undefined;
  readonly headers: Record<string, string>;

  toBody(): ScimErrorBody {
    const body: ScimErrorBody = { schemas: [URN_ERROR, URN_CONCUR_ERROR], status: String(this.status) };
    if (this.scimType) body.scimType = this.scimType;
    body.detail = this.detail;
    if (this.messages.length > 0) body[URN_CONCUR_ERROR] = { messages: this.messages };
    return body;
  }
}

/** 400 invalidValue with one INVALID_VALUE message at `schemaPath`: the common validation failure. */
export function invalidValue(schemaPath: string, message: string, scimType = 'invalidValue'): ConcurApiError {
  return new ConcurApiError(400, message, { scimType, messages: [{ code: 'INVALID_VALUE', message, schemaPath, type: 'error' }] });
}

export function notFound(what: string): ConcurApiError {
  return new ConcurApiError(404, `${what} not found`, { messages: [{ code: 'NOT_FOUND', message: `${what} not found`, type: 'error' }] });
}

/** OAuth2 token endpoint error body (digest §2.1): `{code, error, error_description}`. */
export class OAuthError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    readonly error: string,
    readonly description: string,
    readonly geolocation?: string,
  ) {
    super(`${error}: ${description}`);
    this.name = 'OAuthError';
  }
  toBody(): Record<string, unknown> {
    const body: Record<string, unknown> = { code: this.code, error: this.error, error_description: this.description };
    if (this.geolocation) body.geolocation = this.geolocation;
    return body;
  }
}

/** Concur's throttle body, from the only 429 sample in the docs (digest §7, A11). */
export function throttleBody(path: string): Record<string, unknown> {
  return {
    timestamp: new Date().toISOString(),
    httpStatus: '429 - Too Many Requests',
    error: { id: 'security.rate.limit.reached', message: 'Too many requests' },
    path,
  };
}
