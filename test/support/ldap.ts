import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../scripts/services/service';
import { startSlapd } from '../../scripts/services/slapd';

export interface TestLdap {
  /** ldap://127.0.0.1:<port> */
  url: string;
  bindDn: string;
  bindPassword: string;
  /** The directory suffix, e.g. dc=example,dc=com. */
  baseDn: string;
  stop(): Promise<void>;
}

/**
 * A real OpenLDAP: the one `npm test` started (OUTBOUND_LDAP_URL etc.), else a private slapd on a
 * free port in a temporary folder (with the demo directory), so a test file can also run alone.
 * Suites sharing a server keep apart by adding their entries under an OU of their own.
 */
export async function ensureLdap(): Promise<TestLdap> {
  const env = process.env;
  if (env.OUTBOUND_LDAP_URL && env.OUTBOUND_LDAP_BIND_DN && env.OUTBOUND_LDAP_BIND_PASSWORD && env.OUTBOUND_LDAP_BASE_DN) {
    return { url: env.OUTBOUND_LDAP_URL, bindDn: env.OUTBOUND_LDAP_BIND_DN, bindPassword: env.OUTBOUND_LDAP_BIND_PASSWORD, baseDn: env.OUTBOUND_LDAP_BASE_DN, stop: async () => {} };
  }
  const dir = mkdtempSync(join(tmpdir(), 'outbound-ldap-'));
  const svc = await startSlapd({ port: await freePort(), dataDir: join(dir, 'slapd'), logDir: env.OUTBOUND_TEST_LOG_DIR ?? join(dir, 'logs'), loadDemo: true, log: () => {} });
  return {
    url: svc.url,
    bindDn: svc.env.OUTBOUND_LDAP_BIND_DN,
    bindPassword: svc.env.OUTBOUND_LDAP_BIND_PASSWORD,
    baseDn: svc.env.OUTBOUND_LDAP_BASE_DN,
    async stop() {
      await svc.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
