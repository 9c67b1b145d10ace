/** Simulator options and faults: the knobs tests, the demo and benchmarks turn. */

/** A userName that always fails create/update with this message (status 400 unless given). */
export interface PoisonRecord {
  message: string;
  status?: number;
}

/**
 * Faults applied to API requests (never to `/_sim/*`). `setFaults` replaces the whole set.
 * Rates are probabilities 0..1 drawn from a PRNG; with `seed` set the sequence is reproducible.
 */
export interface FaultOptions {
  /** Added before answering, in ms. */
  latencyMs?: number;
  /** Uniform extra delay 0..jitter ms on top of latencyMs. */
  latencyJitterMs?: number;
  /** Share of requests answered with `errorStatus` (default 503) instead of being processed. */
  errorRate?: number;
  errorStatus?: number;
  /** Seed for the fault PRNG; omit for Math.random-like behaviour. */
  seed?: number;
  /** Requests per second (whole simulator, fixed one-second windows) above which 429 is answered. */
  rateLimitRps?: number;
  /** Retry-After seconds on 429; default: whole seconds left in the current window (often 0). */
  retryAfterSeconds?: number;
  /** Share of requests whose socket is destroyed without a response. */
  resetRate?: number;
  /** The next N requests have their socket destroyed. */
  resetNext?: number;
  /** Share of requests held without ever answering (until the client gives up or the simulator closes). */
  timeoutRate?: number;
  /** The next N requests are held without answering. */
  timeoutNext?: number;
  /**
   * Share of requests processed normally whose answer is then lost (socket destroyed after the
   * work is done): the user is created or updated, but the client never learns it.
   */
  lostResponseRate?: number;
  /** Share of requests answered 429 whatever the rate (Retry-After as for rateLimitRps). */
  throttleRate?: number;
  /** Share of requests delayed by an extra `spikeMs` (latency spikes). */
  spikeRate?: number;
  /** Extra delay of a latency spike, in ms (default 2000). */
  spikeMs?: number;
  /** userName (case-insensitive) → failure every create/update of that user gets. */
  poison?: Record<string, PoisonRecord>;
  /** Only requests whose path starts with one of these prefixes get faults; default: all API paths. */
  pathPrefixes?: string[];
}

/** A tenant: its id and what it requires beyond Concur's minimum. */
export interface CompanyOptions {
  id: string;
  /**
   * Attribute paths every user of this company must have, in SCIM path form
   * (e.g. `title`, `urn:…:enterprise:2.0:User:costCenter`). Default: Concur's minimum.
   */
  requiredFields?: string[];
}

export interface SimulatorOptions {
  /** Serve https with this PEM certificate and key (the compose demo: a cert its own demo CA signed). */
  tls?: { cert: string | Buffer; key: string | Buffer };
  /** Tenants; default one: the demo company. The first is the default for minted tokens. */
  companies?: CompanyOptions[];
  /** Static bearer token accepted for the first company with all scopes (PingFederate's OAUTH_ACCESS_TOKEN). */
  demoToken?: string;
  /** OAuth2 clients; default `demo-client`/`demo-secret`. */
  clients?: Array<{ clientId: string; clientSecret: string; disabled?: boolean }>;
  /** Company request tokens (24 h in Concur); default one for the demo company. */
  requestToken?: string;
  /** A refresh token valid from start-up for the demo client and company. */
  refreshToken?: string;
  /** Access-token lifetime in seconds (Concur: 3600). */
  accessTokenTtlSeconds?: number;
  /** Refresh-token lifetime in seconds (Concur: ~6 months). */
  refreshTokenTtlSeconds?: number;
  /** `expires_in` as the string "3600" (AUTH) instead of a number (MIG). */
  expiresInAsString?: boolean;
  /**
   * When set, the password grant answers code 16 telling the client to retry at this geolocation,
   * unless the request already came to it (matched on the Host header).
   */
  wrongGeolocation?: string;
  /** Geolocation returned in token responses; default the simulator's own URL. */
  geolocation?: string;
  /** Duplicate userName answer (unconfirmed in the docs; RFC 7644 default). */
  uniqueness?: { status: number; scimType: string };
  /** Reject a create without enterprise companyId instead of taking it from the token. */
  requireCompanyId?: boolean;
  /** UPS provisions complete after this many ms... */
  provisionDelayMs?: number;
  /** ...or after this many status polls, whichever comes first (0 = first poll sees it done). */
  provisionPolls?: number;
  /** Serve the legacy User v1.0 XML API. */
  legacyV1?: boolean;
  /** Persist users to this JSON file (loaded at start, written on close and debounced after writes). */
  stateFile?: string;
  /** Initial faults. */
  faults?: FaultOptions;
  /** Keep at most this many request-log entries (oldest dropped). */
  requestLogLimit?: number;
  /** Log request bodies in the request log (costs memory in benchmarks). */
  logBodies?: boolean;
}

/** Concur's minimum for a user (digest §3.3). */
export const DEFAULT_REQUIRED_FIELDS = [
  'userName',
  'active',
  'name.givenName',
  'name.familyName',
  'emails',
  'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:companyId',
];
