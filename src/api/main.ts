/** The admin API process (`npm run api`). */
import { Client, Connection } from '@temporalio/client';
import { loadSettings } from '../config/settings';
import { openStore } from '../worker/runtime';
import { buildApi } from './server';

async function main() {
  const settings = loadSettings();
  const connection = await Connection.connect({ address: settings.temporalAddress });
  const client = new Client({ connection, namespace: settings.namespace });
  const store = await openStore(settings);
  const app = buildApi({ client, store, logger: { level: process.env.OUTBOUND_LOG_LEVEL ?? 'info' } });
  await app.listen({ host: settings.apiHost, port: settings.apiPort });
  const shutdown = async () => {
    await app.close();
    await store.close();
    await connection.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown());
  process.once('SIGTERM', () => void shutdown());
}

main().catch((err: Error) => {
  console.error(`outbound api: ${err.message}`);
  process.exit(1);
});
