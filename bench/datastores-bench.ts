/**
 * `npm run bench:datastores [-- --entries 100000]`: reads N entries through the LDAP datastore
 * (real slapd) and N rows through the SQL datastore (real PostgreSQL), printing entries/s and
 * peak memory for each. One after the other, so they do not compete for the 2 cores.
 */
import { parseArgs } from 'node:util';
import { benchLdapRead } from './ldap-read-bench';
import { benchSqlRead } from './sql-read-bench';

async function main() {
  const { values } = parseArgs({ options: { entries: { type: 'string', default: '100000' } } });
  const n = Number(values.entries);
  const ldap = await benchLdapRead({ entries: n, log: () => undefined });
  console.log(`[bench] LDAP (slapd): ${n} entries, ${ldap.entriesPerSecond.toFixed(0)} entries/s, peak RSS ${ldap.peakRssMb.toFixed(0)} MB`);
  const sql = await benchSqlRead({ rows: n });
  console.log(`[bench] SQL (PostgreSQL): ${n} rows, ${sql.entriesPerSecond.toFixed(0)} entries/s, peak RSS ${sql.peakRssMb.toFixed(0)} MB`);
}

main().catch((err: Error) => {
  console.error(`[bench] ${err.message}`);
  process.exitCode = 1;
});
