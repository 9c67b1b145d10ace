import { createHmac, randomBytes } from 'node:crypto';

/** An access token the simulator issued (or the static demo token). */
export interface AccessGrant {
  companyId: string;
  scopes: ReadonlySet<string>;
  /** Epoch ms; Infinity for the static demo token. */
  expiresAt: number;
  /** `company` tokens may call Identity and UPS; `app` (client_credentials) and `user` tokens may not. */
  type: 'company' | 'app' | 'user';
  clientId?: string;
  /** For user tokens: the user's id (legacy credential check). */
  userId?: string;
}

interface RefreshGrant {
  clientId: string;
  companyId: string;
  scopes: string[];
  expiresAt: number;
  type: 'company' | 'user';
  userId?: string;
  /** Rotation: a used refresh token is dead (digest §2.1, A3). */
  used: boolean;
}

export type Lookup = { ok: true; grant: AccessGrant } | { ok: false; reason: 'missing' | 'unknown' | 'expired' };

function opaque(prefix: string): string {
  return `${prefix}${randomBytes(24).toString('base64url')}`;
}

/** Access and refresh tokens in memory; nothing here touches the network. */
export class TokenRegistry {
  private readonly access = new Map<string, AccessGrant>();
  private readonly refresh = new Map<string, RefreshGrant>();
  private readonly signingKey = randomBytes(32);

  constructor(private readonly now: () => number = Date.now) {}

  addStatic(token: string, grant: AccessGrant): void {
    this.access.set(token, grant);
  }

  mint(grant: Omit<AccessGrant, 'expiresAt'>, ttlSeconds: number): { token: string; expiresAt: number } {
    const token = opaque('sim.at.');
    const expiresAt = this.now() + ttlSeconds * 1000;
    this.access.set(token, { ...grant, expiresAt });
    this.sweep();
    return { token, expiresAt };
  }

  lookup(token: string | undefined): Lookup {
    if (!token) return { ok: false, reason: 'missing' };
    const g = this.access.get(token);
    if (!g) return { ok: false, reason: 'unknown' };
    if (g.expiresAt <= this.now()) return { ok: false, reason: 'expired' };
    return { ok: true, grant: g };
  }

  issueRefresh(g: Omit<RefreshGrant, 'used' | 'expiresAt'>, ttlSeconds: number, token = opaque('sim.rt.')): { token: string; expiresAt: number } {
    const expiresAt = this.now() + ttlSeconds * 1000;
    this.refresh.set(token, { ...g, expiresAt, used: false });
    return { token, expiresAt };
  }

  /** Marks the refresh token used and returns its grant, or why it cannot be used. */
  consumeRefresh(token: string, clientId: string): { ok: true; grant: RefreshGrant } | { ok: false; reason: 'unknown' | 'expired' | 'used' | 'client' } {
    const g = this.refresh.get(token);
    if (!g) return { ok: false, reason: 'unknown' };
    if (g.clientId !== clientId) return { ok: false, reason: 'client' };
    if (g.used) return { ok: false, reason: 'used' };
    if (g.expiresAt <= this.now()) return { ok: false, reason: 'expired' };
    g.used = true;
    return { ok: true, grant: g };
  }

  /** An OIDC-shaped id_token (HS256 with a per-process key): `sub` and `concur.type` as Concur's. */
  idToken(claims: Record<string, unknown>): string {
    const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const head = `${enc({ alg: 'HS256', typ: 'JWT' })}.${enc(claims)}`;
    return `${head}.${createHmac('sha256', this.signingKey).update(head).digest('base64url')}`;
  }

  clear(): void {
    this.access.clear();
    this.refresh.clear();
  }

  /** Expired minted tokens are kept for a while so they answer "expired", then dropped. */
  private sweep(): void {
    if (this.access.size < 10_000) return;
    const cutoff = this.now() - 3600_000;
    for (const [k, g] of this.access) if (g.expiresAt < cutoff) this.access.delete(k);
  }
}
