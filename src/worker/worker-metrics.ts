import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { AuditEntry, StateStore } from '../store/state-store';
import type { ConcurRequestObservation } from '../targets/concur/concur-http-client';

/**
 * What only a worker process sees: each Concur request's latency and 429s, and each user written
 * with its action and outcome. Every worker counts its own; Prometheus scrapes each worker and
 * sums (cluster-wide figures read from the store and the workflows are the API's /metrics).
 */
export class WorkerMetrics {
  readonly registry = new Registry();
  private readonly latency = new Histogram({
    name: 'outbound_concur_request_duration_seconds',
    help: 'Concur HTTP request latency (each attempt), by connection, operation and status class',
    labelNames: ['connection', 'operation', 'status'],
    buckets: [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });
  private readonly throttled = new Counter({ name: 'outbound_concur_throttled_total', help: 'Concur answers 429 (rate limited)', labelNames: ['connection'], registers: [this.registry] });
  private readonly userActions = new Counter({
    name: 'outbound_user_actions_total',
    help: 'Users handled by this worker, by channel, action and outcome (from the audit it records)',
    labelNames: ['channel', 'action', 'outcome'],
    registers: [this.registry],
  });

  constructor(options: { processMetrics?: boolean } = {}) {
    if (options.processMetrics !== false) collectDefaultMetrics({ register: this.registry, prefix: 'outbound_worker_' });
  }

  observeConcurRequest = (o: ConcurRequestObservation): void => {
    // Status classes keep the label set small; 429 stays apart because it is what operators watch.
    const status = o.status === 'error' ? 'error' : o.status === 429 ? '429' : `${Math.floor(o.status / 100)}xx`;
    this.latency.observe({ connection: o.connectionId, operation: o.operation, status }, o.durationMs / 1000);
    if (o.status === 429) this.throttled.inc({ connection: o.connectionId });
  };

  countAudit(entries: readonly AuditEntry[]): void {
    for (const e of entries) this.userActions.inc({ channel: e.channelId, action: e.action, outcome: e.outcome });
  }

  /** The store with its audit writes counted (inside transactions too), everything else as is. */
  observeStore<S extends StateStore>(store: S): S {
    const count = (entries: AuditEntry[]) => this.countAudit(entries);
    const wrap = (inner: StateStore): StateStore =>
      new Proxy(inner, {
        get(target, prop, receiver) {
          if (prop === 'appendAudit') {
            return async (entries: AuditEntry[]) => {
              await target.appendAudit(entries);
              count(entries);
            };
          }
          if (prop === 'transaction') return <T>(fn: (s: StateStore) => Promise<T>) => target.transaction((s) => fn(wrap(s)));
          const value: unknown = Reflect.get(target, prop, receiver);
          return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
        },
      });
    return wrap(store) as S;
  }

  metrics(): Promise<string> {
    return this.registry.metrics();
  }
}
