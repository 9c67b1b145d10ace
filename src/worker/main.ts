/** The worker process (`npm run worker`): runs every Outbound workflow and activity. */
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Runtime, makeTelemetryFilterString } from '@temporalio/worker';
import { loadSettings } from '../config/settings';
import { loadEnvFiles } from '../config/env-files';
import { createDataConverter, createRuntimeDeps, openStore } from '../app/runtime';
import { startRetention } from './retention-start';
import { createOutboundWorker } from './worker';

async function main() {
  loadEnvFiles(); // NAME_FILE secrets (compose, Kubernetes) before anything reads the environment
  const settings = loadSettings();
  Runtime.install({ telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'WARN' }) } } });
  const store = await openStore(settings);
  const connection = await NativeConnection.connect({ address: settings.temporalAddress });
  const { worker, closeResources } = await createOutboundWorker({
    connection,
    namespace: settings.namespace,
    taskQueue: settings.taskQueue,
    deps: createRuntimeDeps(store),
    dataConverter: createDataConverter(settings),
  });
  // Retention of cycles, plan items and audit rows (personal data at rest): one daily workflow.
  const clientConnection = await Connection.connect({ address: settings.temporalAddress });
  const client = new Client({ connection: clientConnection, namespace: settings.namespace, dataConverter: createDataConverter(settings) });
  await startRetention(client, { retentionDays: settings.retentionDays, taskQueue: settings.taskQueue });
  await clientConnection.close();
  console.log(`outbound worker polling ${settings.temporalAddress} (namespace ${settings.namespace})`);
  await worker.run(); // returns after SIGINT/SIGTERM, once in-flight tasks are done
  await closeResources();
  await store.close();
  await connection.close();
}

main().catch((err: Error) => {
  console.error(`outbound worker: ${err.message}`);
  process.exit(1);
});
