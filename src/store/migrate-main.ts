/** `tsx src/store/migrate-main.ts`: brings the state store to the latest migration and exits (the Helm migration job). */
import { loadEnvFiles } from '../config/env-files';
import { loadSettings } from '../config/settings';
import { openStore } from '../app/runtime';

async function main() {
  loadEnvFiles();
  const store = await openStore(loadSettings()); // opening migrates (under knex's migration lock)
  await store.close();
  console.log('outbound state store: schema is current');
}

main().catch((err: Error) => {
  console.error(`outbound migrate: ${err.message}`);
  process.exit(1);
});
