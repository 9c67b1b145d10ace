import { z } from 'zod';
import { MAX_REQUEST_TIMEOUT_MS, durationMs } from './duration-limits';
import { SecretRef } from './secret-ref';

/** Target settings: PingFederate's OAUTH_ACCESS_TOKEN, or OAuth2 app credentials (recommended). */
export const ConcurAuthConfig = z.discriminatedUnion('type', [
  z.object({ type: z.literal('OAUTH_ACCESS_TOKEN'), accessToken: SecretRef }).strict(),
  z
    .object({
      type: z.literal('oauth2'),
      clientId: z.string().min(1),
      clientSecret: SecretRef,
      /** One of: a refresh token, or a company request token (exchanged with grant_type=password). */
      refreshToken: SecretRef.optional(),
      companyRequestToken: SecretRef.optional(),
      companyUuid: z.string().optional(),
    })
    .strict(),
]);
export type ConcurAuthConfig = z.infer<typeof ConcurAuthConfig>;

/** An SP connection made from the Concur template: one Concur tenant. */
export const ConnectionConfig = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/),
    name: z.string().optional(),
    template: z.literal('concur').default('concur'),
    /** `false` pauses every channel on it (absent: active). */
    active: z.boolean().optional(),
    /** General Info from the SAML metadata import (PingFederate's Partner's Entity ID and Base URL). */
    entityId: z.string().max(1024).optional(),
    partnerBaseUrl: z.string().url().optional(),
    /** Connection type: Outbound provisions (outbound provisioning on) and does no Browser SSO. */
    connectionType: z.object({ outboundProvisioning: z.boolean(), browserSso: z.boolean() }).strict().optional(),
    /** API base URL (the token's geolocation when OAuth2 is used), e.g. https://us2.api.concursolutions.com */
    baseUrl: z.string().url(),
    /** Allows an `http:` baseUrl on a loopback host (simulators only): the token would travel in clear. */
    allowInsecureHttp: z.boolean().optional(),
    companyId: z.string().optional(),
    auth: ConcurAuthConfig,
    /** Fields this tenant requires beyond Concur's minimum (Concur field names). */
    requiredFields: z.array(z.string()).default([]),
    timeoutMs: durationMs(MAX_REQUEST_TIMEOUT_MS).default(30000),
    maxConnections: z.number().int().positive().default(16),
    /** Ceiling of the connector's adaptive rate limit (halved on 429, regained gradually); default 50. */
    maxRequestsPerSecond: z.number().positive().optional(),
  })
  .strict();
export type ConnectionConfig = z.infer<typeof ConnectionConfig>;

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i;

/**
 * Why a connection's baseUrl may not receive its token, or undefined: it must be https; http only
 * on a loopback host and only with `allowInsecureHttp` (a simulator). Kept out of the schema's
 * refinements so drafts can still derive partial schemas from ConnectionConfig.
 */
export function connectionUrlProblem(connection: Pick<ConnectionConfig, 'baseUrl' | 'allowInsecureHttp'>): string | undefined {
  let url: URL;
  try {
    url = new URL(connection.baseUrl);
  } catch {
    return 'baseUrl must be a URL';
  }
  if (url.protocol === 'https:') return undefined;
  if (url.protocol !== 'http:') return `baseUrl must be https (got ${url.protocol})`;
  if (!LOOPBACK.test(url.hostname)) return 'baseUrl must be https; http is allowed only on a loopback host (127.0.0.1, localhost, [::1])';
  if (connection.allowInsecureHttp !== true) return 'baseUrl is http: set allowInsecureHttp: true to allow it (simulators on a loopback host only)';
  return undefined;
}
