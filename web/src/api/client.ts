/** The API client, typed from the served OpenAPI document (schema.d.ts is generated; see scripts/web-api-schema.ts). */
import createClient, { type Middleware } from 'openapi-fetch';
import type { paths } from './schema';

const KEY = 'outbound.apiKey';

/** The API key lives in sessionStorage only: gone when the tab closes, never in localStorage or a cookie. */
export const session = {
  key: (): string | null => sessionStorage.getItem(KEY),
  signIn: (key: string) => sessionStorage.setItem(KEY, key),
  signOut: () => sessionStorage.removeItem(KEY),
};

const auth: Middleware = {
  onRequest({ request }) {
    const key = session.key();
    if (key) request.headers.set('authorization', `Bearer ${key}`);
    return request;
  },
};

export const api = createClient<paths>({ baseUrl: location.origin });
api.use(auth);
