import { z } from 'zod';
import { MAX_BREAKER_PROBE_SECONDS, MAX_INTERVAL_SECONDS, MAX_REQUEST_TIMEOUT_MS, MAX_RETRY_DELAY_SECONDS, durationMs } from './duration-limits';
import { AttributeMapping } from './mapping-config';
import { Exclusion, SourceLocation, SourceSettings } from './source-settings';
import { RETRY_DEFAULTS } from '../schedules';

export const ChannelConfig = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'lower-case letters, digits and dashes'),
    name: z.string().optional(),
    connectionId: z.string(),
    datastoreId: z.string(),
    active: z.boolean().default(false),
    /**
     * Concur writes in flight per batch (PingFederate's max threads); two batches run at once, and
     * the connection's maxConnections caps the total. Up to 128 so a high-latency tenant can keep
     * 256 writes in flight.
     */
    maxThreads: z.number().int().min(1).max(128).default(8),
    /** Per-record timeout for one Concur write. */
    timeoutMs: durationMs(MAX_REQUEST_TIMEOUT_MS).default(60000),
    intervalSeconds: z.number().int().min(1).max(MAX_INTERVAL_SECONDS, `at most ${MAX_INTERVAL_SECONDS} s (7 days)`).default(60),
    /** A full reconcile every N cycles catches deletions incremental reads cannot see. */
    fullReconcileEvery: z.number().int().min(1).default(10),
    /**
     * Every N full cycles, also reconcile with what Concur holds (re-create missing users, repair
     * drifted fields, list orphans); 0: only on demand (`sync --mode target`).
     */
    targetReconcileEvery: z.number().int().min(0).default(0),
    /**
     * Concur users no source entry manages, found by target reconciliation: `list` (audit warnings
     * only) or, opted in, `disable`. Excluded entries (the Concur administrator) are never orphans.
     */
    orphanAction: z.enum(['list', 'disable']).default('list'),
    /** PingFederate's provisioning options: with one off, that kind of write is held back (audited, counted). */
    userCreate: z.boolean().default(true),
    /** Updates, and re-enabling a disabled user (PingFederate: re-enable needs User Update). */
    userUpdate: z.boolean().default(true),
    /** Disables and deletes (the Remove User Action). */
    userDisableDelete: z.boolean().default(true),
    /** Create users disabled in the source, as disabled Concur users. */
    provisionDisabledUsers: z.boolean().default(false),
    /**
     * PingFederate's Remove User Action, for users who left the source location, were deleted from
     * the datastore or were disabled there. A delete Concur refuses (history) falls back to disable.
     */
    removeAction: z.enum(['disable', 'delete']).default('disable'),
    /**
     * Migration from another provisioner: link a Concur account found by userName alone when it has
     * no employeeNumber at all. An account with a different employeeNumber is never linked.
     */
    linkByUserName: z.boolean().default(false),
    source: SourceSettings,
    location: SourceLocation.default({ filter: '(objectClass=inetOrgPerson)', nestedSearch: false }),
    exclusion: Exclusion.default({ dns: [] }),
    mapping: AttributeMapping,
    /** Durable per-user retries after transient failures, and the circuit breaker's first probe. */
    retry: z
      .object({
        initialDelaySeconds: z.number().min(0.1).max(MAX_RETRY_DELAY_SECONDS, `at most ${MAX_RETRY_DELAY_SECONDS} s`).default(RETRY_DEFAULTS.initialDelaySeconds),
        maxAttempts: z.number().int().min(1).max(100).default(RETRY_DEFAULTS.maxAttempts),
        breakerProbeSeconds: z.number().min(0.1).max(MAX_BREAKER_PROBE_SECONDS, `at most ${MAX_BREAKER_PROBE_SECONDS} s`).default(RETRY_DEFAULTS.breakerProbeSeconds),
      })
      .strict()
      .default({ ...RETRY_DEFAULTS }),
    guard: z
      .object({ maxRemovals: z.number().int().min(0).default(100), maxRemovalPercent: z.number().min(0).max(100).default(20) })
      .strict()
      .default({ maxRemovals: 100, maxRemovalPercent: 20 }),
  })
  .strict()
  .superRefine(refuseContradictions);
export type ChannelConfig = z.infer<typeof ChannelConfig>;

/** Option combinations PingFederate does not allow either: refused naming both fields. */
function refuseContradictions(c: { provisionDisabledUsers: boolean; userCreate: boolean; removeAction: string }, ctx: z.RefinementCtx): void {
  if (c.provisionDisabledUsers && !c.userCreate) {
    ctx.addIssue({ code: 'custom', path: ['provisionDisabledUsers'], message: 'provisionDisabledUsers needs userCreate: disabled users cannot be provisioned when creates are off' });
  }
  if (c.provisionDisabledUsers && c.removeAction === 'delete') {
    ctx.addIssue({ code: 'custom', path: ['provisionDisabledUsers'], message: "provisionDisabledUsers is allowed only with removeAction 'disable' (as in PingFederate): a user disabled in the source would be both provisioned and deleted" });
  }
}
