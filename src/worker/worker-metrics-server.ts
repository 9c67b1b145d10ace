import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { WorkerMetrics } from './worker-metrics';

/**
 * The worker's own scrape endpoint: GET /metrics (Prometheus text) and GET /healthz (liveness).
 * Nothing else, no secrets, no user data; bound where OUTBOUND_WORKER_METRICS_ADDRESS says.
 */
export async function startWorkerMetricsServer(metrics: WorkerMetrics, listen: { host: string; port: number }): Promise<{ server: Server; url: string; close: () => Promise<void> }> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    if (path === '/healthz') {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
      return;
    }
    if (path !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    metrics.metrics().then(
      (text) => res.writeHead(200, { 'content-type': metrics.registry.contentType }).end(text),
      () => res.writeHead(500).end(),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port, listen.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = listen.host.includes(':') ? `[${listen.host}]` : listen.host;
  return { server, url: `http://${host}:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** `host:port` (e.g. `0.0.0.0:9464`, `[::]:9464`) or just a port (loopback); undefined when unset. */
export function parseMetricsAddress(value: string | undefined): { host: string; port: number } | undefined {
  if (!value) return undefined;
  const m = /^(?:\[?([^\]]*?)\]?:)?(\d{1,5})$/.exec(value.trim());
  const port = m ? Number(m[2]) : NaN;
  if (!m || port > 65535) throw new WorkerMetricsAddressError(`OUTBOUND_WORKER_METRICS_ADDRESS must be host:port or a port, not "${value}"`);
  return { host: m[1] || '127.0.0.1', port };
}

/** OUTBOUND_WORKER_METRICS_ADDRESS is not an address. */
export class WorkerMetricsAddressError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WorkerMetricsAddressError';
  }
}
