import { z } from 'zod';
import { MAX_BREAKER_PROBE_SECONDS, MAX_INTERVAL_SECONDS, MAX_REQUEST_TIMEOUT_MS, MAX_RETRY_DELAY_SECONDS, durationMs } from './duration-limits';
import { AttributeMapping } from './mapping-config';
import { Exclusion, SourceLocation, SourceSettings } from './source-settings';

export const ChannelConfig = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'lower-case letters, digits and dashes'),
    name: z.string().optional(),
    connectionId: z.string(),
    datastoreId: z.string(),
    active: z.boolean().default(false),
    /** Concur writes in flight at once (PingFederate's max threads). */
    maxThreads: z.number().int().min(1).max(64).default(8),
    /** Per-record timeout for one Concur write. */
    timeoutMs: durationMs(MAX_REQUEST_TIMEOUT_MS).default(60000),
    intervalSeconds: z.number().int().min(1).max(MAX_INTERVAL_SECONDS, `at most ${MAX_INTERVAL_SECONDS} s (7 days)`).default(60),
    /** A full reconcile every N cycles catches deletions incremental reads cannot see. */
    fullReconcileEvery: z.number().int().min(1).default(10),
    provisionDisabledUsers: z.boolean().default(false),
    removeAction: z.enum(['disable', 'delete']).default('disable'),
    source: SourceSettings,
    location: SourceLocation.default({ filter: '(objectClass=inetOrgPerson)', nestedSearch: false }),
    exclusion: Exclusion.default({ dns: [] }),
    mapping: AttributeMapping,
    /** Durable per-user retries after transient failures, and the circuit breaker's first probe. */
    retry: z
      .object({
        initialDelaySeconds: z.number().min(0.1).max(MAX_RETRY_DELAY_SECONDS, `at most ${MAX_RETRY_DELAY_SECONDS} s`).default(10),
        maxAttempts: z.number().int().min(1).max(100).default(8),
        breakerProbeSeconds: z.number().min(0.1).max(MAX_BREAKER_PROBE_SECONDS, `at most ${MAX_BREAKER_PROBE_SECONDS} s`).default(5),
      })
      .strict()
      .default({ initialDelaySeconds: 10, maxAttempts: 8, breakerProbeSeconds: 5 }),
    guard: z
      .object({ maxRemovals: z.number().int().min(0).default(100), maxRemovalPercent: z.number().min(0).max(100).default(20) })
      .strict()
      .default({ maxRemovals: 100, maxRemovalPercent: 20 }),
  })
  .strict();
export type ChannelConfig = z.infer<typeof ChannelConfig>;
