/** The worker process (`npm run worker`): runs every Outbound workflow and activity. */
import { NativeConnection, Runtime, makeTelemetryFilterString } from '@temporalio/worker';
import { loadSettings } from '../config/settings';
import { loadEnvFiles } from '../config/env-files';
import { createDataConverter, createRuntimeDeps, openStore } from './runtime';
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
    taskQueue: process.env.OUTBOUND_TASK_QUEUE,
    deps: createRuntimeDeps(store),
    dataConverter: createDataConverter(settings),
  });
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
