import { z } from 'zod';
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
    companyId: z.string().optional(),
    auth: ConcurAuthConfig,
    /** Fields this tenant requires beyond Concur's minimum (Concur field names). */
    requiredFields: z.array(z.string()).default([]),
    timeoutMs: z.number().int().positive().default(30000),
    maxConnections: z.number().int().positive().default(16),
    /** Ceiling of the connector's adaptive rate limit (halved on 429, regained gradually); default 50. */
    maxRequestsPerSecond: z.number().positive().optional(),
  })
  .strict();
export type ConnectionConfig = z.infer<typeof ConnectionConfig>;
