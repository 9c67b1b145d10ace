/**
 * What a route needs from its caller (Fastify route `config.role`). A route that declares none
 * needs `admin`: deny by default.
 * - `read`: everything that only reads (no secret values are ever readable);
 * - `operator`: channel operations (activate, sync, pause, approve...) and the payload codec,
 *   but no configuration and no keys;
 * - `admin`: everything.
 */
export type ApiRole = 'read' | 'operator' | 'admin';
export type RouteRole = ApiRole | 'public';

export const API_ROLES: readonly ApiRole[] = ['read', 'operator', 'admin'];

const RANK: Record<ApiRole, number> = { read: 0, operator: 1, admin: 2 };

/** Whether a key with role `has` may call a route needing `needs`. */
export function roleAllows(has: ApiRole, needs: ApiRole): boolean {
  return RANK[has] >= RANK[needs];
}

export function isApiRole(value: unknown): value is ApiRole {
  return typeof value === 'string' && (API_ROLES as readonly string[]).includes(value);
}
