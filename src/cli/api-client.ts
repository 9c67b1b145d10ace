import { CliError, EXIT } from './cli-error';

export interface ApiAnswer {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- API answers are shown, not trusted
  body: any;
  headers?: Headers;
}

export interface RequestOptions {
  headers?: Record<string, string>;
  /** A body sent as is (e.g. XML) with this content type instead of JSON. */
  raw?: { text: string; contentType: string };
}

/** The API did not answer at all (connection refused, reset, DNS): as opposed to refusing the key. */
export class ApiUnreachableError extends CliError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, EXIT.unreachable, options);
    this.name = 'ApiUnreachableError';
  }
}

/** The CLI's HTTP client of the admin API: unreachable or unauthorised end with exit code 3. */
export class ApiClient {
  constructor(
    readonly baseUrl: string,
    private readonly key: string | undefined,
  ) {}

  async request(method: string, path: string, body?: unknown, options: RequestOptions = {}): Promise<ApiAnswer> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.raw) headers['content-type'] = options.raw.contentType;
    else if (body !== undefined) headers['content-type'] = 'application/json';
    if (this.key) headers.authorization = `Bearer ${this.key}`;
    let res: Response;
    try {
      res = await fetch(`${this.baseUrl}${path}`, { method, headers, body: options.raw ? options.raw.text : body === undefined ? undefined : JSON.stringify(body) });
    } catch (err) {
      throw new ApiUnreachableError(`cannot reach the Outbound API at ${this.baseUrl} (${(err as Error).message}); is it running? (npm run up)`, { cause: err });
    }
    const text = await res.text();
    let parsed: unknown = undefined;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = text;
    }
    if (res.status === 401 || res.status === 403 || res.status === 421) {
      const detail = (parsed as { detail?: string } | undefined)?.detail ?? `HTTP ${res.status}`;
      const hint = this.key ? '' : ' (give a key with --key, OUTBOUND_API_KEY or OUTBOUND_API_KEY_FILE)';
      throw new CliError(`the API refused the request: ${detail}${hint}`, EXIT.unreachable);
    }
    return { status: res.status, body: parsed, headers: res.headers };
  }
}
