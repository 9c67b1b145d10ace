import type { FastifyInstance } from 'fastify';
import { Gauge, Registry } from 'prom-client';
import type { ApiDeps } from './server';

/**
 * Probes and metrics, outside /api/v1 and without a key (what load balancers and Prometheus
 * expect). Readiness names each dependency and says up or down, never the raw error.
 */
export function registerHealthRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const { store, client } = deps;
  const probes: Record<string, () => Promise<unknown>> = {
    // The call's own deadline, so a hung frontend leaves no retrying call behind the probe.
    temporal: () => client.connection.withDeadline(Date.now() + (deps.readinessTimeoutMs ?? READINESS_TIMEOUT_MS), () => client.workflowService.getSystemInfo({})),
    store: () => store.getChannelState('readiness-probe'),
  };

  // Liveness: the process answers. No dependency is consulted, so an outage of Temporal or the
  // database never makes the orchestrator restart healthy API processes.
  app.get('/healthz', { config: { role: 'public' }, schema: { summary: 'Liveness (the process answers; no dependency checked)', tags: ['health'] } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { config: { role: 'public' }, schema: { summary: 'Readiness: each dependency up or down (names only)', tags: ['health'] } }, async (_req, reply) => {
    const checks: Record<string, 'up' | 'down'> = {};
    await Promise.all(
      Object.entries(probes).map(async ([name, probe]) => {
        checks[name] = await withTimeout(probe(), deps.readinessTimeoutMs ?? READINESS_TIMEOUT_MS).then(
          () => 'up' as const,
          () => 'down' as const,
        );
      }),
    );
    const ok = Object.values(checks).every((v) => v === 'up');
    return reply.code(ok ? 200 : 503).send({ status: ok ? 'ready' : 'not-ready', checks });
  });

  // Read from the store at scrape time: the API process sees channels, cycles and users; the
  // Concur client's latency and 429s live in the worker process and are exported there.
  const registry = new Registry();
  const cycles = new Gauge({ name: 'outbound_cycles', help: 'Recorded cycles (last 1000 per channel) by outcome', labelNames: ['channel', 'outcome'], registers: [registry] });
  const users = new Gauge({ name: 'outbound_users', help: 'Managed users by status', labelNames: ['channel', 'status'], registers: [registry] });
  const pendingRetries = new Gauge({ name: 'outbound_pending_user_retries', help: 'Users waiting for a durable per-user retry', labelNames: ['channel'], registers: [registry] });
  const held = new Gauge({ name: 'outbound_held_cycles', help: 'Cycles held by the mass-change guard', labelNames: ['channel'], registers: [registry] });
  const breaker = new Gauge({ name: 'outbound_breaker_open', help: "1 while a channel's circuit breaker is open", labelNames: ['channel'], registers: [registry] });
  const active = new Gauge({ name: 'outbound_channel_active', help: '1 for an active channel', labelNames: ['channel'], registers: [registry] });

  app.get('/metrics', { config: { role: 'public' }, schema: { summary: 'Prometheus metrics', tags: ['health'] } }, async (_req, reply) => {
    registry.resetMetrics();
    for (const { config } of await store.listChannels()) {
      const id = config.id;
      active.set({ channel: id }, config.active ? 1 : 0);
      const byOutcome = new Map<string, number>();
      let isHeld = 0;
      for (const c of await store.listCycles(id, 1000)) byOutcome.set(c.outcome, (byOutcome.get(c.outcome) ?? 0) + 1);
      for (const [outcome, n] of byOutcome) cycles.set({ channel: id, outcome }, n);
      for (const [status, n] of Object.entries(await store.countUsers(id))) users.set({ channel: id, status }, n);
      const failed = await store.listFailed(id, 1000);
      pendingRetries.set({ channel: id }, failed.filter((u) => u.nextAttemptAt).length);
      let breakerOpen = 0;
      if (config.active) {
        const status = await channelProgress(deps, id);
        isHeld = status === 'awaiting-approval' ? 1 : 0;
        breakerOpen = status === 'breaker-open' ? 1 : 0;
      }
      held.set({ channel: id }, isHeld);
      breaker.set({ channel: id }, breakerOpen);
    }
    return reply.type(registry.contentType).send(await registry.metrics());
  });
}

/** A dependency that does not answer within this is down (probes run every few seconds). */
const READINESS_TIMEOUT_MS = 3000;

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error('timed out')), ms);
  });
  try {
    return await Promise.race([promise, timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

async function channelProgress(deps: ApiDeps, channelId: string): Promise<string | undefined> {
  const { ChannelControl } = await import('./channel-control');
  try {
    const status = await new ChannelControl(deps.client, deps.taskQueue).status(channelId);
    return status.progress?.phase;
  } catch {
    return undefined;
  }
}
