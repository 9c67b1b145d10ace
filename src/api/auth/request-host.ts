/**
 * The Host check against DNS rebinding: a page on evil.example that re-points its name at
 * 127.0.0.1 reaches the API with `Host: evil.example`, which no allowed name matches.
 */
export const DEFAULT_ALLOWED_HOSTS: readonly string[] = ['127.0.0.1', 'localhost', '[::1]'];

/** Splits a Host header into lower-case hostname and port (IPv6 literals keep their brackets). */
export function parseHostHeader(value: string): { hostname: string; port?: string } | undefined {
  const m = /^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(?::(\d{1,5}))?$/i.exec(value.trim());
  return m ? { hostname: m[1].toLowerCase(), port: m[2] } : undefined;
}

/**
 * Whether a Host header names this API. `allowed` holds hostnames (any port) or `host:port`
 * pairs; a missing or malformed header is refused.
 */
export function hostAllowed(header: string | undefined, allowed: readonly string[]): boolean {
  if (!header) return false;
  const parsed = parseHostHeader(header);
  if (!parsed) return false;
  const withPort = parsed.port ? `${parsed.hostname}:${parsed.port}` : parsed.hostname;
  return allowed.some((a) => {
    const entry = a.trim().toLowerCase();
    return entry === parsed.hostname || entry === withPort;
  });
}

/** `OUTBOUND_API_ALLOWED_HOSTS`: comma-separated names; the loopback names when unset. */
export function allowedHostsFromEnv(value: string | undefined): string[] {
  const list = (value ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  return list.length ? list : [...DEFAULT_ALLOWED_HOSTS];
}
