/** The worker process (`npm run worker`): runs every Outbound workflow and activity. */
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Runtime, makeTelemetryFilterString } from '@temporalio/worker';
import { loadSettings } from '../config/settings';
import { loadEnvFiles } from '../config/env-files';
import { createDataConverter, createRuntimeDeps, openStore } from '../app/runtime';
import { startRetention } from './retention-start';
import { createOutboundWorker } from './worker';
import { WorkerMetrics } from './worker-metrics';
import { parseMetricsAddress, startWorkerMetricsServer } from './worker-metrics-server';

async function main() {
  loadEnvFiles(); // NAME_FILE secrets (compose, Kubernetes) before anything reads the environment
  const settings = loadSettings();
  Runtime.install({ telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'WARN' }) } } });
  const store = await openStore(settings);
  // Each worker's own /metrics (Concur latency and 429s, users by action and outcome), when asked for.
  const metricsAddress = parseMetricsAddress(process.env.OUTBOUND_WORKER_METRICS_ADDRESS);
  const metrics = metricsAddress ? new WorkerMetrics() : undefined;
  const metricsServer = metrics && metricsAddress ? await startWorkerMetricsServer(metrics, metricsAddress) : undefined;
  const connection = await NativeConnection.connect({ address: settings.temporalAddress });
  const { worker, closeResources } = await createOutboundWorker({
    connection,
    namespace: settings.namespace,
    taskQueue: settings.taskQueue,
    deps: createRuntimeDeps(store, {}, { metrics }),
    dataConverter: createDataConverter(settings),
  });
  // Retention of cycles, plan items and audit rows (personal data at rest): one daily workflow.
  const clientConnection = await Connection.connect({ address: settings.temporalAddress });
  const client = new Client({ connection: clientConnection, namespace: settings.namespace, dataConverter: createDataConverter(settings) });
  await startRetention(client, { retentionDays: settings.retentionDays, taskQueue: settings.taskQueue });
  await clientConnection.close();
  console.log(`outbound worker polling ${settings.temporalAddress} (namespace ${settings.namespace})${metricsServer ? `; metrics at ${metricsServer.url}/metrics` : ''}`);
  await worker.run(); // returns after SIGINT/SIGTERM, once in-flight tasks are done
  await closeResources();
  await metricsServer?.close();
  await store.close();
  await connection.close();
}

main().catch((err: Error) => {
  console.error(`outbound worker: ${err.message}`);
  process.exit(1);
});
