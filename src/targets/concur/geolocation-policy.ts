/**
 * Which hosts a token response may send us to. The geolocation decides where the bearer token and
 * every user record go next, so it is trusted only when it is https on a Concur host
 * (`*.concursolutions.com`: the `*.api…` data centres and the legacy `www.`/`eu1.` hosts SAP
 * still documents) or the configured baseUrl's own origin (a simulator or a proxy the operator chose).
 */
import { trimSlash } from './url-text';

const CONCUR_DOMAIN = 'concursolutions.com';

export interface GeolocationPolicy {
  /** The geolocation as an origin without a trailing slash, or undefined when it is not trusted. */
  accept(geolocation: string | undefined): string | undefined;
}

export function geolocationPolicy(baseUrl: string, extraOrigins: readonly string[] = []): GeolocationPolicy {
  const trusted = new Set([baseUrl, ...extraOrigins].map(originOf).filter((o): o is string => o !== undefined));
  return {
    accept(geolocation) {
      if (typeof geolocation !== 'string' || geolocation.length > 2048) return undefined;
      let url: URL;
      try {
        url = new URL(geolocation);
      } catch {
        return undefined;
      }
      // A geolocation is a host, not an endpoint: no path, credentials, query or fragment.
      if (url.username || url.password || url.search || url.hash || (url.pathname !== '/' && url.pathname !== '')) return undefined;
      if (trusted.has(url.origin)) return trimSlash(url.origin);
      const host = url.hostname.toLowerCase();
      const concurHost = host === CONCUR_DOMAIN || host.endsWith(`.${CONCUR_DOMAIN}`);
      return url.protocol === 'https:' && concurHost && url.port === '' ? url.origin : undefined;
    },
  };
}

function originOf(value: string): string | undefined {
  try {
    return new URL(value).origin;
  } catch {
    return undefined;
  }
}
