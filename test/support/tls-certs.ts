/**
 * Throwaway TLS material for tests, made with the openssl command-line tool (offline): a CA and a
 * server certificate it signed for 127.0.0.1 and localhost. EC P-256 keys: generated in
 * milliseconds, and accepted by both Node and slapd's GnuTLS.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface TestCa {
  /** PEM certificate of the CA (what clients put in caFile). */
  caFile: string;
  caKeyFile: string;
}

export interface TestCertificates extends TestCa {
  /** PEM server certificate, subjectAltName IP:127.0.0.1, DNS:localhost. */
  certFile: string;
  /** PEM private key of the server certificate (mode 0600, owned by whoever runs the tests). */
  keyFile: string;
}

export class OpensslError extends Error {
  override name = 'OpensslError';
}

function openssl(args: string[]): void {
  const result = spawnSync('openssl', args, { encoding: 'utf8' });
  if (result.error) throw new OpensslError(`cannot run openssl (${(result.error as NodeJS.ErrnoException).code ?? 'error'}); install it (apt-get install openssl)`, { cause: result.error });
  if (result.status !== 0) throw new OpensslError(`openssl ${args[0]} failed (exit ${result.status}): ${result.stderr.trim().split('\n').slice(-3).join(' | ')}`);
}

/** A self-signed CA in `dir` (created if needed); `name` tells several CAs apart. */
export function createTestCa(dir: string, name = 'ca'): TestCa {
  mkdirSync(dir, { recursive: true });
  const caFile = join(dir, `${name}.pem`);
  const caKeyFile = join(dir, `${name}.key`);
  // prettier-ignore
  openssl([
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', caKeyFile, '-out', caFile, '-days', '2', '-subj', `/CN=Outbound test CA ${name}`,
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  chmodSync(caKeyFile, 0o600);
  return { caFile, caKeyFile };
}

/** A CA and a server certificate for 127.0.0.1/localhost signed by it, in `dir`. */
export function createTestCertificates(dir: string): TestCertificates {
  const ca = createTestCa(dir);
  const keyFile = join(dir, 'server.key');
  const csrFile = join(dir, 'server.csr');
  const certFile = join(dir, 'server.pem');
  const extFile = join(dir, 'server.ext');
  openssl(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', keyFile, '-out', csrFile, '-subj', '/CN=localhost']);
  // Node checks the host against subjectAltName only (the CN is ignored), so both names go there.
  writeFileSync(extFile, 'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n');
  openssl(['x509', '-req', '-in', csrFile, '-CA', ca.caFile, '-CAkey', ca.caKeyFile, '-set_serial', '2', '-days', '2', '-extfile', extFile, '-out', certFile]);
  // Private to the test user, who is also the user slapd runs as, so slapd can still read it.
  chmodSync(keyFile, 0o600);
  rmSync(csrFile);
  rmSync(extFile);
  return { ...ca, certFile, keyFile };
}
