/**
 * Opens a bound LDAP connection for a datastore: each URL in order (failover), ldaps:// or
 * StartTLS with an optional CA bundle, connect and operation timeouts, a simple bind, then one
 * root DSE read to learn the naming contexts and whether the server is Active Directory.
 * ldapts never chases referrals: search references are returned to us and we ignore them.
 */
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import type { ConnectionOptions } from 'node:tls';
import { Client } from 'ldapts';
import type { LdapDatastoreConfig } from '../domain/config/datastore-config';
import { LdapDatastoreError } from './ldap-datastore-error';

/** supportedCapabilities value announced by every Active Directory domain controller. */
const AD_CAPABILITY = '1.2.840.113556.1.4.800';

export interface LdapConnection {
  client: Client;
  /** The URL that answered. */
  url: string;
  activeDirectory: boolean;
  /** Suffixes the server holds, from the root DSE (empty when it cannot be read). */
  namingContexts: string[];
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE']);

/** True for failures of the connection itself (worth the next URL, or a later retry). */
export function isNetworkError(err: unknown): boolean {
  const e = err as NodeJS.ErrnoException;
  if (e?.code && NETWORK_CODES.has(e.code)) return true;
  const message = e?.message ?? '';
  return /Connection timeout|Operation timed out|Socket error|Connection closed|socket hang up|Socket connection not established/i.test(message);
}

/**
 * Maps a failed TLS handshake to the setting at fault: an untrusted certificate is a caFile
 * matter, a certificate for another host or a peer that does not speak TLS is the URL's.
 * Undefined when the error is not about TLS.
 */
function tlsError(err: unknown, url: string, startTls: boolean): LdapDatastoreError | undefined {
  const code = (err as NodeJS.ErrnoException)?.code ?? '';
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    return new LdapDatastoreError('datastore.urls', `the server certificate of ${url} does not name its host (${code}); use a host name the certificate lists`, false, { cause: err });
  }
  if (/CERT|SELF_SIGNED|UNABLE_TO_/.test(code)) {
    return new LdapDatastoreError(
      'datastore.caFile',
      `the server certificate of ${url} is not trusted (${code}); set datastore.caFile to a PEM bundle holding the CA that issued it`,
      false,
      { cause: err },
    );
  }
  if (/^ERR_SSL|^ERR_TLS|^EPROTO$/.test(code)) {
    const hint = startTls ? 'check that the server supports StartTLS' : 'check that the port serves ldaps:// (636), not plain ldap:// (389)';
    return new LdapDatastoreError(startTls ? 'datastore.startTls' : 'datastore.urls', `the TLS handshake with ${url} failed (${code}); ${hint}`, false, { cause: err });
  }
  return undefined;
}

function describe(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  return e?.code ?? e?.name ?? 'error';
}

function tlsOptions(config: LdapDatastoreConfig, host: string): ConnectionOptions {
  // `host` is what the certificate is checked against (a StartTLS socket has none of its own);
  // SNI must not carry an IP address (RFC 6066, and Node warns), so servername only for names.
  const options: ConnectionOptions = { rejectUnauthorized: config.rejectUnauthorized, host };
  if (!isIP(host)) options.servername = host;
  if (config.caFile) {
    let pem: string;
    try {
      pem = readFileSync(config.caFile, 'utf8');
    } catch (err) {
      throw new LdapDatastoreError('datastore.caFile', `cannot read the CA bundle ${config.caFile} (${describe(err)})`, false, { cause: err });
    }
    // Node silently ignores a bundle without PEM certificates, which would surface later as an
    // "untrusted certificate" that hides the real mistake.
    if (!pem.includes('-----BEGIN CERTIFICATE-----')) {
      throw new LdapDatastoreError('datastore.caFile', `the CA bundle ${config.caFile} holds no PEM certificate (-----BEGIN CERTIFICATE-----)`, false);
    }
    options.ca = pem;
  }
  return options;
}

/** Connects and binds to one URL; errors are LdapDatastoreErrors naming the setting at fault. */
async function connectOne(config: LdapDatastoreConfig, url: string, password: string): Promise<LdapConnection> {
  const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
  const ldaps = url.startsWith('ldaps://');
  const startTls = config.startTls && !ldaps;
  const tls = ldaps || startTls ? tlsOptions(config, host) : undefined;
  // Only ldaps:// gets tlsOptions up front: ldapts opens a TLS socket whenever tlsOptions are
  // set, which on a StartTLS (plain) port fails the handshake before StartTLS is even asked.
  const client = new Client({ url, connectTimeout: config.connectTimeoutMs, timeout: config.timeoutMs, tlsOptions: ldaps ? tls : undefined, strictDN: false });
  try {
    if (startTls) {
      try {
        // A copy: ldapts adds the plain socket to the options it is given.
        await client.startTLS({ ...tls });
      } catch (err) {
        if (isNetworkError(err)) throw err;
        throw tlsError(err, url, true) ?? new LdapDatastoreError('datastore.startTls', `${url} refused StartTLS (${describe(err)})`, false, { cause: err });
      }
    }
    try {
      await client.bind(config.bindDn, password);
    } catch (err) {
      const tlsFailure = ldaps ? tlsError(err, url, false) : undefined;
      if (tlsFailure) throw tlsFailure;
      if (isNetworkError(err)) throw err;
      switch ((err as Error).name) {
        case 'InvalidCredentialsError':
          throw new LdapDatastoreError('datastore.bindPassword', `${url} rejected the bind: wrong password (or unknown bind DN)`, false, { cause: err });
        case 'InvalidDNSyntaxError':
          throw new LdapDatastoreError('datastore.bindDn', 'the bind DN is not a valid DN', false, { cause: err });
        case 'ConfidentialityRequiredError':
        case 'StrongAuthRequiredError':
          throw new LdapDatastoreError('datastore.startTls', `${url} requires an encrypted connection: use ldaps:// or startTls`, false, { cause: err });
        case 'UnwillingToPerformError':
          throw new LdapDatastoreError('datastore.bindPassword', `${url} refused the bind (empty password or account unusable)`, false, { cause: err });
        default:
          throw new LdapDatastoreError('datastore.bindDn', `${url} refused the bind (${describe(err)})`, false, { cause: err });
      }
    }
    const root = await client.search('', { scope: 'base', filter: '(objectClass=*)', attributes: ['namingContexts', 'supportedCapabilities'] }).catch(() => undefined);
    const dse = root?.searchEntries[0];
    const list = (v: unknown) => (Array.isArray(v) ? v.map(String) : v === undefined ? [] : [String(v)]);
    return {
      client,
      url,
      activeDirectory: list(dse?.supportedCapabilities).includes(AD_CAPABILITY),
      namingContexts: list(dse?.namingContexts),
    };
  } catch (err) {
    await client.unbind().catch(() => {});
    throw err;
  }
}

/**
 * Tries the datastore's URLs in order. Credential and certificate faults stop at once (every URL
 * is the same directory); unreachable servers move on to the next URL.
 */
export async function openLdapConnection(config: LdapDatastoreConfig, password: string): Promise<LdapConnection> {
  const failures: string[] = [];
  let last: unknown;
  for (const url of config.urls) {
    try {
      return await connectOne(config, url, password);
    } catch (err) {
      if (err instanceof LdapDatastoreError) throw err;
      last = err;
      failures.push(`${url} (${describe(err) === 'Error' ? (err as Error).message : describe(err)})`);
    }
  }
  throw new LdapDatastoreError('datastore.urls', `no LDAP server answered: ${failures.join(', ')}`, true, { cause: last });
}

/**
 * Maps a failed search to the setting at fault. `setting` names what the search was about
 * (its base DN or filter); network trouble and server overload are transient.
 */
export function classifySearchError(err: unknown, setting: string, what: string): LdapDatastoreError {
  if (err instanceof LdapDatastoreError) return err;
  if (isNetworkError(err)) return new LdapDatastoreError('datastore.urls', `the connection failed while ${what} (${describe(err)})`, true, { cause: err });
  const name = (err as Error)?.name ?? 'Error';
  switch (name) {
    case 'NoSuchObjectError':
      return new LdapDatastoreError(setting, `the entry does not exist (${what})`, false, { cause: err });
    case 'InvalidDNSyntaxError':
      return new LdapDatastoreError(setting, `not a valid DN (${what})`, false, { cause: err });
    case 'InsufficientAccessError':
      return new LdapDatastoreError('datastore.bindDn', `the bind DN may not read what is needed (${what})`, false, { cause: err });
    case 'BusyError':
    case 'UnavailableError':
    case 'TimeLimitExceededError':
    case 'AdminLimitExceededError':
    case 'UnwillingToPerformError':
      return new LdapDatastoreError('datastore.urls', `the server could not complete the search (${name}, ${what})`, true, { cause: err });
    case 'SizeLimitExceededError':
      return new LdapDatastoreError('datastore.bindDn', `the server's size limit for this bind DN stopped the paged search (${what})`, false, { cause: err });
    default:
      return new LdapDatastoreError(setting, `the server rejected the search (${name}, ${what})`, false, { cause: err });
  }
}
